package isptool.backends.reparam;

import static isptool.backends.reparam.DepthToSpaceCrdToDcrTest.tflitePrep;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import isptool.backends.layout.LayoutPlan;
import isptool.graph.Node;
import isptool.graph.Value;
import isptool.graph.shapes.ShapeInference;
import isptool.passes.layout.ChannelShuffleToGather;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Channel shuffles (Reshape -> Transpose -> Reshape that only reorders channels) become one
 * Gather of the channels: equal in onnxruntime, and planned in NHWC with no transpose.
 */
class ChannelShuffleToGatherTest {
    private static final String PASS = "ChannelShuffleToGather";

    private static Value shuffle(SmallGraph s, Value x, long[] split, long[] perm, long[] back) {
        Value r = s.node("Reshape", "split", x, s.ints("split_shape", split));
        Node t = s.g.addNode("Transpose", "shuffle", List.of(r), List.of(s.g.newValue("shuffled")));
        t.set("perm", perm);
        ShapeInference.infer(s.g, t);
        return s.node("Reshape", "merge", t.output(0), s.ints("merge_shape", back));
    }

    private static void check(long[] split, long[] perm, long[] back) {
        SmallGraph s = new SmallGraph(900);
        Value x = s.input("x", 2, 12, 5, 4);
        Value y = s.conv("c", x, 12, 3, 3).pad(1).build();
        s.output(s.conv("after", shuffle(s, y, split, perm, back), 6, 1, 1).build(), "y");
        assertTrue(!LayoutPlan.of(s.g, true).transposes().isEmpty(), "the 5-D shuffle moves NHWC data before the pass");

        Folding f = tflitePrep(s);

        f.assertApplied(PASS, "channel shuffle of 12 channels");
        assertEquals(1, f.count("Gather"));
        assertEquals(0, f.count("Transpose") + f.count("Reshape"), f.describe());
        assertTrue(LayoutPlan.of(s.g, true).transposes().isEmpty());
    }

    @Test
    void shuffleNetGroupsOfThree() {
        check(new long[] {2, 3, 4, 5, 4}, new long[] {0, 2, 1, 3, 4}, new long[] {2, 12, 5, 4});
    }

    @Test
    void threeWaySplitWithMinusOneAndZero() {
        check(new long[] {0, 2, 3, 2, 5, 4}, new long[] {0, 3, 1, 2, 4, 5}, new long[] {0, -1, 5, 4});
    }

    @Test
    void channelOrderOfAShuffle() {
        // groups 2 x 3 channels each, transposed: out j = (i, g) reads in g*3 + i
        assertEquals(List.of(0L, 3L, 1L, 4L, 2L, 5L), Arrays.stream(
                ChannelShuffleToGather.channelOrder(new long[] {2, 3}, new long[] {0, 2, 1, 3, 4})).boxed().toList());
    }
}
