package isptool.backends.reparam;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import isptool.graph.Node;
import isptool.graph.Value;
import org.junit.jupiter.api.Test;

/** Case 4: SYENet's ConvRep: convs concatenated on channels, then a 1x1 compress, become one conv. */
class MergeConcatOfConvsTest {
    private static final String PASS = "MergeConcatOfConvs";

    /**
     * ConvRep3 with Cout = 2: biased 3x3, 1x1, 3x1, 1x3, each once plain and once followed by BN,
     * each giving Cout*4 channels; Concat; biased 1x1 compress to Cout.
     */
    @Test
    void convRep3BecomesOneConv() {
        SmallGraph s = new SmallGraph(40);
        Value x = s.input("x", 1, 4, 8, 8);
        int wide = 8;
        Value[] branches = {
            s.conv("k3", x, wide, 3, 3).pad(1).build(),
            s.batchNorm("k3_bn", s.conv("k3b", x, wide, 3, 3).pad(1).build()),
            s.conv("k1", x, wide, 1, 1).build(),
            s.batchNorm("k1_bn", s.conv("k1b", x, wide, 1, 1).build()),
            s.conv("k31", x, wide, 3, 1).pads(1, 0, 1, 0).build(),
            s.batchNorm("k31_bn", s.conv("k31b", x, wide, 3, 1).pads(1, 0, 1, 0).build()),
            s.conv("k13", x, wide, 1, 3).pads(0, 1, 0, 1).build(),
            s.batchNorm("k13_bn", s.conv("k13b", x, wide, 1, 3).pads(0, 1, 0, 1).build()),
        };
        Value cat = s.concat("cat", 1, branches);
        s.output(s.conv("compress", cat, 2, 1, 1).build(), "y");

        Folding f = Folding.reparam(s);

        Node conv = f.only("Conv");
        assertEquals(1, f.graph().nodeCount());
        assertArrayEquals(new long[] {3, 3}, conv.getInts("kernel_shape", null));
        assertArrayEquals(new long[] {1, 1, 1, 1}, conv.getInts("pads", null));
        f.assertApplied(PASS, "8 concatenated branches [k3, k3b, k1, k1b, k31, k31b, k13, k13b] -> one 64x4 3x3 conv");
        f.assertApplied("MergeSequentialConvs", "then 2x64 1x1 -> one 2x4 3x3 conv");
        f.assertNothingRefused();
    }

    /** ConvRep5 has a 5x5 too: the window grows to 5x5, pad 2. Axis given as -3. */
    @Test
    void convRep5WithNegativeAxisBecomesOneConv() {
        SmallGraph s = new SmallGraph(41);
        Value x = s.input("x", 1, 3, 8, 8);
        Value cat = s.concat("cat", -3,
                s.conv("k5", x, 4, 5, 5).pad(2).build(),
                s.conv("k1", x, 4, 1, 1).build(),
                s.conv("k3", x, 4, 3, 3).pad(1).build());
        s.output(s.conv("compress", cat, 3, 1, 1).build(), "y");

        Folding f = Folding.reparam(s);

        Node conv = f.only("Conv");
        assertArrayEquals(new long[] {5, 5}, conv.getInts("kernel_shape", null));
        assertEquals(0, f.count("Concat"));
    }

    /**
     * Concat(conv_a(x), conv_b(x), x, conv_c(x), conv_d(z)): the adjacent convs on x merge, the
     * input x and the conv on another input stay where they are, in order.
     */
    @Test
    void concatMixingConvsAndOtherInputsMergesAdjacentRuns() {
        SmallGraph s = new SmallGraph(42);
        Value x = s.input("x", 1, 4, 8, 8);
        Value z = s.input("z", 1, 4, 8, 8);
        Value cat = s.concat("cat", 1,
                s.conv("a", x, 3, 3, 3).pad(1).build(),
                s.conv("b", x, 5, 1, 1).build(),
                x,
                s.conv("c", x, 2, 3, 3).pad(1).build(),
                s.conv("d", z, 2, 1, 1).build());
        s.output(cat, "y");

        Folding f = Folding.reparam(s);

        assertEquals(3, f.count("Conv"));
        Node concat = f.only("Concat");
        assertEquals(4, concat.inputs().size());
        assertEquals("x", concat.input(1).name());
        f.assertApplied(PASS, "2 concatenated branches [a, b] -> one 8x4 3x3 conv");
    }

    /** A run broken by another input is not merged across it: conv, x, conv stays three inputs. */
    @Test
    void convsSeparatedByAnotherInputAreNotMerged() {
        SmallGraph s = new SmallGraph(43);
        Value x = s.input("x", 1, 4, 8, 8);
        Value cat = s.concat("cat", 1,
                s.conv("a", x, 3, 3, 3).pad(1).build(),
                x,
                s.conv("b", x, 5, 1, 1).build());
        s.output(cat, "y");

        Folding f = Folding.reparam(s);

        assertEquals(2, f.count("Conv"));
        assertEquals(3, f.only("Concat").inputs().size());
        assertEquals(0, f.applied(PASS).size());
    }

    /** Different strides inside a run are refused with the reason (outputs are the same size here). */
    @Test
    void concatenatedBranchesWithDifferentStridesAreRefused() {
        SmallGraph s = new SmallGraph(44);
        Value x = s.input("x", 1, 4, 8, 8);
        Value cat = s.concat("cat", 1,
                s.conv("a", x, 3, 3, 3).pad(1).stride(2).build(),
                s.conv("b", x, 3, 5, 5).build());
        s.output(cat, "y");

        Folding f = Folding.reparam(s);

        assertEquals(2, f.count("Conv"));
        f.assertRefused(PASS, "branches [a, b] not merged", "different strides");
    }
}
