package isptool.passes.reparam;

import isptool.graph.Graph;
import isptool.graph.Node;
import isptool.graph.Value;
import isptool.passes.OpRewrite;
import isptool.passes.PassReport;
import isptool.passes.Patterns;
import java.util.List;

/**
 * Rewrites a 1x1 conv output padded with its own bias (DBB's BNAndPad, ECBSR's seq branches) into
 * a zero pad, so the 1x1 -> kxk pair merges exactly.
 * Before: Conv_1(K1, b1) -> pad with b1 on the border -> Conv_2(K2, b2, no padding).
 * After:  Conv_1(K1, 0) -> Pad(0) -> Conv_2(K2, b2 + sum_{t,h,w} K2[o,t,h,w] * b1[t]).
 * Math: pad_b(z + b) = pad_0(z) + b everywhere, and Conv_2 of a constant field b is that sum.
 * The border value is read from a constant Pad, or from a Pad followed by ScatterND border
 * writes (see BorderWrites). The border must hold b1 per channel (to float32 rounding of the
 * two ways PyTorch computed it: 1e-6 relative); otherwise it is refused with the difference.
 */
public final class BiasPadToZeroPad extends OpRewrite {
    private static final double TOLERANCE = 1e-6;

    public BiasPadToZeroPad() {
        super("Pad");
    }

    @Override
    protected boolean rewrite(Graph g, Node pad, PassReport report) {
        Node first = Patterns.soleProducer(g, pad.input(0), "Conv");
        ConvKernel k1 = first == null ? null : ConvKernel.of(first);
        PadSpec spec = k1 == null || !k1.hasBias() ? null : PadSpec.of(pad);
        if (spec == null) {
            return false;
        }
        Value end = pad.output(0);
        List<Node> chain = List.of();
        double[] border = null;
        BorderWrites.Result writes = BorderWrites.follow(g, pad, spec);
        if (writes != null) {
            chain = writes.chain();
            end = writes.end();
            border = writes.borderValues();
        } else if (spec.value() != 0) {
            border = new double[k1.outChannels()];
            java.util.Arrays.fill(border, spec.value());
        }
        Node second = border == null ? null : g.soleConsumer(end);
        ConvKernel k2 = second != null && second.is("Conv") ? ConvKernel.of(second) : null;
        if (k2 == null || border.length != k1.outChannels() || k2.inChannels() != k1.outChannels()) {
            return false;
        }
        double diff = maxRelDiff(border, k1.bias);
        if (diff > TOLERANCE) {
            report.refused(name(), pad.name(), "border values differ from the bias of \"" + first.name()
                    + "\" (max relative difference " + String.format("%.2g", diff) + "), so the padded border is"
                    + " not the conv's response to zero padding");
            return false;
        }
        if (k2.hasPadding()) {
            report.refused(name(), pad.name(), "\"" + second.name() + "\" pads the bias-padded map again with"
                    + " zeros; not a constant shift");
            return false;
        }
        double[] shift = k2.responseToConstant(k1.bias);
        double[] b2 = k2.bias.clone();
        for (int o = 0; o < b2.length; o++) {
            b2[o] += shift[o];
        }
        String bad = k2.withBias(b2).nonFiniteReason();
        if (bad != null) {
            report.refused(name(), pad.name(), "bias-padded border of \"" + first.name() + "\" not moved into \""
                    + second.name() + "\": " + bad);
            return false;
        }
        for (Node n : chain) {
            g.removeNode(n);
        }
        g.removeNode(second);
        g.removeNode(pad);
        g.removeNode(first);
        Value z = g.newValue(first.output(0).name() + "_nobias", first.output(0).dtype(), first.output(0).shape());
        k1.withBias(new double[k1.outChannels()]).emit(g, first.name(), first.input(0), z);
        k2.withPads(spec.pads()).withBias(b2).emit(g, second.name(), z, second.output(0));
        report.applied(name(), pad.name(), "bias-padded border of \"" + first.name() + "\" ("
                + (chain.isEmpty() ? "Pad value" : chain.size() + " border writes") + ") moved into the bias of \""
                + second.name() + "\"");
        return true;
    }

    private static double maxRelDiff(double[] a, double[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]) / Math.max(1.0, Math.abs(b[i])));
        }
        return m;
    }
}
