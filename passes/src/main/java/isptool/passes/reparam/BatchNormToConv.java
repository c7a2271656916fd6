package isptool.passes.reparam;

import isptool.graph.Graph;
import isptool.graph.Node;
import isptool.graph.Value;
import isptool.passes.OpRewrite;
import isptool.passes.PassReport;
import isptool.passes.Patterns;

/**
 * Turns a BatchNormalization that is part of a multi-branch structure into a depthwise 1x1 conv,
 * so the branch merges (RepVGG's BN-only identity branch, QARepVGG's BN after the branch sum).
 * Before: x -> BN -> Add(...)   or   Add(...) -> BN.   After: the BN as Conv(diag(t), shift, group=C).
 * Math: t = gamma / sqrt(var + eps), shift = beta - mean * t.
 * Leaves other BNs alone (one after a conv is folded by FoldBatchNormIntoConv instead).
 */
public final class BatchNormToConv extends OpRewrite {
    public BatchNormToConv() {
        super("BatchNormalization");
    }

    @Override
    protected boolean rewrite(Graph g, Node bn, PassReport report) {
        Value x = bn.input(0);
        if (Patterns.soleProducer(g, x, "Conv") != null || !inBranchStructure(g, bn)) {
            return false;
        }
        double[][] affine = BatchNorms.affine(bn);
        if (affine == null || Patterns.channels4d(x) != affine[0].length) {
            return false;
        }
        String bad = BatchNorms.nonFiniteReason(affine);
        if (bad != null) {
            report.refused(name(), bn.name(), "not turned into a conv: " + bad);
            return false;
        }
        g.removeNode(bn);
        ConvKernel.channelAffine(affine[0], affine[1]).emit(g, bn.name(), x, bn.output(0));
        report.applied(name(), bn.name(), "BN as depthwise 1x1 conv");
        return true;
    }

    private static boolean inBranchStructure(Graph g, Node bn) {
        Node p = Graph.producer(bn.input(0));
        if (p != null && (p.is("Add") || p.is("Sum"))) {
            return true;
        }
        for (Node u : g.consumers(bn.output(0))) {
            if (u.is("Add") || u.is("Sum")) {
                return true;
            }
        }
        return false;
    }
}
