package isptool.backends.reparam;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import isptool.graph.Node;
import isptool.graph.Value;
import org.junit.jupiter.api.Test;

/** Case 2: summed conv branches on one input become one conv (RepVGG, ACNet, MobileOne, RepLKNet). */
class MergeParallelConvsTest {
    private static final String PASS = "MergeParallelConvs";

    /** 3x3 pad 1 + 1x1 pad 0 + 5x5 pad 2: all centred, merged as one 5x5 pad 2. */
    @Test
    void kernelsOfDifferentSizesMergeIntoTheLargest() {
        SmallGraph s = new SmallGraph(10);
        Value x = s.input("x", 1, 4, 8, 8);
        Value c3 = s.conv("c3", x, 6, 3, 3).pad(1).build();
        Value c1 = s.conv("c1", x, 6, 1, 1).build();
        Value c5 = s.conv("c5", x, 6, 5, 5).pad(2).build();
        s.output(s.add("sum2", s.add("sum1", c3, c1), c5), "y");

        Folding f = Folding.reparam(s);

        Node conv = f.only("Conv");
        assertEquals(0, f.count("Add"));
        assertArrayEquals(new long[] {5, 5}, conv.getInts("kernel_shape", null));
        assertArrayEquals(new long[] {2, 2, 2, 2}, conv.getInts("pads", null));
        f.assertApplied(PASS, "3 branches [c3, c1, c5] -> one 6x4 5x5 conv");
        f.assertNothingRefused();
    }

    /** ACNet: 3x1 (pads 1,0) + 1x3 (pads 0,1) + 3x3 (pad 1). */
    @Test
    void asymmetricKernelsMergeIntoTheSquareOne() {
        SmallGraph s = new SmallGraph(11);
        Value x = s.input("x", 1, 4, 8, 8);
        Value c31 = s.conv("c3x1", x, 4, 3, 1).pads(1, 0, 1, 0).build();
        Value c13 = s.conv("c1x3", x, 4, 1, 3).pads(0, 1, 0, 1).build();
        Value c33 = s.conv("c3x3", x, 4, 3, 3).pad(1).build();
        s.output(s.add("sum2", s.add("sum1", c31, c13), c33), "y");

        Folding f = Folding.reparam(s);

        Node conv = f.only("Conv");
        assertArrayEquals(new long[] {3, 3}, conv.getInts("kernel_shape", null));
        assertArrayEquals(new long[] {1, 1, 1, 1}, conv.getInts("pads", null));
        f.assertApplied(PASS, "3 branches [c3x1, c1x3, c3x3]");
        f.assertNothingRefused();
    }

    @Test
    void stride2BranchesMergeKeepingTheStride() {
        SmallGraph s = new SmallGraph(12);
        Value x = s.input("x", 1, 4, 9, 8);
        Value c3 = s.conv("c3", x, 8, 3, 3).pad(1).stride(2).build();
        Value c1 = s.conv("c1", x, 8, 1, 1).stride(2).build();
        s.output(s.add("sum", c3, c1), "y");

        Folding f = Folding.reparam(s);

        Node conv = f.only("Conv");
        assertArrayEquals(new long[] {2, 2}, conv.getInts("strides", null));
        f.assertApplied(PASS, "2 branches [c3, c1] -> one 8x4 3x3 s2x2 conv");
    }

    /** Groups 2 + depthwise (groups 4) + dense: merged at the gcd of the groups (dense here). */
    @Test
    void groupedDepthwiseAndDenseBranchesMerge() {
        SmallGraph s = new SmallGraph(13);
        Value x = s.input("x", 1, 4, 8, 8);
        Value grouped = s.conv("g2", x, 4, 3, 3).pad(1).group(2).build();
        Value depthwise = s.conv("dw", x, 4, 3, 3).pad(1).group(4).build();
        Value dense = s.conv("dense", x, 4, 1, 1).build();
        s.output(s.add("sum2", s.add("sum1", grouped, depthwise), dense), "y");

        Folding f = Folding.reparam(s);

        assertEquals(1, f.only("Conv").getInt("group", 1));
        f.assertApplied(PASS, "3 branches [g2, dw, dense]");
    }

