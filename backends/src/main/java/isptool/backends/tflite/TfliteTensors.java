package isptool.backends.tflite;

import static org.bytedeco.tensorflowlite.global.tensorflowlite.TfLiteTensorByteSize;
import static org.bytedeco.tensorflowlite.global.tensorflowlite.TfLiteTensorData;
import static org.bytedeco.tensorflowlite.global.tensorflowlite.TfLiteTensorDim;
import static org.bytedeco.tensorflowlite.global.tensorflowlite.TfLiteTensorName;
import static org.bytedeco.tensorflowlite.global.tensorflowlite.TfLiteTensorNumDims;
import static org.bytedeco.tensorflowlite.global.tensorflowlite.TfLiteTensorType;
import static org.bytedeco.tensorflowlite.global.tensorflowlite.kTfLiteBool;
import static org.bytedeco.tensorflowlite.global.tensorflowlite.kTfLiteFloat16;
import static org.bytedeco.tensorflowlite.global.tensorflowlite.kTfLiteFloat32;
import static org.bytedeco.tensorflowlite.global.tensorflowlite.kTfLiteFloat64;
import static org.bytedeco.tensorflowlite.global.tensorflowlite.kTfLiteInt16;
import static org.bytedeco.tensorflowlite.global.tensorflowlite.kTfLiteInt32;
import static org.bytedeco.tensorflowlite.global.tensorflowlite.kTfLiteInt64;
import static org.bytedeco.tensorflowlite.global.tensorflowlite.kTfLiteInt8;
import static org.bytedeco.tensorflowlite.global.tensorflowlite.kTfLiteUInt16;
import static org.bytedeco.tensorflowlite.global.tensorflowlite.kTfLiteUInt32;
import static org.bytedeco.tensorflowlite.global.tensorflowlite.kTfLiteUInt64;
import static org.bytedeco.tensorflowlite.global.tensorflowlite.kTfLiteUInt8;

import isptool.graph.DType;
import isptool.graph.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.tensorflowlite.TfLiteTensor;

/** Copies between the interpreter's tensors (native memory) and isptool tensors. */
final class TfliteTensors {
    private TfliteTensors() {
    }

    /** The isptool type of a runtime {@code TfLiteType}, or null for types isptool cannot hold. */
    static DType dtype(int tfLiteType) {
        if (tfLiteType == kTfLiteFloat32) {
            return DType.FLOAT;
        } else if (tfLiteType == kTfLiteFloat16) {
            return DType.FLOAT16;
        } else if (tfLiteType == kTfLiteFloat64) {
            return DType.DOUBLE;
        } else if (tfLiteType == kTfLiteInt8) {
            return DType.INT8;
        } else if (tfLiteType == kTfLiteInt16) {
            return DType.INT16;
        } else if (tfLiteType == kTfLiteInt32) {
            return DType.INT32;
        } else if (tfLiteType == kTfLiteInt64) {
            return DType.INT64;
        } else if (tfLiteType == kTfLiteUInt8) {
            return DType.UINT8;
        } else if (tfLiteType == kTfLiteUInt16) {
            return DType.UINT16;
        } else if (tfLiteType == kTfLiteUInt32) {
            return DType.UINT32;
        } else if (tfLiteType == kTfLiteUInt64) {
            return DType.UINT64;
        } else if (tfLiteType == kTfLiteBool) {
            return DType.BOOL;
        }
        return null;
    }

    static DType dtype(TfLiteTensor t) {
        return dtype(TfLiteTensorType(t));
    }

    static long[] shape(TfLiteTensor t) {
        int rank = TfLiteTensorNumDims(t);
        long[] shape = new long[Math.max(rank, 0)];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = TfLiteTensorDim(t, i);
        }
        return shape;
    }

    static int[] dims(long[] shape) {
        int[] dims = new int[shape.length];
        for (int i = 0; i < shape.length; i++) {
            dims[i] = Math.toIntExact(shape[i]);
        }
        return dims;
    }

    /** Copies bytes into the tensor's buffer; false if the sizes differ. */
    static boolean write(TfLiteTensor t, ByteBuffer bytes) {
        long size = TfLiteTensorByteSize(t);
        if (size != bytes.remaining()) {
            return false;
        }
        if (size > 0) {
            view(t, size).put(bytes.duplicate());
        }
        return true;
    }

    /** A copy of the tensor's data on the Java heap. */
    static Tensor read(TfLiteTensor t, DType dtype) {
        long size = TfLiteTensorByteSize(t);
        ByteBuffer copy = ByteBuffer.allocate(Math.toIntExact(size)).order(ByteOrder.LITTLE_ENDIAN);
        if (size > 0) {
            copy.put(view(t, size));
            copy.flip();
        }
        return Tensor.wrap(dtype, shape(t), copy);
    }

    private static ByteBuffer view(TfLiteTensor t, long size) {
        Pointer data = TfLiteTensorData(t);
        if (data == null || data.isNull()) {
            throw new IllegalStateException("tensor " + TfLiteTensorName(t).getString() + " has no memory yet");
        }
        return new BytePointer(data).capacity(size).asByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }
}
