package isptool.passes.reparam;

import isptool.graph.Graph;
import isptool.graph.Node;
import isptool.passes.Pass;
import isptool.passes.PassReport;
import isptool.passes.Patterns;

/**
 * Folds an inference BatchNormalization into the convolution before it.
 * Before: x -> Conv(W, b) -> BN(gamma, beta, mean, var, eps) -> y.  After: x -> Conv(W', b') -> y.
 * Math: t = gamma / sqrt(var + eps); W'[o] = W[o] * t[o]; b' = beta + (b - mean) * t.
 * Applies only when the conv output feeds the BN alone.
 */
public final class FoldBatchNormIntoConv implements Pass {
    @Override
    public boolean run(Graph g, PassReport report) {
        boolean changed = false;
        for (Node bn : g.visit()) {
            if (!g.contains(bn) || !bn.is("BatchNormalization")) {
                continue;
            }
            Node conv = Patterns.soleProducer(g, bn.input(0), "Conv");
            ConvKernel k = conv == null ? null : ConvKernel.of(conv);
            double[][] affine = k == null ? null : BatchNorms.affine(bn);
            if (affine == null || affine[0].length != k.outChannels()) {
                continue;
            }
            ConvKernel folded = k.affineOutput(affine[0], affine[1]);
            g.removeNode(bn);
            g.removeNode(conv);
            folded.emit(g, conv.name(), conv.input(0), bn.output(0));
            report.applied(name(), bn.name(), "folded into conv \"" + conv.name() + "\"");
            changed = true;
        }
        return changed;
    }
}
