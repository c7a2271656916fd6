package isptool.backends.reparam;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import isptool.graph.Node;
import isptool.graph.Value;
import org.junit.jupiter.api.Test;

/**
 * Case 5: Conv -> Conv where one is a 1x1 (DBB, ECB). K[o,i] = sum_t K2[o,t] K1[t,i];
 * b = b2 + sum K2[o,t,h,w] b1[t]; exact unless a biased 1x1 output is zero-padded.
 */
class MergeSequentialConvsTest {
    private static final String PASS = "MergeSequentialConvs";

    @Test
    void biasedPointwiseThenUnpadded3x3Merges() {
        SmallGraph s = new SmallGraph(50);
        Value x = s.input("x", 1, 4, 8, 8);
        Value mid = s.conv("expand", x, 6, 1, 1).build();
        s.output(s.conv("k3", mid, 5, 3, 3).build(), "y");

        Folding f = Folding.reparam(s);

        Node conv = f.only("Conv");
        assertArrayEquals(new long[] {0, 0, 0, 0}, conv.getInts("pads", null));
        f.assertApplied(PASS, "\"expand\" 6x4 1x1 then 5x6 3x3 -> one 5x4 3x3 conv");
        f.assertNothingRefused();
    }

    @Test
    void unbiasedPointwiseThenPadded3x3Merges() {
        SmallGraph s = new SmallGraph(51);
        Value x = s.input("x", 1, 4, 8, 8);
        Value mid = s.conv("expand", x, 6, 1, 1).noBias().build();
        s.output(s.conv("k3", mid, 5, 3, 3).pad(1).build(), "y");

        Folding f = Folding.reparam(s);

        Node conv = f.only("Conv");
        assertArrayEquals(new long[] {1, 1, 1, 1}, conv.getInts("pads", null));
        f.assertApplied(PASS, "one 5x4 3x3 conv");
    }

    /** The border of the padded 3x3 would see b1 instead of zeros after a merge: refused, with why. */
    @Test
    void biasedPointwiseThenPadded3x3IsRefused() {
        SmallGraph s = new SmallGraph(52);
        Value x = s.input("x", 1, 4, 8, 8);
        Value mid = s.conv("expand", x, 6, 1, 1).build();
        s.output(s.conv("k3", mid, 5, 3, 3).pad(1).build(), "y");

        Folding f = Folding.reparam(s);

        assertEquals(2, f.count("Conv"));
        f.assertRefused(PASS, "not merged with the 1x1 conv \"expand\"", "has a bias", "zero-pads");
        assertEquals(0, f.applied(PASS).size());
    }

    @Test
    void kxkThenPointwiseMerges() {
        SmallGraph s = new SmallGraph(53);
        Value x = s.input("x", 1, 4, 8, 8);
        Value mid = s.conv("k3", x, 6, 3, 3).pad(1).stride(2).build();
        s.output(s.conv("project", mid, 3, 1, 1).build(), "y");

        Folding f = Folding.reparam(s);

        Node conv = f.only("Conv");
        assertArrayEquals(new long[] {2, 2}, conv.getInts("strides", null));
        assertArrayEquals(new long[] {1, 1, 1, 1}, conv.getInts("pads", null));
        f.assertApplied(PASS, "\"k3\" 6x4 3x3 s2x2 then 3x6 1x1 -> one 3x4 3x3 s2x2 conv");
    }

    /**
     * Grouped 1x1 (groups 2) then depthwise 3x3, as a branch summed with a grouped 3x3 (alone the
     * pair would cost more merged and is left alone): merged per group, groups 2 kept.
     */
    @Test
    void groupedPointwiseThenDepthwiseMergesPerGroup() {
        SmallGraph s = new SmallGraph(54);
        Value x = s.input("x", 1, 4, 8, 8);
        Value mid = s.conv("pw", x, 8, 1, 1).group(2).noBias().build();
        Value branch = s.conv("dw", mid, 8, 3, 3).pad(1).group(8).build();
        s.output(s.add("sum", branch, s.conv("main", x, 8, 3, 3).pad(1).group(2).build()), "y");

        Folding f = Folding.reparam(s);

        assertEquals(2, f.only("Conv").getInt("group", 1));
    }

