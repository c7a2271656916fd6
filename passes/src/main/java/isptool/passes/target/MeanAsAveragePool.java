package isptool.passes.target;

import isptool.graph.Graph;
import isptool.graph.Node;
import isptool.graph.Shape;
import isptool.graph.Value;
import isptool.passes.PassReport;
import isptool.passes.target.TargetCaps.Capability;
import java.util.ArrayList;
import java.util.List;

/**
 * A mean over H and W (ReduceMean axes [2, 3] keepdims 1, or GlobalAveragePool; both become MEAN)
 * on a target without MEAN (NNAPI before API 28), or without a quantized MEAN that rescales (the
 * NNAPI delegate at every level: an int8 AVERAGE_POOL_2D shares its input's scale), as one average
 * pool over the whole image.
 *
 * Before: y[n,c,0,0] = ReduceMean(x[n,c,:,:])           (x of shape [N, C, H, W])
 * After:  y = AveragePool(x, kernel [H, W], stride 1, no padding)
 * Math: one window covering all H*W pixels: the same sum of the same values divided by H*W;
 *   kernels may sum in another order (rounding only). Where the NNAPI delegate is the reason and
 *   H*W > 256 (it refuses a quantized AVERAGE_POOL_2D over more pixels, which would overflow its
 *   reference path), the mean is taken in stages of equal non-overlapping blocks of at most 256
 *   pixels each (kernel = stride = block): a mean of means of equal-size blocks is the mean.
 * Refuses: keepdims 0 (the result would need a RESHAPE as well), an unknown shape, axes computed
 *   at run time. Means over other axes are left to ChannelMeanAsConv (axis 1) or stay.
 */
public final class MeanAsAveragePool extends TargetSwap {
    public MeanAsAveragePool(TargetCaps caps) {
        super(caps, "ReduceMean", "GlobalAveragePool");
    }

    @Override
    protected boolean rewrite(Graph g, Node n, PassReport report) {
        if (!caps.lacks(Capability.MEAN) && !caps.lacks(Capability.QUANTIZED_MEAN)) {
            return false;
        }
        Value x = NodeChain.floatInput(n);
        if (x == null) {
            return keep(report, n, "MEAN", FLOAT_ONLY);
        }
        int rank = x.shape().rank();
        long[] axes = n.is("GlobalAveragePool") ? new long[] {2, 3} : ReduceAxes.of(n, rank);
        if (axes == null) {
            return keep(report, n, "MEAN", "its axes are computed at run time");
        }
        if (!ReduceAxes.spatial(axes, rank)) {
            return false; // not over H, W: ChannelMeanAsConv's, or no swap (check names it)
        }
        if (n.getInt("keepdims", 1) == 0) {
            return keep(report, n, "MEAN", "keepdims 0 would need a reshape after the pool");
        }
        long h = x.shape().dim(2);
        long w = x.shape().dim(3);
        List<long[]> stages = caps.lacks(Capability.QUANTIZED_MEAN) ? stages(h, w) : List.of(new long[] {h, w});
        if (stages == null) {
            return keep(report, n, "MEAN", "a quantized pool over " + h + "x" + w + " pixels needs blocks of at most "
                    + MAX_POOL_AREA + " that divide H and W");
        }
        NodeChain c = NodeChain.replacing(g, n);
        Value v = x;
        List<String> sizes = new ArrayList<>();
        for (int i = 0; i < stages.size(); i++) {
            long[] k = stages.get(i);
            long[] s = v.shape().dims().clone();
            s[2] /= k[0];
            s[3] /= k[1];
            Node pool;
            if (i == stages.size() - 1) {
                pool = c.into("AveragePool", v);
            } else {
                Value next = c.op("AveragePool", Shape.of(s), v);
                pool = next.producer();
                v = next;
            }
            pool.set("kernel_shape", new long[] {k[0], k[1]});
            pool.set("strides", stages.size() == 1 ? new long[] {1, 1} : new long[] {k[0], k[1]});
            pool.set("pads", new long[] {0, 0, 0, 0});
            sizes.add(k[0] + "x" + k[1]);
        }
        report.applied(name(), n.name(), n.opType() + " over H, W -> AveragePool " + String.join(" then ", sizes));
        return true;
    }

    /** The quantized NNAPI path's limit on one AVERAGE_POOL_2D window. */
    public static final long MAX_POOL_AREA = 256;

    /**
     * Block sizes (kh, kw) whose successive non-overlapping pools cover H x W with at most
     * MAX_POOL_AREA pixels per window; null when H or W has no such factoring.
     */
    public static List<long[]> stages(long h, long w) {
        List<long[]> r = new ArrayList<>();
        while (h * w > MAX_POOL_AREA) {
            long kh = largestDivisorAtMost(h, 16);
            long kw = largestDivisorAtMost(w, MAX_POOL_AREA / kh);
            if (kh * kw == 1) {
                return null;
            }
            r.add(new long[] {kh, kw});
            h /= kh;
            w /= kw;
        }
        r.add(new long[] {h, w});
        return r;
    }

    private static long largestDivisorAtMost(long n, long limit) {
        for (long d = Math.min(n, limit); d > 1; d--) {
            if (n % d == 0) {
                return d;
            }
        }
        return 1;
    }
}