    /** Groups 2 + depthwise only: the merged conv keeps groups 2 (the gcd), not dense. */
    @Test
    void groupedAndDepthwiseBranchesMergeAtTheGcdOfTheirGroups() {
        SmallGraph s = new SmallGraph(14);
        Value x = s.input("x", 1, 8, 8, 8);
        Value grouped = s.conv("g2", x, 8, 3, 3).pad(1).group(2).build();
        Value depthwise = s.conv("dw", x, 8, 1, 1).group(8).build();
        s.output(s.add("sum", grouped, depthwise), "y");

        Folding f = Folding.reparam(s);

        assertEquals(2, f.only("Conv").getInt("group", 1));
    }

    /** RepLKNet: dilated 3x3 (dilation 2, pad 2) + dense 5x5 (pad 2): the dilated taps land inside the 5x5. */
    @Test
    void dilatedBranchMergesIntoDenseOne() {
        SmallGraph s = new SmallGraph(15);
        Value x = s.input("x", 1, 4, 10, 10);
        Value dilated = s.conv("dil", x, 4, 3, 3).pad(2).dilation(2).build();
        Value dense = s.conv("c5", x, 4, 5, 5).pad(2).build();
        s.output(s.add("sum", dilated, dense), "y");

        Folding f = Folding.reparam(s);

        Node conv = f.only("Conv");
        assertArrayEquals(new long[] {5, 5}, conv.getInts("kernel_shape", null));
        assertArrayEquals(new long[] {1, 1}, conv.getInts("dilations", null));
        f.assertApplied(PASS, "2 branches [dil, c5]");
    }

    /** UniRepLKNet: 3x3 dilation 2 + 3x3 dilation 3 are densified to 5x5 and 7x7 and merge as a 7x7. */
    @Test
    void branchesWithDifferentDilationsMergeDense() {
        SmallGraph s = new SmallGraph(25);
        Value x = s.input("x", 1, 4, 10, 10);
        Value d2 = s.conv("d2", x, 4, 3, 3).pad(2).dilation(2).group(4).build();
        Value d3 = s.conv("d3", x, 4, 3, 3).pad(3).dilation(3).group(4).build();
        s.output(s.add("sum", d2, d3), "y");

        Folding f = Folding.reparam(s);

        Node conv = f.only("Conv");
        assertArrayEquals(new long[] {7, 7}, conv.getInts("kernel_shape", null));
        assertArrayEquals(new long[] {3, 3, 3, 3}, conv.getInts("pads", null));
        assertEquals(4, conv.getInt("group", 1));
    }

    /**
     * Two branches with the same dilation (3x3 d2 pad 2 + 5x5 d2 pad 4, both centred) merge and
     * stay dilated: the 3x3's taps sit on the 5x5's dilated grid, one tap in from each side.
     */
    @Test
    void branchesWithTheSameDilationMergeDilated() {
        SmallGraph s = new SmallGraph(16);
        Value x = s.input("x", 1, 4, 12, 12);
        Value d3 = s.conv("d3", x, 4, 3, 3).pad(2).dilation(2).group(4).build();
        Value d5 = s.conv("d5", x, 4, 5, 5).pad(4).dilation(2).group(4).build();
        s.output(s.add("sum", d3, d5), "y");

        Folding f = Folding.reparam(s);

        Node conv = f.only("Conv");
        assertArrayEquals(new long[] {5, 5}, conv.getInts("kernel_shape", null));
        assertArrayEquals(new long[] {2, 2}, conv.getInts("dilations", null));
        assertEquals(4, conv.getInt("group", 1));
    }

    /** RepVGG with groups: 3x3 g2 + 1x1 g2 + identity. */
    @Test
    void identityBranchWithGroupsMerges() {
        SmallGraph s = new SmallGraph(17);
        Value x = s.input("x", 1, 4, 8, 8);
        Value c3 = s.conv("c3", x, 4, 3, 3).pad(1).group(2).build();
        Value c1 = s.conv("c1", x, 4, 1, 1).group(2).build();
        s.output(s.add("sum2", s.add("sum1", c3, c1), x), "y");

        Folding f = Folding.reparam(s);

        assertEquals(0, f.count("Add"));
        f.only("Conv");
        f.assertApplied(PASS, "[c3, c1] + 1 identity");
    }

    /** The report counts the conv branches and the identity once each: "2 branches [..] + 1 identity". */
    @Test
    void reportCountsTheIdentityBranchOnce() {
        SmallGraph s = new SmallGraph(24);
        Value x = s.input("x", 1, 4, 8, 8);
        Value c3 = s.conv("c3", x, 4, 3, 3).pad(1).build();
        Value c1 = s.conv("c1", x, 4, 1, 1).build();
        s.output(s.add("sum2", s.add("sum1", c3, c1), x), "y");

        Folding f = Folding.reparam(s);

        f.assertApplied(PASS, "2 branches [c3, c1] + 1 identity -> one 4x4 3x3 conv");
    }

