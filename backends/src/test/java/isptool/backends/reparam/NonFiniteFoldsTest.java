package isptool.backends.reparam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import isptool.graph.Tensor;
import isptool.graph.Value;
import org.junit.jupiter.api.Test;

/**
 * A fold whose float32 result would hold NaN or inf (a BN dividing by sqrt of a non-positive
 * variance, weights near float32's largest value multiplied up, a division by zero, NaN weights
 * carried into a merged kernel) is refused with the reason, and the graph keeps the structure;
 * the unfolded graph still runs and matches the original in onnxruntime.
 */
class NonFiniteFoldsTest {
    private static final String BN_FOLD = "FoldBatchNormIntoConv";

    /** Conv [4 out] -> BN whose variance on channel 2 is replaced by the given value. */
    private static SmallGraph convBn(long seed, float variance, float epsilon) {
        SmallGraph s = new SmallGraph(seed);
        Value x = s.input("x", 1, 3, 6, 6);
        s.output(s.batchNorm("bn", s.conv("conv", x, 4, 3, 3).pad(1).build(), epsilon), "y");
        float[] var = s.g.value("bn.var").constant().toFloats();
        var[2] = variance;
        s.g.setConstant(s.g.value("bn.var"), Tensor.ofFloats(new long[] {4}, var));
        return s;
    }

    @Test
    void bnWithNegativeVarianceIsNotFolded() {
        Folding f = Folding.reparam(convBn(90, -1, 0));
        assertEquals(1, f.count("BatchNormalization"));
        assertEquals(1, f.count("Conv"));
        f.assertRefused(BN_FOLD, "not folded into conv \"conv\"", "channel 2 has variance + epsilon = -1.0");
        assertTrue(f.applied(BN_FOLD).isEmpty());
    }

    @Test
    void bnWithZeroVarianceAndZeroEpsilonIsNotFolded() {
        Folding f = Folding.reparam(convBn(91, 0, 0));
        assertEquals(1, f.count("BatchNormalization"));
        f.assertRefused(BN_FOLD, "channel 2 has variance + epsilon = 0.0", "1/sqrt(variance + epsilon) is not finite");
    }

    /** A weight of 3e38 times the BN scale 1/sqrt(0.01) = 10 would round to inf in float32. */
    @Test
    void weightsNearFloatMaxScaledUpAreNotFolded() {
        SmallGraph s = convBn(92, 0.01f, 0);
        float[] gamma = s.g.value("bn.gamma").constant().toFloats();
        gamma[2] = 1;
        s.g.setConstant(s.g.value("bn.gamma"), Tensor.ofFloats(new long[] {4}, gamma));
        float[] w = s.g.value("conv.weight").constant().toFloats();
        w[2 * 27 + 13] = 3e38f; // output channel 2, input 1, centre tap
        s.g.setConstant(s.g.value("conv.weight"), Tensor.ofFloats(new long[] {4, 3, 3, 3}, w));

        Folding f = Folding.reparam(s);

        assertEquals(1, f.count("BatchNormalization"));
        f.assertRefused(BN_FOLD, "the folded weight [2, 1, 1, 1] would be 3.00e+39, beyond float32's largest value");
    }

    /** Conv / c with c = 0 on channel 1: 1/0 would put inf into the kernel. */
    @Test
    void divisionByAZeroConstantIsNotFolded() {
        SmallGraph s = new SmallGraph(93);
        Value x = s.input("x", 1, 3, 6, 6);
        Value y = s.conv("conv", x, 4, 3, 3).pad(1).build();
        s.output(s.node("Div", "div", y, s.floats("c", new long[] {1, 4, 1, 1}, 2, 0, 0.5f, 1)), "y");

        Folding f = Folding.reparam(s);

        assertEquals(1, f.count("Div"));
        f.assertRefused("FoldAffineIntoConv", "Div by constant not folded into conv \"conv\"",
                "the folded weight [1, 0, 0, 0] would be");
    }

    /** A NaN weight in one branch is not spread through a merged RepVGG-style kernel. */
    @Test
    void nanWeightIsNotMergedIntoParallelBranches() {
        SmallGraph s = new SmallGraph(94);
        Value x = s.input("x", 1, 4, 6, 6);
        Value a = s.conv("a", x, 4, 3, 3).pad(1).build();
        Value b = s.conv("b", x, 4, 1, 1).build();
        s.output(s.add("sum", a, b), "y");
        float[] w = s.g.value("b.weight").constant().toFloats();
        w[5] = Float.NaN;
        s.g.setConstant(s.g.value("b.weight"), Tensor.ofFloats(new long[] {4, 4, 1, 1}, w));

        Folding f = Folding.reparam(s);

        assertEquals(2, f.count("Conv"));
        f.assertRefused("MergeParallelConvs", "not merged", "would be NaN");
    }
}
