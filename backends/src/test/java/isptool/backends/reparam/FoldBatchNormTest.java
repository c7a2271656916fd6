package isptool.backends.reparam;

import static org.junit.jupiter.api.Assertions.assertEquals;

import isptool.graph.Value;
import org.junit.jupiter.api.Test;

/** Case 1: Conv -> BatchNormalization folds into one Conv (FACTS 1: t = gamma / sqrt(var + eps)). */
class FoldBatchNormTest {
    @Test
    void bnFoldsIntoConvWithBias() {
        SmallGraph s = new SmallGraph(1);
        Value x = s.input("x", 1, 4, 8, 8);
        s.output(s.batchNorm("bn", s.conv("conv", x, 6, 3, 3).pad(1).build()), "y");

        Folding f = Folding.reparam(s);

        assertEquals(1, f.count("Conv"));
        assertEquals(0, f.count("BatchNormalization"));
        assertEquals(1, f.graph().nodeCount());
        f.assertApplied("FoldBatchNormIntoConv", "folded into conv \"conv\"");
        f.assertNothingRefused();
    }

    @Test
    void bnFoldsIntoConvWithoutBias() {
        SmallGraph s = new SmallGraph(2);
        Value x = s.input("x", 1, 4, 8, 8);
        s.output(s.batchNorm("bn", s.conv("conv", x, 6, 3, 3).pad(1).noBias().build()), "y");

        Folding f = Folding.reparam(s);

        assertEquals(1, f.count("Conv"));
        assertEquals(0, f.count("BatchNormalization"));
        // the folded conv gets a bias: beta - mean * t
        assertEquals(3, f.only("Conv").inputs().size());
        f.assertApplied("FoldBatchNormIntoConv", "folded into conv \"conv\"");
    }

    /** A large epsilon on small variances: folding with the default 1e-5 instead would be far off. */
    @Test
    void bnWithNonDefaultEpsilonFolds() {
        SmallGraph s = new SmallGraph(3);
        Value x = s.input("x", 1, 4, 8, 8);
        s.output(s.batchNorm("bn", s.conv("conv", x, 6, 3, 3).pad(1).build(), 0.25f), "y");

        Folding f = Folding.reparam(s);

        assertEquals(1, f.count("Conv"));
        assertEquals(0, f.count("BatchNormalization"));
        f.assertApplied("FoldBatchNormIntoConv", "folded into conv \"conv\"");
    }

    /** A grouped (depthwise) conv with its BN: t scales each output channel of each group. */
    @Test
    void bnFoldsIntoDepthwiseConv() {
        SmallGraph s = new SmallGraph(4);
        Value x = s.input("x", 1, 4, 8, 8);
        s.output(s.batchNorm("bn", s.conv("dw", x, 4, 3, 3).pad(1).group(4).build(), 1e-3f), "y");

        Folding f = Folding.reparam(s);

        assertEquals(4, f.only("Conv").getInt("group", 1));
        assertEquals(0, f.count("BatchNormalization"));
    }

    /** Identity nodes between the conv and its BN (common in exports) do not stop the fold. */
    @Test
    void bnBehindIdentityFolds() {
        SmallGraph s = new SmallGraph(5);
        Value x = s.input("x", 1, 4, 8, 8);
        Value conv = s.node("Identity", "id", s.conv("conv", x, 6, 3, 3).pad(1).build());
        s.output(s.batchNorm("bn", conv), "y");

        Folding f = Folding.reparam(s);

        assertEquals(1, f.graph().nodeCount());
        f.only("Conv");
    }
}
