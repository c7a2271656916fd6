package isptool.backends.reparam;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import isptool.graph.Node;
import isptool.graph.Value;
import org.junit.jupiter.api.Test;

/**
 * Case 3: summed branches whose windows do not line up (shifted on a stride-2 grid, off a dilated
 * grid, different strides) are refused with the reason, and the graph keeps computing what it
 * computed. Padding that only looks misaligned (stride 1, same output size) merges.
 */
class UnmergeableBranchesTest {
    private static final String PASS = "MergeParallelConvs";

    /**
     * 2x2 pads (0,0,1,1) + 2x2 pads (1,1,0,0) looks misaligned but is not: with stride 1 both
     * outputs have the input's size and output o reads rows o..o+1 and o-1..o, so the pair is one
     * 3x3 pad 1 with the two kernels in opposite corners. Merging it is right.
     */
    @Test
    void evenKernelsPaddedOnOppositeSidesMergeIntoOneWindow() {
        SmallGraph s = new SmallGraph(30);
        Value x = s.input("x", 1, 4, 8, 8);
        Value a = s.conv("a", x, 4, 2, 2).pads(0, 0, 1, 1).build();
        Value b = s.conv("b", x, 4, 2, 2).pads(1, 1, 0, 0).build();
        s.output(s.add("sum", a, b), "y");

        Folding f = Folding.reparam(s);

        Node conv = f.only("Conv");
        assertArrayEquals(new long[] {3, 3}, conv.getInts("kernel_shape", null));
        assertArrayEquals(new long[] {1, 1, 1, 1}, conv.getInts("pads", null));
        f.assertApplied(PASS, "2 branches [a, b] -> one 4x4 3x3 conv");
    }

    /**
     * Stride 2, 3x3 pads (1,1,1,1) against 3x3 pads (0,0,1,1): same output size (4x4 from 8x8), but
     * the windows start one pixel apart, which no single stride-2 3x3 can hold.
     */
    @Test
    void stridedBranchesShiftedByOnePixelAreRefused() {
        SmallGraph s = new SmallGraph(31);
        Value x = s.input("x", 1, 4, 8, 8);
        Value a = s.conv("a", x, 4, 3, 3).pad(1).stride(2).build();
        Value b = s.conv("b", x, 4, 3, 3).pads(0, 0, 1, 1).stride(2).build();
        s.output(s.add("sum", a, b), "y");

        Folding f = Folding.reparam(s);

        assertEquals(2, f.count("Conv"));
        assertEquals(1, f.count("Add"));
        f.assertRefused(PASS, "branches [a, b] not merged", "not centre-aligned");
    }

    /**
     * Same dilation 2, but one branch starts one pixel off the other's dilated grid: its taps fall
     * between the other's (both give 8x8 from 8x8).
     */
    @Test
    void dilatedBranchOffTheOtherBranchGridIsRefused() {
        SmallGraph s = new SmallGraph(32);
        Value x = s.input("x", 1, 4, 8, 8);
        Value a = s.conv("a", x, 4, 3, 3).pad(2).dilation(2).build();
        Value b = s.conv("b", x, 4, 3, 3).pads(1, 1, 3, 3).dilation(2).build();
        s.output(s.add("sum", a, b), "y");

        Folding f = Folding.reparam(s);

        assertEquals(2, f.count("Conv"));
        f.assertRefused(PASS, "branches [a, b] not merged", "fall between the dilated taps");
    }

    /** 3x3 stride 2 pad 1 and 5x5 stride 1 pad 0 both give 4x4 from 8x8, but sample different places. */
    @Test
    void branchesWithDifferentStridesAreRefused() {
        SmallGraph s = new SmallGraph(33);
        Value x = s.input("x", 1, 4, 8, 8);
        Value a = s.conv("a", x, 4, 3, 3).pad(1).stride(2).build();
        Value b = s.conv("b", x, 4, 5, 5).build();
        s.output(s.add("sum", a, b), "y");

        Folding f = Folding.reparam(s);

        assertEquals(2, f.count("Conv"));
        assertEquals(1, f.count("Add"));
        f.assertRefused(PASS, "branches [a, b] not merged", "different strides");
    }

    /** A conv on another input is not a branch of x: the two convs on x merge and it stays beside them. */
    @Test
    void mergeableBranchesBesideAnUnmergeableOneMergeAlone() {
        SmallGraph s = new SmallGraph(34);
        Value x = s.input("x", 1, 4, 8, 8);
        Value a = s.conv("a", x, 4, 3, 3).pad(1).build();
        Value b = s.conv("b", x, 4, 1, 1).build();
        Value z = s.conv("other_input", s.input("z", 1, 4, 8, 8), 4, 3, 3).pad(1).build();
        s.output(s.add("sum2", s.add("sum1", a, z), b), "y");

        Folding f = Folding.reparam(s);

        assertEquals(2, f.count("Conv"));
        assertEquals(1, f.count("Add"));
        f.assertApplied(PASS, "2 branches [a, b]");
    }
}
