package isptool.passes.reparam;

import isptool.graph.Graph;
import isptool.graph.Node;
import isptool.passes.OpRewrite;
import isptool.passes.PassReport;

/**
 * Folds a zero-valued constant Pad of H/W into the convolution that reads it.
 * Before: x -> Pad(zeros, t,l,b,r) -> Conv(pads p).  After: x -> Conv(pads p + (t,l,b,r)).
 * Applies only when the Pad output feeds that conv alone and the padding value is exactly 0.
 */
public final class FoldPadIntoConv extends OpRewrite {
    public FoldPadIntoConv() {
        super("Conv");
    }

    @Override
    protected boolean rewrite(Graph g, Node conv, PassReport report) {
        Node pad = isptool.passes.Patterns.soleProducer(g, conv.input(0), "Pad");
        PadSpec spec = pad == null ? null : PadSpec.of(pad);
        ConvKernel k = spec == null || spec.value() != 0 ? null : ConvKernel.of(conv);
        if (k == null) {
            return false;
        }
        int[] p = spec.pads();
        int[] merged = {k.pads[0] + p[0], k.pads[1] + p[1], k.pads[2] + p[2], k.pads[3] + p[3]};
        g.removeNode(conv);
        g.removeNode(pad);
        k.withPads(merged).emit(g, conv.name(), pad.input(0), conv.output(0));
        report.applied(name(), pad.name(), "zero padding folded into conv \"" + conv.name() + "\"");
        return true;
    }
}
