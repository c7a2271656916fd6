package isptool.backends.qnn;

/**
 * A tensor of a QNN graph. {@code name} is the C identifier (tensor name, .raw stem and
 * BINVARSTART argument at once); {@code source} the TFLite/ONNX name it came from (the key of the
 * encodings file). {@code data} (STATIC only) holds the values as stored in NAME.bin:
 * little-endian, row-major in {@code dims} order. {@code encoding} is null for float and plain
 * integer tensors.
 */
public record QnnTensor(String name, String source, Kind kind, QnnDataType type, int[] dims, QnnEncoding encoding,
        byte[] data) {
    /** {@code Qnn_TensorType_t}: the values of QNN_TENSOR_TYPE_*. */
    public enum Kind {
        APP_WRITE(0), APP_READ(1), NATIVE(3), STATIC(4);

        public final int code;

        Kind(int code) {
            this.code = code;
        }
    }

    public int elementCount() {
        int n = 1;
        for (int d : dims) {
            n *= d;
        }
        return n;
    }

    public QnnTensor withKind(Kind k) {
        return new QnnTensor(name, source, k, type, dims, encoding, data);
    }
}