    /**
     * The identity must not make a grouped block dense: the merged conv should keep the branches'
     * groups (FACTS 1: K[i, i mod (C/groups), centre] = 1), or it costs groups-times the MACs.
     */
    @Test
    void identityBranchKeepsTheBranchGroups() {
        SmallGraph s = new SmallGraph(18);
        Value x = s.input("x", 1, 4, 8, 8);
        Value c3 = s.conv("c3", x, 4, 3, 3).pad(1).group(2).build();
        Value c1 = s.conv("c1", x, 4, 1, 1).group(2).build();
        s.output(s.add("sum2", s.add("sum1", c3, c1), x), "y");

        Folding f = Folding.reparam(s);

        assertEquals(2, f.only("Conv").getInt("group", 1), f.describe());
    }

    /** MobileOne's depthwise block: depthwise 3x3 + depthwise 1x1 + BN-only identity stays depthwise. */
    @Test
    void depthwiseBlockWithIdentityStaysDepthwise() {
        SmallGraph s = new SmallGraph(19);
        Value x = s.input("x", 1, 8, 8, 8);
        Value c3 = s.batchNorm("bn3", s.conv("dw3", x, 8, 3, 3).pad(1).group(8).noBias().build());
        Value c1 = s.batchNorm("bn1", s.conv("dw1", x, 8, 1, 1).group(8).noBias().build());
        Value skip = s.batchNorm("bn_skip", x);
        s.output(s.add("sum2", s.add("sum1", c3, c1), skip), "y");

        Folding f = Folding.reparam(s);

        assertEquals(0, f.count("BatchNormalization"));
        assertEquals(8, f.only("Conv").getInt("group", 1), f.describe());
    }

    /** MobileOne's depthwise block with a plain identity (QARepVGG-style): must stay depthwise too. */
    @Test
    void depthwiseConvPlusPlainIdentityStaysDepthwise() {
        SmallGraph s = new SmallGraph(20);
        Value x = s.input("x", 1, 8, 8, 8);
        Value c3 = s.conv("dw3", x, 8, 3, 3).pad(1).group(8).build();
        s.output(s.add("sum", c3, x), "y");

        Folding f = Folding.reparam(s);

        f.assertApplied(PASS, "[dw3] + 1 identity");
        assertEquals(8, f.only("Conv").getInt("group", 1), f.describe());
    }

    @Test
    void variadicSumWithIdentityMerges() {
        SmallGraph s = new SmallGraph(21);
        Value x = s.input("x", 1, 4, 8, 8);
        Value c3 = s.conv("c3", x, 4, 3, 3).pad(1).build();
        Value c1 = s.conv("c1", x, 4, 1, 1).build();
        s.output(s.node("Sum", "sum", c3, x, c1), "y");

        Folding f = Folding.reparam(s);

        assertEquals(0, f.count("Sum"));
        f.only("Conv");
        f.assertApplied(PASS, "[c3, c1] + 1 identity");
    }

    /** Add(Add(x, conv1), conv2): the identity comes first and the branches sit at two depths. */
    @Test
    void addTreeInUnusualOrderMerges() {
        SmallGraph s = new SmallGraph(22);
        Value x = s.input("x", 1, 4, 8, 8);
        Value c1 = s.conv("c1", x, 4, 1, 1).build();
        Value inner = s.add("inner", x, c1);
        Value c3 = s.conv("c3", x, 4, 3, 3).pad(1).build();
        s.output(s.add("outer", c3, inner), "y");

        Folding f = Folding.reparam(s);

        assertEquals(0, f.count("Add"));
        f.only("Conv");
        f.assertApplied(PASS, "+ 1 identity");
    }

    /** A leaf that is not a conv (another input) stays as one Add on the merged conv. */
    @Test
    void nonConvLeafStaysAsOneAdd() {
        SmallGraph s = new SmallGraph(23);
        Value x = s.input("x", 1, 4, 8, 8);
        Value z = s.input("z", 1, 4, 8, 8);
        Value c3 = s.conv("c3", x, 4, 3, 3).pad(1).build();
        Value c1 = s.conv("c1", x, 4, 1, 1).build();
        s.output(s.add("sum2", s.add("sum1", c3, z), c1), "y");

        Folding f = Folding.reparam(s);

        assertEquals(1, f.count("Conv"));
        assertEquals(1, f.count("Add"));
    }

