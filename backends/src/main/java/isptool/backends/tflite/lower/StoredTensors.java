package isptool.backends.tflite.lower;

import isptool.backends.layout.Layout;
import isptool.graph.DType;
import isptool.graph.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Float tensors moved between ONNX axis order and the stored (target) order. */
public final class StoredTensors {
    private static final int[] NCHW_TO_NHWC = {0, 2, 3, 1};
    private static final int[] NHWC_TO_NCHW = {0, 3, 1, 2};
    private static final long OFF_HEAP_BYTES = 1 << 20;

    private StoredTensors() {
    }

    /**
     * out axis j = in axis perm[j] (numpy's {@code transpose(perm)}), as float32. Results of a
     * megabyte or more live outside the Java heap (weights wait there until the model is written),
     * so converting a large model needs no heap beyond the graph itself.
     */
    public static Tensor transpose(Tensor t, int[] perm) {
        ByteBuffer src = t.cast(DType.FLOAT).rawData();
        long[] in = t.shape();
        int rank = in.length;
        long[] out = new long[rank];
        for (int j = 0; j < rank; j++) {
            out[j] = in[perm[j]];
        }
        long[] inStride = new long[rank];
        long s = 1;
        for (int i = rank - 1; i >= 0; i--) {
            inStride[i] = s;
            s *= in[i];
        }
        int count = Math.toIntExact(s);
        ByteBuffer dst = (4L * count >= OFF_HEAP_BYTES ? ByteBuffer.allocateDirect(4 * count)
                : ByteBuffer.allocate(4 * count)).order(ByteOrder.LITTLE_ENDIAN);
        int[] idx = new int[rank];
        for (int o = 0; o < count; o++) {
            long from = 0;
            for (int j = 0; j < rank; j++) {
                from += idx[j] * inStride[perm[j]];
            }
            dst.putFloat(4 * o, src.getFloat(src.position() + 4 * (int) from));
            for (int j = rank - 1; j >= 0; j--) {
                if (++idx[j] < out[j]) {
                    break;
                }
                idx[j] = 0;
            }
        }
        return Tensor.wrap(DType.FLOAT, out, dst);
    }

    /**
     * A constant broadcast against a value stored in {@code layout}: right-aligned to the layout's
     * rank (leading 1s), then its axes reordered as the layout stores them.
     */
    public static Tensor inLayout(Tensor c, Layout layout) {
        int rank = layout.rank();
        if (c.rank() > rank) {
            throw new IllegalArgumentException("constant of rank " + c.rank() + " broadcast to rank " + rank);
        }
        long[] aligned = new long[rank];
        for (int i = 0; i < rank; i++) {
            int src = i - (rank - c.rank());
            aligned[i] = src < 0 ? 1 : c.dim(src);
        }
        Tensor t = Tensor.ofFloats(aligned, c.toFloats());
        return layout.isIdentity() ? t : transpose(t, layout.perm());
    }

    /** An NCHW tensor as NHWC; other ranks unchanged. */
    public static Tensor toNhwc(Tensor t) {
        return t.rank() == 4 ? transpose(t, NCHW_TO_NHWC) : t;
    }

    /** An NHWC tensor as NCHW; other ranks unchanged. */
    public static Tensor toNchw(Tensor t) {
        return t.rank() == 4 ? transpose(t, NHWC_TO_NCHW) : t;
    }
}
