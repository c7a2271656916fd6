package isptool.backends.tflite;

import isptool.graph.DType;
import isptool.graph.ModelException;
import org.tensorflow.lite.schema.TensorType;

/**
 * TFLite tensor element types, with their schema code and the isptool type that holds their data.
 * Types isptool cannot hold (strings, complex numbers, resources, variants, int4) have no
 * {@link #dtype()}; the reader still names them.
 */
public enum TfliteType {
    FLOAT32(TensorType.FLOAT32, DType.FLOAT),
    FLOAT16(TensorType.FLOAT16, DType.FLOAT16),
    FLOAT64(TensorType.FLOAT64, DType.DOUBLE),
    INT8(TensorType.INT8, DType.INT8),
    INT16(TensorType.INT16, DType.INT16),
    INT32(TensorType.INT32, DType.INT32),
    INT64(TensorType.INT64, DType.INT64),
    UINT8(TensorType.UINT8, DType.UINT8),
    UINT16(TensorType.UINT16, DType.UINT16),
    UINT32(TensorType.UINT32, DType.UINT32),
    UINT64(TensorType.UINT64, DType.UINT64),
    BOOL(TensorType.BOOL, DType.BOOL),
    STRING(TensorType.STRING, null),
    COMPLEX64(TensorType.COMPLEX64, null),
    COMPLEX128(TensorType.COMPLEX128, null),
    RESOURCE(TensorType.RESOURCE, null),
    VARIANT(TensorType.VARIANT, null),
    INT4(TensorType.INT4, null);

    /** The schema's {@code TensorType} code. */
    public final byte code;
    private final DType dtype;

    TfliteType(byte code, DType dtype) {
        this.code = code;
        this.dtype = dtype;
    }

    /** The isptool type holding this type's data. */
    public DType dtype() {
        if (dtype == null) {
            throw new ModelException("TFLite " + name() + " tensors are not supported by isptool");
        }
        return dtype;
    }

    public boolean hasDType() {
        return dtype != null;
    }

    /** Bytes per element (types isptool can hold only). */
    public int byteSize() {
        return dtype().byteSize;
    }

    /** The TFLite type for an isptool type. */
    public static TfliteType of(DType dtype) {
        for (TfliteType t : values()) {
            if (t.dtype == dtype) {
                return t;
            }
        }
        throw new ModelException("TFLite has no " + dtype + " tensors; cast to FLOAT or FLOAT16 first");
    }

    /** The type for a schema code, or null for a code this schema version does not know. */
    public static TfliteType fromCode(int code) {
        for (TfliteType t : values()) {
            if (t.code == code) {
                return t;
            }
        }
        return null;
    }
}
