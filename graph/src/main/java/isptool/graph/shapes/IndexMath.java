package isptool.graph.shapes;

import isptool.graph.DType;
import isptool.graph.Tensor;

/** ONNX index arithmetic shared by shape inference and constant evaluation, so the two agree. */
public final class IndexMath {
    private IndexMath() {
    }

    /** The elements start, start + step, ... (length of them) along one axis. */
    public record Range(long start, long step, long length) {
    }

    /**
     * Slice on an axis of size dim: negative starts/ends count from the end, then they are
     * clamped to [0, dim] for a positive step and to [0, dim-1] / [-1, dim-1] for a negative one;
     * the length is ceil((end - start) / step), at least 0.
     */
    public static Range slice(long start, long end, long step, long dim) {
        if (step == 0) {
            throw new IllegalArgumentException("Slice steps must not be 0");
        }
        if (start < 0) {
            start += dim;
        }
        if (end < 0) {
            end += dim;
        }
        long length;
        if (step > 0) {
            start = clamp(start, 0, dim);
            end = clamp(end, 0, dim);
            length = end > start ? ceilDiv(end - start, step) : 0;
        } else {
            start = clamp(start, 0, dim - 1);
            end = clamp(end, -1, dim - 1);
            length = start > end ? ceilDiv(start - end, -step) : 0;
        }
        return new Range(start, step, length);
    }

    /**
     * Range's element count, max(ceil((limit - start) / delta), 0). The difference is taken in
     * the tensors' type (float32 for float inputs, as onnxruntime does), the division in double.
     */
    public static long rangeLength(Tensor start, Tensor limit, Tensor delta) {
        DType t = start.dtype();
        if (!t.isFloatingPoint()) {
            long s = start.getLong(0);
            long l = limit.getLong(0);
            long d = delta.getLong(0);
            if (d == 0) {
                throw new IllegalArgumentException("Range delta must not be 0");
            }
            long span = l - s;
            long n = d > 0 ? Math.floorDiv(span + d - 1, d) : Math.floorDiv(-span - d - 1, -d);
            return Math.max(n, 0);
        }
        double d = delta.getDouble(0);
        if (d == 0) {
            throw new IllegalArgumentException("Range delta must not be 0");
        }
        double span = t == DType.FLOAT ? (double) ((float) limit.getDouble(0) - (float) start.getDouble(0))
                : limit.getDouble(0) - start.getDouble(0);
        return Math.max((long) Math.ceil(span / d), 0);
    }

    /** Shape's start/end (opset 15): clamped into [0, rank], negative counting from the end. */
    public static long[] shapeWindow(long start, long end, int rank) {
        long s = clamp(start < 0 ? start + rank : start, 0, rank);
        long e = clamp(end < 0 ? end + rank : end, 0, rank);
        return new long[] {s, Math.max(s, e)};
    }

    private static long clamp(long v, long lo, long hi) {
        return Math.max(lo, Math.min(hi, v));
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }
}
