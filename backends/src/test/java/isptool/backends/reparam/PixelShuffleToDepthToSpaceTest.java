package isptool.backends.reparam;

import static isptool.backends.reparam.DepthToSpaceCrdToDcrTest.assertAllDcr;
import static isptool.backends.reparam.DepthToSpaceCrdToDcrTest.tflitePrep;
import static org.junit.jupiter.api.Assertions.assertEquals;

import isptool.graph.Node;
import isptool.graph.Value;
import isptool.graph.shapes.ShapeInference;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The 6-D Reshape -> Transpose -> Reshape forms of pixel shuffle and unshuffle become DepthToSpace
 * and SpaceToDepth (then DCR, by DepthToSpaceCrdToDcr): no Transpose or Reshape left, and the
 * output equal to the original's in onnxruntime to 1e-6 of its range.
 */
class PixelShuffleToDepthToSpaceTest {
    private static final String PASS = "PixelShuffleToDepthToSpace";

    /** Reshape(shape) -> Transpose(perm) -> Reshape(back), as pixel_shuffle's TorchScript export writes it. */
    private static Value sixD(SmallGraph s, String name, Value x, long[] shape, long[] perm, long[] back) {
        Value r = s.node("Reshape", name + ".split", x, s.ints(name + ".shape6", shape));
        Node t = s.g.addNode("Transpose", name + ".permute", List.of(r), List.of(s.g.newValue(name + "_t")));
        t.set("perm", perm);
        ShapeInference.infer(s.g, t);
        return s.node("Reshape", name + ".merge", t.output(0), s.ints(name + ".shape4", back));
    }

    private static void assertNoLayoutOpsLeft(Folding f) {
        assertEquals(0, f.count("Transpose"), f.describe());
        assertEquals(0, f.count("Reshape"), f.describe());
    }

    /** conv -> [1,3,2,2,6,5] -> perm [0,1,4,2,5,3] -> [1,3,12,10]: DepthToSpace CRD, then DCR. */
    @Test
    void crdPixelShuffleAfterConvBecomesDcrDepthToSpace() {
        SmallGraph s = new SmallGraph(400);
        Value x = s.input("x", 1, 4, 6, 5);
        Value y = s.conv("tail", x, 12, 3, 3).pad(1).build();
        s.output(sixD(s, "shuffle", y, new long[] {1, 3, 2, 2, 6, 5}, new long[] {0, 1, 4, 2, 5, 3},
                new long[] {1, 3, 12, 10}), "y");

        Folding f = tflitePrep(s);

        assertNoLayoutOpsLeft(f);
        assertEquals("DCR", f.only("DepthToSpace").getString("mode", ""));
        assertEquals(2, f.only("DepthToSpace").getInt("blocksize", 0));
        f.assertApplied(PASS, "pixel shuffle (r=2) replaced by DepthToSpace CRD");
        f.assertApplied("DepthToSpaceCrdToDcr", "mode CRD -> DCR");
        f.assertNothingRefused();
    }

    /** Batch 2, block 3, shapes written with 0 (copy) and -1 (infer) as hand-written code does. */
    @Test
    void shapesWithZeroAndMinusOneAreResolved() {
        SmallGraph s = new SmallGraph(401);
        Value x = s.input("x", 2, 3, 4, 5);
        Value y = s.conv("tail", x, 18, 3, 3).pad(1).build();
        s.output(sixD(s, "shuffle", y, new long[] {0, -1, 3, 3, 4, 5}, new long[] {0, 1, 4, 2, 5, 3},
                new long[] {0, 2, 12, -1}), "y");

        Folding f = tflitePrep(s);

        assertNoLayoutOpsLeft(f);
        assertEquals("DCR", f.only("DepthToSpace").getString("mode", ""));
        assertEquals(3, f.only("DepthToSpace").getInt("blocksize", 0));
        f.assertNothingRefused();
    }

    /** [N, r, r, C, H, W] -> perm [0,3,4,1,5,2]: already DCR, nothing to reorder (input is a graph input). */
    @Test
    void dcrPixelShuffleBecomesDcrDepthToSpace() {
        SmallGraph s = new SmallGraph(402);
        Value x = s.input("x", 1, 12, 3, 4);
        s.output(sixD(s, "shuffle", x, new long[] {1, 2, 2, 3, 3, 4}, new long[] {0, 3, 4, 1, 5, 2},
                new long[] {1, 3, 6, 8}), "y");

        Folding f = tflitePrep(s);

        assertNoLayoutOpsLeft(f);
        assertEquals("DCR", f.only("DepthToSpace").getString("mode", ""));
        f.assertApplied(PASS, "replaced by DepthToSpace DCR");
        f.assertNothingRefused();
    }

    /** pixel_unshuffle of one raw plane: c*r*r + i*r + j = (i*r + j)*1 + c, a plain SpaceToDepth. */
    @Test
    void unshuffleOfOnePlaneIsSpaceToDepth() {
        SmallGraph s = new SmallGraph(403);
        Value raw = s.input("raw", 1, 1, 8, 6);
        Value packed = sixD(s, "pack", raw, new long[] {1, 1, 4, 2, 3, 2}, new long[] {0, 1, 3, 5, 2, 4},
                new long[] {1, 4, 4, 3});
        s.output(s.conv("head", packed, 8, 3, 3).pad(1).build(), "y");

        Folding f = tflitePrep(s);

        assertNoLayoutOpsLeft(f);
        assertEquals(2, f.only("SpaceToDepth").getInt("blocksize", 0));
        f.assertApplied(PASS, "pixel unshuffle (r=2) replaced by SpaceToDepth");
        f.assertNothingRefused();
    }

