package isptool.backends.ort;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.TensorInfo;
import isptool.graph.DType;
import isptool.graph.ModelException;
import isptool.graph.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Conversions between isptool tensors and onnxruntime tensors (raw little-endian bytes both ways). */
final class OrtTensors {
    private OrtTensors() {
    }

    /** The onnxruntime Java type for an element type, or null if its Java API cannot carry it. */
    static OnnxJavaType javaType(DType t) {
        return switch (t) {
            case FLOAT -> OnnxJavaType.FLOAT;
            case DOUBLE -> OnnxJavaType.DOUBLE;
            case FLOAT16 -> OnnxJavaType.FLOAT16;
            case BFLOAT16 -> OnnxJavaType.BFLOAT16;
            case INT8 -> OnnxJavaType.INT8;
            case UINT8 -> OnnxJavaType.UINT8;
            case INT16 -> OnnxJavaType.INT16;
            case INT32 -> OnnxJavaType.INT32;
            case INT64 -> OnnxJavaType.INT64;
            case BOOL -> OnnxJavaType.BOOL;
            default -> null;
        };
    }

    /**
     * The element type for onnxruntime's type enum (whose numbering is not ONNX's), or null for
     * types isptool does not have (complex, float8).
     */
    static DType dtype(TensorInfo.OnnxTensorType t) {
        return switch (t) {
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT -> DType.FLOAT;
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_DOUBLE -> DType.DOUBLE;
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT16 -> DType.FLOAT16;
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_BFLOAT16 -> DType.BFLOAT16;
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT8 -> DType.INT8;
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT8 -> DType.UINT8;
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT16 -> DType.INT16;
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT16 -> DType.UINT16;
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT32 -> DType.INT32;
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT32 -> DType.UINT32;
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT64 -> DType.INT64;
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT64 -> DType.UINT64;
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_BOOL -> DType.BOOL;
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_STRING -> DType.STRING;
            default -> null;
        };
    }

    /**
     * An onnxruntime tensor over t's bytes. Direct (memory-mapped) data is passed without a copy;
     * heap data is copied once into a direct buffer. Typed views are passed rather than a
     * ByteBuffer with a type tag: onnxruntime 1.22 mishandles non-direct ByteBuffers of
     * multi-byte types (ClassCastException in OrtUtil.prepareBuffer).
     */
    static OnnxTensor toOrt(OrtEnvironment env, Tensor t, String what) throws OrtException {
        OnnxJavaType jt = javaType(t.dtype());
        if (jt == null) {
            throw new ModelException(what + " has element type " + t.dtype() + ", which onnxruntime's Java API"
                    + " cannot pass; cast it to a signed or floating-point type");
        }
        ByteBuffer data = t.rawData();
        if (!data.isDirect()) {
            ByteBuffer copy = ByteBuffer.allocateDirect(data.remaining());
            copy.put(data).flip();
            data = copy;
        }
        data = data.order(ByteOrder.LITTLE_ENDIAN);
        long[] shape = t.shape();
        return switch (t.dtype()) {
            case FLOAT -> OnnxTensor.createTensor(env, data.asFloatBuffer(), shape);
            case DOUBLE -> OnnxTensor.createTensor(env, data.asDoubleBuffer(), shape);
            case INT64 -> OnnxTensor.createTensor(env, data.asLongBuffer(), shape);
            case INT32 -> OnnxTensor.createTensor(env, data.asIntBuffer(), shape);
            case INT16, FLOAT16, BFLOAT16 -> OnnxTensor.createTensor(env, data.asShortBuffer(), shape, jt);
            default -> OnnxTensor.createTensor(env, data, shape, jt); // one-byte types
        };
    }

    /** Copies an onnxruntime output into a tensor. */
    static Tensor fromOrt(OnnxValue value, String what) throws OrtException {
        if (!(value instanceof OnnxTensor ot)) {
            throw new ModelException(what + " is a " + value.getType() + ", not a tensor; isptool compares tensor"
                    + " outputs only");
        }
        TensorInfo info = ot.getInfo();
        DType dt = dtype(info.onnxType);
        if (dt == null || dt == DType.STRING) {
            throw new ModelException(what + " has element type " + info.onnxType + ", which isptool does not"
                    + " support");
        }
        ByteBuffer bytes = ot.getByteBuffer();
        return Tensor.wrap(dt, info.getShape(), bytes);
    }
}