    /** Biased grouped 1x1 then unpadded depthwise (a summed branch): the bias goes through per group too. */
    @Test
    void biasedGroupedPointwiseThenUnpaddedDepthwiseMerges() {
        SmallGraph s = new SmallGraph(55);
        Value x = s.input("x", 1, 4, 8, 8);
        Value mid = s.conv("pw", x, 8, 1, 1).group(2).build();
        Value branch = s.conv("dw", mid, 8, 3, 3).group(8).build();
        s.output(s.add("sum", branch, s.conv("main", x, 8, 3, 3).group(2).build()), "y");

        Folding f = Folding.reparam(s);

        assertEquals(2, f.only("Conv").getInt("group", 1));
    }

    /** A 1x1 with stride 2 after a 1x1: the merged conv must keep the stride (4x4 output, not 8x8). */
    @Test
    void pointwiseThenStridedPointwiseKeepsTheStride() {
        SmallGraph s = new SmallGraph(56);
        Value x = s.input("x", 1, 4, 8, 8);
        Value mid = s.conv("pw", x, 6, 1, 1).build();
        s.output(s.conv("down", mid, 4, 1, 1).stride(2).build(), "y");

        Folding f = Folding.reparam(s);

        assertArrayEquals(new long[] {2, 2}, f.only("Conv").getInts("strides", null), f.describe());
    }

    /** An unbiased 1x1 then a 1x1 with pad 1 (10x10 output): the merged conv must keep the padding. */
    @Test
    void pointwiseThenPaddedPointwiseKeepsThePadding() {
        SmallGraph s = new SmallGraph(57);
        Value x = s.input("x", 1, 4, 8, 8);
        Value mid = s.conv("pw", x, 6, 1, 1).noBias().build();
        s.output(s.conv("padded", mid, 4, 1, 1).pad(1).build(), "y");

        Folding f = Folding.reparam(s);

        assertArrayEquals(new long[] {1, 1, 1, 1}, f.only("Conv").getInts("pads", null), f.describe());
    }

    /** A conv whose output is also read elsewhere is not merged into the next one. */
    @Test
    void sharedIntermediateIsNotMerged() {
        SmallGraph s = new SmallGraph(58);
        Value x = s.input("x", 1, 4, 8, 8);
        Value mid = s.conv("pw", x, 4, 1, 1).build();
        s.output(s.conv("k3", mid, 4, 3, 3).build(), "y");
        s.output(s.node("Relu", "relu", mid), "side");

        Folding f = Folding.reparam(s);

        assertEquals(2, f.count("Conv"));
        assertEquals(0, f.applied(PASS).size());
    }

    /** MobileNet's project 1x1 (24 -> 8) then the next expand 1x1 (8 -> 48): a bottleneck, merging would cost more. */
    @Test
    void bottleneckPairIsLeftAlone() {
        SmallGraph s = new SmallGraph(59);
        Value x = s.input("x", 1, 24, 8, 8);
        Value mid = s.conv("project", x, 8, 1, 1).build();
        s.output(s.node("Relu", "act", s.conv("expand", mid, 48, 1, 1).build()), "y");

        Folding f = Folding.reparam(s);

        assertEquals(2, f.count("Conv"));
        assertEquals(0, f.applied(PASS).size());
        f.assertNothingRefused();
    }

    /** The same costly 1x1 pair is merged when it is a branch that is summed (it then joins the block's one conv). */
    @Test
    void costlyPairInsideASumStillMerges() {
        SmallGraph s = new SmallGraph(60);
        Value x = s.input("x", 1, 24, 8, 8);
        Value branch = s.conv("expand", s.conv("project", x, 8, 1, 1).build(), 24, 1, 1).build();
        s.output(s.add("sum", branch, s.conv("main", x, 24, 1, 1).build()), "y");

        Folding f = Folding.reparam(s);

        assertEquals(1, f.count("Conv"));
    }
}
