package isptool.backends.quant;

import isptool.backends.tflite.Quantization;
import isptool.graph.DType;
import isptool.graph.Tensor;

/** Affine quantization arithmetic (in double): parameters from ranges, quantizing and dequantizing tensors. */
final class QuantMath {
    private QuantMath() {
    }

    /** The smallest and largest stored value of an integer type. */
    static long qmin(DType t) {
        return switch (t) {
            case INT8 -> -128;
            case INT16 -> -32768;
            case UINT8 -> 0;
            case INT32 -> Integer.MIN_VALUE;
            default -> Long.MIN_VALUE;
        };
    }

    static long qmax(DType t) {
        return switch (t) {
            case INT8 -> 127;
            case INT16 -> 32767;
            case UINT8 -> 255;
            case INT32 -> Integer.MAX_VALUE;
            default -> Long.MAX_VALUE;
        };
    }

    /**
     * Per-tensor activation parameters for the range [lo, hi] (widened to hold 0 exactly): asymmetric
     * over the whole int8 range, or symmetric with zero point 0 for int16 (the 16x8 kernels require it).
     */
    static Quantization activation(double lo, double hi, DType type) {
        lo = Math.min(lo, 0);
        hi = Math.max(hi, 0);
        if (type == DType.INT16) {
            double m = Math.max(-lo, hi);
            return Quantization.perTensor(m > 0 ? m / 32767.0 : 1.0 / 32767.0, 0);
        }
        double scale = hi > lo ? (hi - lo) / 255.0 : 1.0 / 255.0;
        long zp = Math.round(-128 - lo / scale);
        return Quantization.perTensor(scale, Math.max(-128, Math.min(127, zp)));
    }

    /** Stored integers for float values: round(x / scale) + zero point, clamped (per tensor or per channel). */
    static Tensor quantize(Tensor x, Quantization q, DType type) {
        long[] out = new long[x.elementCount()];
        int axisSize = q.isPerChannel() ? (int) x.dim(q.quantizedDimension()) : 1;
        int inner = q.isPerChannel() ? inner(x.shape(), q.quantizedDimension()) : 1;
        float[] scale = q.scale();
        long[] zp = q.zeroPoint();
        long lo = qmin(type);
        long hi = qmax(type);
        for (int i = 0; i < out.length; i++) {
            int c = q.isPerChannel() ? (i / inner) % axisSize : 0;
            long v = Math.round(x.getDouble(i) / (double) scale[c]) + zp[c];
            out[i] = Math.max(lo, Math.min(hi, v));
        }
        return Tensor.ofIntegers(type, x.shape(), out);
    }

    /** Float values of stored integers: (q - zero point) * scale. */
    static Tensor dequantize(Tensor x, Quantization q) {
        float[] out = new float[x.elementCount()];
        int axisSize = q.isPerChannel() ? (int) x.dim(q.quantizedDimension()) : 1;
        int inner = q.isPerChannel() ? inner(x.shape(), q.quantizedDimension()) : 1;
        float[] scale = q.scale();
        long[] zp = q.zeroPoint();
        for (int i = 0; i < out.length; i++) {
            int c = q.isPerChannel() ? (i / inner) % axisSize : 0;
            out[i] = (float) ((x.getLong(i) - zp[c]) * (double) scale[c]);
        }
        return Tensor.ofFloats(x.shape(), out);
    }

    /** Elements per step of axis (the product of the dims after it). */
    static int inner(long[] shape, int axis) {
        int n = 1;
        for (int i = axis + 1; i < shape.length; i++) {
            n *= (int) shape[i];
        }
        return n;
    }
}
