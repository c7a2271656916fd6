package isptool.passes.target;

import isptool.graph.Graph;
import isptool.graph.Node;
import isptool.graph.Value;
import isptool.passes.PassReport;
import isptool.passes.reparam.ConvKernel;
import isptool.passes.target.TargetCaps.Capability;

/**
 * A grouped convolution on a target without grouped CONV_2D (TFLite writes it as CONV_2D version 6,
 * which the NNAPI delegate refuses) as one dense convolution with block-diagonal weights.
 *
 * Before: y = Conv(x, W[Cout, Cin/G, kh, kw], b, group = G)          1 < G, not depthwise
 * After:  y = Conv(x, W'[Cout, Cin, kh, kw], b, group = 1)
 *         W'[o, g(o)·Cin/G + i] = W[o, i], zero for the input channels of the other groups
 * Math: each output sums the same products as before plus products with exact zero weights, which
 *   add +0 or -0 and change no sum (for finite inputs; an inf or NaN input of another group would
 *   now turn that output into NaN). The work grows G-fold.
 * Refuses: non-constant or non-float weights; depthwise convolutions (G = Cin), which lower to
 *   DEPTHWISE_CONV_2D and need no swap.
 */
public final class GroupedConvAsDense extends TargetSwap {
    public GroupedConvAsDense(TargetCaps caps) {
        super(caps, "Conv");
    }

    @Override
    protected boolean rewrite(Graph g, Node n, PassReport report) {
        int group = (int) n.getInt("group", 1);
        if (!caps.lacks(Capability.GROUPED_CONV) || group == 1) {
            return false;
        }
        Value x = n.input(0);
        if (x.shape() != null && x.shape().rank() == 4 && x.shape().dim(1) == group) {
            return false; // depthwise
        }
        ConvKernel k = ConvKernel.of(n);
        if (k == null || NodeChain.floatInput(n) == null) {
            return keep(report, n, "grouped CONV_2D", "its weights are not a constant float32 tensor of static shape");
        }
        Value y = n.output(0);
        String name = n.name();
        g.removeNode(n);
        k.regrouped(1).emit(g, name, x, y);
        report.applied(name(), name, String.format("Conv group %d -> a dense Conv with block-diagonal weights"
                + " (exact; %d-fold the MACs)", group, group));
        return true;
    }
}
