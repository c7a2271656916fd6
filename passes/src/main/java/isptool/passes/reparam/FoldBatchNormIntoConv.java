package isptool.passes.reparam;

import isptool.graph.Graph;
import isptool.graph.Node;
import isptool.passes.OpRewrite;
import isptool.passes.PassReport;
import isptool.passes.Patterns;

/**
 * Folds an inference BatchNormalization into the convolution before it.
 * Before: x -> Conv(W, b) -> BN(gamma, beta, mean, var, eps) -> y.  After: x -> Conv(W', b') -> y.
 * Math: t = gamma / sqrt(var + eps); W'[o] = W[o] * t[o]; b' = beta + (b - mean) * t.
 * Applies only when the conv output feeds the BN alone.
 */
public final class FoldBatchNormIntoConv extends OpRewrite {
    public FoldBatchNormIntoConv() {
        super("BatchNormalization");
    }

    @Override
    protected boolean rewrite(Graph g, Node bn, PassReport report) {
        Node conv = Patterns.soleProducer(g, bn.input(0), "Conv");
        ConvKernel k = conv == null ? null : ConvKernel.of(conv);
        double[][] affine = k == null ? null : BatchNorms.affine(bn);
        if (affine == null || affine[0].length != k.outChannels()) {
            return false;
        }
        ConvKernel folded = k.affineOutput(affine[0], affine[1]);
        String bad = BatchNorms.nonFiniteReason(affine);
        bad = bad != null ? bad : folded.nonFiniteReason();
        if (bad != null) {
            report.refused(name(), bn.name(), "not folded into conv \"" + conv.name() + "\": " + bad);
            return false;
        }
        g.removeNode(bn);
        g.removeNode(conv);
        folded.emit(g, conv.name(), conv.input(0), bn.output(0));
        report.applied(name(), bn.name(), "folded into conv \"" + conv.name() + "\"");
        return true;
    }
}