    /** RepVGG: 3x3-BN + 1x1-BN + BN-only identity, then ReLU: one conv and the ReLU. */
    @Test
    void repVggBlockBecomesConvAndRelu() {
        SmallGraph s = new SmallGraph(26);
        Value x = s.input("x", 1, 4, 8, 8);
        Value c3 = s.batchNorm("bn3", s.conv("c3", x, 4, 3, 3).pad(1).noBias().build());
        Value c1 = s.batchNorm("bn1", s.conv("c1", x, 4, 1, 1).noBias().build());
        Value id = s.batchNorm("bn_id", x);
        s.output(s.node("Relu", "relu", s.add("sum2", s.add("sum1", c3, c1), id)), "y");

        Folding f = Folding.reparam(s);

        assertEquals(1, f.count("Conv"));
        assertEquals(1, f.count("Relu"));
        assertEquals(2, f.graph().nodeCount());
        f.assertApplied("BatchNormToConv", "BN as depthwise 1x1 conv");
        f.assertNothingRefused();
    }

    /** QARepVGG: 3x3-BN + 1x1 (no BN, no bias) + identity, then a BN after the sum: one conv. */
    @Test
    void qaRepVggBlockWithBnAfterTheSumBecomesOneConv() {
        SmallGraph s = new SmallGraph(27);
        Value x = s.input("x", 1, 4, 8, 8);
        Value c3 = s.batchNorm("bn3", s.conv("c3", x, 4, 3, 3).pad(1).noBias().build());
        Value c1 = s.conv("c1", x, 4, 1, 1).noBias().build();
        Value sum = s.add("sum2", s.add("sum1", c3, c1), x);
        s.output(s.batchNorm("bn_post", sum), "y");

        Folding f = Folding.reparam(s);

        assertEquals(1, f.count("Conv"));
        assertEquals(1, f.graph().nodeCount());
    }

    /** auto_pad SAME_UPPER 2x2 + SAME_LOWER 2x2 + SAME_UPPER 3x3: read from the input size, merged. */
    @Test
    void autoPaddedBranchesMerge() {
        SmallGraph s = new SmallGraph(28);
        Value x = s.input("x", 1, 4, 8, 8);
        Value upper = s.conv("upper", x, 4, 2, 2).autoPad("SAME_UPPER").build();
        Value lower = s.conv("lower", x, 4, 2, 2).autoPad("SAME_LOWER").build();
        Value k3 = s.conv("k3", x, 4, 3, 3).autoPad("SAME_UPPER").build();
        s.output(s.node("Sum", "sum", upper, lower, k3), "y");

        Folding f = Folding.reparam(s);

        Node conv = f.only("Conv");
        assertArrayEquals(new long[] {3, 3}, conv.getInts("kernel_shape", null));
        assertArrayEquals(new long[] {1, 1, 1, 1}, conv.getInts("pads", null));
    }

    /**
     * DBB with unbiased 1x1s: 3x3 + 1x1 + (1x1 -> avgpool 3x3 pad 1, count_include_pad=1) +
     * (1x1 -> 3x3 pad 1): the pool becomes a conv, each 1x1 -> kxk pair one conv, then one conv.
     */
    @Test
    void diverseBranchBlockBecomesOneConv() {
        SmallGraph s = new SmallGraph(29);
        Value x = s.input("x", 1, 4, 8, 8);
        Value k3 = s.conv("k3", x, 4, 3, 3).pad(1).build();
        Value k1 = s.conv("k1", x, 4, 1, 1).build();
        Value pool = s.averagePool("avg", s.conv("avg_pw", x, 4, 1, 1).noBias().build(), 3, 1, 1, true);
        Value seq = s.conv("seq_k3", s.conv("seq_pw", x, 6, 1, 1).noBias().build(), 4, 3, 3).pad(1).build();
        s.output(s.add("sum3", s.add("sum2", s.add("sum1", k3, k1), pool), seq), "y");

        Folding f = Folding.reparam(s);

        assertEquals(1, f.graph().nodeCount(), f.describe());
        f.only("Conv");
        f.assertNothingRefused();
    }
}
