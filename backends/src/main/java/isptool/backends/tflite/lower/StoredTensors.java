package isptool.backends.tflite.lower;

import isptool.backends.layout.Layout;
import isptool.graph.Tensor;

/** Float tensors moved between ONNX axis order and the stored (target) order. */
public final class StoredTensors {
    private static final int[] NCHW_TO_NHWC = {0, 2, 3, 1};
    private static final int[] NHWC_TO_NCHW = {0, 3, 1, 2};

    private StoredTensors() {
    }

    /** out axis j = in axis perm[j] (numpy's {@code transpose(perm)}). */
    public static Tensor transpose(Tensor t, int[] perm) {
        long[] in = t.shape();
        int rank = in.length;
        long[] out = new long[rank];
        for (int j = 0; j < rank; j++) {
            out[j] = in[perm[j]];
        }
        float[] src = t.toFloats();
        float[] dst = new float[src.length];
        long[] inStride = new long[rank];
        long s = 1;
        for (int i = rank - 1; i >= 0; i--) {
            inStride[i] = s;
            s *= in[i];
        }
        int[] idx = new int[rank];
        for (int o = 0; o < dst.length; o++) {
            long from = 0;
            for (int j = 0; j < rank; j++) {
                from += idx[j] * inStride[perm[j]];
            }
            dst[o] = src[(int) from];
            for (int j = rank - 1; j >= 0; j--) {
                if (++idx[j] < out[j]) {
                    break;
                }
                idx[j] = 0;
            }
        }
        return Tensor.ofFloats(out, dst);
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
