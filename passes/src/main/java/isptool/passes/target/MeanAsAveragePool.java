package isptool.passes.target;

import isptool.graph.Graph;
import isptool.graph.Node;
import isptool.graph.Value;
import isptool.passes.PassReport;
import isptool.passes.target.TargetCaps.Capability;

/**
 * A mean over H and W (ReduceMean axes [2, 3] keepdims 1, or GlobalAveragePool; both become MEAN)
 * on a target without MEAN (NNAPI before API 28), as one average pool over the whole image.
 *
 * Before: y[n,c,0,0] = ReduceMean(x[n,c,:,:])           (x of shape [N, C, H, W])
 * After:  y = AveragePool(x, kernel [H, W], stride 1, no padding)
 * Math: one window covering all H*W pixels: the same sum of the same values divided by H*W;
 *   kernels may sum in another order (rounding only).
 * Refuses: keepdims 0 (the result would need a RESHAPE as well), an unknown shape, axes computed
 *   at run time. Means over other axes are left to ChannelMeanAsConv (axis 1) or stay.
 */
public final class MeanAsAveragePool extends TargetSwap {
    public MeanAsAveragePool(TargetCaps caps) {
        super(caps, "ReduceMean", "GlobalAveragePool");
    }

    @Override
    protected boolean rewrite(Graph g, Node n, PassReport report) {
        if (!caps.lacks(Capability.MEAN)) {
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
        NodeChain c = NodeChain.replacing(g, n);
        Node pool = c.into("AveragePool", x);
        pool.set("kernel_shape", new long[] {h, w});
        pool.set("strides", new long[] {1, 1});
        pool.set("pads", new long[] {0, 0, 0, 0});
        report.applied(name(), n.name(), n.opType() + " over H, W -> AveragePool " + h + "x" + w);
        return true;
    }
}
