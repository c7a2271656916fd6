package isptool.passes.target;

import isptool.graph.DType;
import isptool.graph.Graph;
import isptool.graph.Node;
import isptool.graph.Tensor;
import isptool.graph.Value;
import isptool.passes.PassReport;
import isptool.passes.target.TargetCaps.Capability;
import java.util.Arrays;

/**
 * A mean over the channels (NAFNet's LayerNorm2d statistics: ReduceMean axis 1, keepdims 1) on a
 * target without MEAN (NNAPI before API 28) or without a rescaling quantized MEAN (the NNAPI
 * delegate, every level; a conv has its own output scale), as a 1x1 conv to one channel with every
 * weight 1/C.
 *
 * Before: y[n,0,h,w] = ReduceMean(x[n,:,h,w])            (x of shape [N, C, H, W])
 * After:  y = Conv(x, W, no bias),  W of shape [1, C, 1, 1], W = 1/C
 * Math: sum_c x[c] * (1/C) = (sum_c x[c]) / C when 1/C is exact, i.e. C a power of two (the
 *   products are then exact and the sums differ in order only).
 * Refuses: keepdims 0, axes other than exactly [1] of a rank-4 tensor, unknown shapes; C not a
 *   power of two unless approximations are allowed (1/C rounded to float32, reported).
 */
public final class ChannelMeanAsConv extends TargetSwap {
    public ChannelMeanAsConv(TargetCaps caps) {
        super(caps, "ReduceMean");
    }

    @Override
    protected boolean rewrite(Graph g, Node n, PassReport report) {
        Value x = NodeChain.floatInput(n);
        boolean wanted = caps.lacks(Capability.MEAN) || caps.lacks(Capability.QUANTIZED_MEAN);
        if (!wanted || x == null || x.shape().rank() != 4) {
            return false;
        }
        long[] axes = ReduceAxes.of(n, 4);
        if (axes == null || !Arrays.equals(axes, new long[] {1})) {
            return false;
        }
        long c = x.shape().dim(1);
        if (n.getInt("keepdims", 1) == 0) {
            return keep(report, n, "MEAN", "keepdims 0 would need a reshape after the conv");
        }
        boolean exact = NodeChain.reciprocalIsExact(c);
        if (!exact && !caps.allowApprox()) {
            return keep(report, n, "MEAN", c + " channels: 1/" + c + " is not exact in float32; allow approximations"
                    + " to swap it");
        }
        double[] w = new double[(int) c];
        Arrays.fill(w, 1.0 / c);
        NodeChain ch = NodeChain.replacing(g, n);
        Node conv = ch.into("Conv", x, ch.constant(Tensor.of(DType.FLOAT, new long[] {1, c, 1, 1}, w)));
        conv.set("kernel_shape", new long[] {1, 1});
        report.applied(name(), n.name(), "mean over " + c + " channels -> 1x1 Conv with weights 1/" + c
                + (exact ? " (exact)" : String.format(" (approximate: 1/%d relative error %.2g)", c,
                Math.abs((float) (1.0 / c) * c - 1))));
        return true;
    }
}