    /** pixel_unshuffle of 3 channels into a conv: SpaceToDepth, and W'[o, k] = W[o, p[k]] in the conv. */
    @Test
    void unshuffleOfSeveralChannelsFoldsItsOrderIntoTheConv() {
        SmallGraph s = new SmallGraph(404);
        Value x = s.input("x", 1, 3, 8, 6);
        Value packed = sixD(s, "pack", x, new long[] {1, 3, 4, 2, 3, 2}, new long[] {0, 1, 3, 5, 2, 4},
                new long[] {1, 12, 4, 3});
        s.output(s.conv("head", packed, 8, 3, 3).pad(1).build(), "y");

        Folding f = tflitePrep(s);

        assertNoLayoutOpsLeft(f);
        f.only("SpaceToDepth");
        f.assertApplied(PASS, "channel order folded into the input channels of [\"head\" (Conv)]");
        f.assertNothingRefused();
    }

    /** Two conv readers, both take the order. */
    @Test
    void unshuffleReadByTwoConvsFoldsIntoBoth() {
        SmallGraph s = new SmallGraph(405);
        Value x = s.input("x", 1, 2, 6, 6);
        Value packed = sixD(s, "pack", x, new long[] {1, 2, 2, 3, 2, 3}, new long[] {0, 1, 3, 5, 2, 4},
                new long[] {1, 18, 2, 2});
        s.output(s.conv("a", packed, 4, 1, 1).build(), "a");
        s.output(s.conv("b", packed, 4, 3, 3).pad(1).build(), "b");

        Folding f = tflitePrep(s);

        assertNoLayoutOpsLeft(f);
        f.assertApplied(PASS, "[\"a\" (Conv), \"b\" (Conv)]");
    }

    /**
     * A Relu reader cannot take a channel order: this pass reports why, and
     * PixelUnshuffleToSpaceToDepthGather makes it SpaceToDepth and a Gather of the channels.
     */
    @Test
    void unshuffleReadByNonConvIsLeftAndReported() {
        SmallGraph s = new SmallGraph(406);
        Value x = s.input("x", 1, 3, 8, 6);
        Value packed = sixD(s, "pack", x, new long[] {1, 3, 4, 2, 3, 2}, new long[] {0, 1, 3, 5, 2, 4},
                new long[] {1, 12, 4, 3});
        s.output(s.node("Relu", "relu", packed), "y");

        Folding f = tflitePrep(s);

        assertEquals(0, f.count("Transpose"));
        assertEquals(1, f.count("SpaceToDepth"));
        assertEquals(1, f.count("Gather"));
        f.assertRefused(PASS, "c*r*r + i*r + j", "\"relu\" (Relu) is not a group-1 Conv");
    }

    /** ONNX SpaceToDepth's own 6-D form (perm [0,3,5,1,2,4]) is SpaceToDepth, whatever the channel count. */
    @Test
    void spaceToDepthFormIsSpaceToDepth() {
        SmallGraph s = new SmallGraph(407);
        Value x = s.input("x", 1, 3, 8, 6);
        Value packed = sixD(s, "pack", x, new long[] {1, 3, 4, 2, 3, 2}, new long[] {0, 3, 5, 1, 2, 4},
                new long[] {1, 12, 4, 3});
        s.output(s.node("Relu", "relu", packed), "y");

        Folding f = tflitePrep(s);

        assertNoLayoutOpsLeft(f);
        f.only("SpaceToDepth");
        f.assertNothingRefused();
    }

    /** A 2x3 block is not a DepthToSpace: left, and reported. */
    @Test
    void nonSquareBlockIsLeftAndReported() {
        SmallGraph s = new SmallGraph(408);
        Value x = s.input("x", 1, 12, 3, 4);
        s.output(sixD(s, "shuffle", x, new long[] {1, 2, 2, 3, 3, 4}, new long[] {0, 1, 4, 2, 5, 3},
                new long[] {1, 2, 6, 12}), "y");

        Folding f = tflitePrep(s);

        assertEquals(1, f.count("Transpose"));
        f.assertRefused(PASS, "not a pixel shuffle with one square block size");
    }

    /** Opset 9 has no CRD DepthToSpace: with C > 1 the 6-D form stays (reparam's UpgradeOpset lifts this). */
    @Test
    void crdShuffleBelowOpset11IsLeftAndReported() {
        SmallGraph s = new SmallGraph(409, 9);
        Value x = s.input("x", 1, 8, 3, 3);
        s.output(sixD(s, "shuffle", x, new long[] {1, 2, 2, 2, 3, 3}, new long[] {0, 1, 4, 2, 5, 3},
                new long[] {1, 2, 6, 6}), "y");

        Folding f = tflitePrep(s);

        assertEquals(1, f.count("Transpose"));
        f.assertRefused(PASS, "no CRD mode before opset 11");
    }

    /** Opset 9 with one channel: CRD = DCR, so a DepthToSpace without a mode attribute. */
    @Test
    void oneChannelShuffleBelowOpset11IsDepthToSpace() {
        SmallGraph s = new SmallGraph(410, 9);
        Value x = s.input("x", 1, 9, 3, 3);
        s.output(sixD(s, "shuffle", x, new long[] {1, 1, 3, 3, 3, 3}, new long[] {0, 1, 4, 2, 5, 3},
                new long[] {1, 1, 9, 9}), "y");

        Folding f = tflitePrep(s);

        assertNoLayoutOpsLeft(f);
        assertEquals(false, f.only("DepthToSpace").has("mode"));
        assertAllDcr(f);
    }
}
