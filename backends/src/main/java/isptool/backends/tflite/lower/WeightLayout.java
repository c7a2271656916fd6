package isptool.backends.tflite.lower;

/**
 * Where the lowering puts an ONNX weight: the TFLite op's weight and bias input positions and the
 * axis order of the stored weights, {@code stored = transpose(onnx, perm)} (stored axis j is ONNX
 * axis perm[j]). The lowerings store their weights with these permutations, so a reader (the QNN
 * encodings, which key weights by their ONNX names) maps a stored axis back without looking at
 * shapes.
 * <ul>
 * <li>Conv to CONV_2D (also grouped): OIHW to OHWI, perm {0, 2, 3, 1}.</li>
 * <li>Conv to DEPTHWISE_CONV_2D: OIHW [Cout, 1, kh, kw] to [1, kh, kw, Cout], perm {1, 2, 3, 0}.</li>
 * <li>ConvTranspose to TRANSPOSE_CONV: [Cin, Cout/g, kh, kw] to OHWI [Cout, kh, kw, Cin], perm
 * {1, 2, 3, 0}; inputs (output_shape, weights, input, bias).</li>
 * <li>Gemm/MatMul to FULLY_CONNECTED: [out, in] is B as is with transB = 1, perm {0, 1}, else
 * B transposed, perm {1, 0}.</li>
 * </ul>
 */
public record WeightLayout(int weightInput, int biasInput, int[] perm) {
    static final int[] CONV_OHWI = {0, 2, 3, 1};
    static final int[] DEPTHWISE_1HWO = {1, 2, 3, 0};
    static final int[] TRANSPOSE_CONV_OHWI = {1, 2, 3, 0};
    static final int[] DENSE_TRANSPOSED = {1, 0};
    private static final int[] DENSE_AS_IS = {0, 1};

    public WeightLayout {
        perm = perm.clone();
    }

    @Override
    public int[] perm() {
        return perm.clone();
    }

    /** The ONNX axis of stored axis j. */
    public int onnxAxis(int storedAxis) {
        return perm[storedAxis];
    }

    /**
     * The layout of the weights of a TFLite operator lowered from an ONNX node of type onnxOp
     * (transB: the Gemm attribute); null for a pair the lowering does not make.
     */
    public static WeightLayout of(String tfliteOp, String onnxOp, boolean transB) {
        return switch (onnxOp + " " + tfliteOp) {
            case "Conv CONV_2D" -> new WeightLayout(1, 2, CONV_OHWI);
            case "Conv DEPTHWISE_CONV_2D" -> new WeightLayout(1, 2, DEPTHWISE_1HWO);
            case "ConvTranspose TRANSPOSE_CONV" -> new WeightLayout(1, 3, TRANSPOSE_CONV_OHWI);
            case "Gemm FULLY_CONNECTED" -> new WeightLayout(1, 2, transB ? DENSE_AS_IS : DENSE_TRANSPOSED);
            case "MatMul FULLY_CONNECTED" -> new WeightLayout(1, 2, DENSE_TRANSPOSED);
            default -> null;
        };
    }
}
