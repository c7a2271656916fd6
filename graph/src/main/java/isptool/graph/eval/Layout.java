package isptool.graph.eval;

import isptool.graph.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Row-major index arithmetic and element copying. Data-movement kernels (Gather, Slice,
 * Transpose, Tile...) compute, for every output element, the linear index of the input element
 * it copies, and copy bytes: so they work for every element type without converting values.
 */
final class Layout {
    private Layout() {
    }

    /** For each output coordinate, the linear source index (or -1 for "fill"). */
    @FunctionalInterface
    interface SourceIndex {
        long at(int[] coord);
    }

    static long[] strides(long[] shape) {
        long[] s = new long[shape.length];
        long acc = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            s[i] = acc;
            acc *= shape[i];
        }
        return s;
    }

    static int count(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return Math.toIntExact(n);
    }

    /** Walks every coordinate of shape in row-major order and records f's source index. */
    static int[] map(long[] shape, SourceIndex f) {
        int n = count(shape);
        int[] r = new int[n];
        int[] coord = new int[shape.length];
        for (int i = 0; i < n; i++) {
            r[i] = Math.toIntExact(f.at(coord));
            for (int a = shape.length - 1; a >= 0; a--) {
                if (++coord[a] < shape[a]) {
                    break;
                }
                coord[a] = 0;
            }
        }
        return r;
    }

    /** Source indices for reading an input of shape in as if broadcast to shape out. */
    static int[] broadcast(long[] in, long[] out) {
        long[] stride = strides(in);
        int offset = out.length - in.length;
        return map(out, coord -> {
            long idx = 0;
            for (int a = 0; a < in.length; a++) {
                if (in[a] != 1) {
                    idx += coord[a + offset] * stride[a];
                }
            }
            return idx;
        });
    }

    /** A tensor of src's type whose element i is src's element index[i], or fill's element 0 where index[i] &lt; 0. */
    static Tensor copy(Tensor src, long[] shape, int[] index, Tensor fill) {
        int size = src.dtype().byteSize;
        ByteBuffer in = src.rawData();
        int base = in.position();
        ByteBuffer out = ByteBuffer.allocate(index.length * size).order(ByteOrder.LITTLE_ENDIAN);
        byte[] pad = fill == null ? new byte[size] : bytesOf(fill.cast(src.dtype()), 0);
        for (int i = 0; i < index.length; i++) {
            if (index[i] < 0) {
                out.put(i * size, pad, 0, size);
                continue;
            }
            for (int b = 0; b < size; b++) {
                out.put(i * size + b, in.get(base + index[i] * size + b));
            }
        }
        return Tensor.wrap(src.dtype(), shape, out);
    }

    static Tensor copy(Tensor src, long[] shape, int[] index) {
        return copy(src, shape, index, null);
    }

    private static byte[] bytesOf(Tensor t, int i) {
        int size = t.dtype().byteSize;
        ByteBuffer b = t.rawData();
        byte[] r = new byte[size];
        for (int k = 0; k < size; k++) {
            r[k] = b.get(b.position() + i * size + k);
        }
        return r;
    }

    /** An axis in [-rank, rank) made non-negative, else IllegalArgumentException. */
    static int axis(long axis, int rank) {
        if (axis < -rank || axis >= rank) {
            throw new IllegalArgumentException("axis " + axis + " is out of range for rank " + rank);
        }
        return (int) (axis < 0 ? axis + rank : axis);
    }
}
