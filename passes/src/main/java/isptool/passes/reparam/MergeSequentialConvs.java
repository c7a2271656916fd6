package isptool.passes.reparam;

import isptool.graph.Graph;
import isptool.graph.Node;
import isptool.passes.OpRewrite;
import isptool.passes.PassReport;
import isptool.passes.Patterns;

/**
 * Merges a convolution into the next one when one of the two is a 1x1 with stride 1 and no
 * padding (DBB/ECB 1x1 -> kxk, SYENet's concat -> 1x1 compress, a BN after a branch sum).
 * Before: x -> Conv_1(K1, b1) -> Conv_2(K2, b2).  After: x -> Conv(K, b).
 * Math (per group): K[o,i] = sum_t K2[o,t] * K1[t,i]; b = b2 + sum_{t,h,w} K2[o,t,h,w] * b1[t].
 * Exactness: always when Conv_2 is the 1x1. When Conv_1 is the 1x1 and Conv_2 zero-pads, the
 * padded border held zeros, not b1: exact only if b1 == 0 — otherwise refused with the reason.
 * (A border padded with b1, as DBB and ECBSR export it, is turned into this form by BiasPadToZeroPad.)
 * Skipped without a report when the merged conv would need more multiply-adds per pixel than the
 * two together and is not a branch that is then summed or concatenated with others (DBB's
 * 1x1 -> avg-pool, ECB's 1x1 -> Sobel become costly alone but vanish into the block's one conv):
 * such a pair is an ordinary bottleneck (MobileNet's project -> expand), not a block.
 */
public final class MergeSequentialConvs extends OpRewrite {
    public MergeSequentialConvs() {
        super("Conv");
    }

    @Override
    protected boolean rewrite(Graph g, Node second, PassReport report) {
        Node first = Patterns.soleProducer(g, second.input(0), "Conv");
        ConvKernel k1 = first == null ? null : ConvKernel.of(first);
        ConvKernel k2 = k1 == null ? null : ConvKernel.of(second);
        if (k2 == null || k1.outChannels() != k2.inChannels()) {
            return false;
        }
        if (!k2.isPointwise()) {
            if (!k1.isPointwise()) {
                return false;
            }
            if (k2.hasPadding() && k1.hasBias()) {
                report.refused(name(), second.name(), "not merged with the 1x1 conv \"" + first.name()
                        + "\" before it: that conv has a bias and \"" + second.name() + "\" zero-pads its"
                        + " output, so the border would see the bias instead of zeros (inexact)");
                return false;
            }
        }
        ConvKernel merged = ConvKernel.sequence(k1, k2);
        if (merged.macsPerPixel() > k1.macsPerPixel() + k2.macsPerPixel() && !isBranch(g, second)) {
            return false; // an ordinary bottleneck (MobileNet's project 1x1 -> expand 1x1): merging costs more
        }
        String bad = merged.nonFiniteReason();
        if (bad != null) {
            report.refused(name(), second.name(), "not merged with \"" + first.name() + "\": " + bad);
            return false;
        }
        g.removeNode(second);
        g.removeNode(first);
        merged.emit(g, second.name(), first.input(0), second.output(0));
        report.applied(name(), second.name(), "\"" + first.name() + "\" " + k1 + " then " + k2 + " -> one "
                + merged + " conv");
        return true;
    }

    private static boolean isBranch(Graph g, Node conv) {
        Node c = g.soleConsumer(conv.output(0));
        return c != null && (c.is("Add") || c.is("Sum") || c.is("Concat"));
    }
}
