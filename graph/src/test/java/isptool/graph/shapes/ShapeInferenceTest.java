package isptool.graph.shapes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import isptool.graph.DType;
import isptool.graph.GraphBuilder;
import isptool.graph.ModelException;
import isptool.graph.Node;
import isptool.graph.Shape;
import isptool.graph.Value;
import org.junit.jupiter.api.Test;

/** Output shapes worked out by hand from the ONNX operator definitions. */
class ShapeInferenceTest {
    private static final DType F = DType.FLOAT;

    private static Shape infer(GraphBuilder b, Node n) {
        ShapeInference.run(b.g);
        return n.output(0).shape();
    }

    private static ModelException error(GraphBuilder b) {
        return assertThrows(ModelException.class, () -> ShapeInference.run(b.g));
    }

    private static Shape sym(String symbol, long... rest) {
        long[] d = new long[rest.length + 1];
        String[] s = new String[d.length];
        d[0] = -1;
        s[0] = symbol;
        System.arraycopy(rest, 0, d, 1, rest.length);
        return Shape.withSymbols(d, s);
    }

    // ---- convolution and pooling ----

    @Test
    void convWithGroupsStridesPadsAndDilations() {
        // H: (9 + 1 + 1 - 3) / 2 + 1 = 5;  W: effective kernel (3-1)*2+1 = 5, (11 + 0 + 2 - 5) / 1 + 1 = 9
        GraphBuilder b = new GraphBuilder(13);
        Node conv = b.node("Conv", b.input("x", F, 1, 4, 9, 11), b.zeros("w", 6, 2, 3, 3), b.zeros("b", 6))
                .set("group", 2).set("strides", new long[] {2, 1}).set("pads", new long[] {1, 0, 1, 2})
                .set("dilations", new long[] {1, 2});
        assertEquals(Shape.of(1, 6, 5, 9), infer(b, conv));
        assertEquals(F, conv.output(0).dtype());
    }

    @Test
    void convAutoPadSameIsCeilOfInputOverStride() {
        GraphBuilder b = new GraphBuilder(13);
        Node conv = b.node("Conv", b.input("x", F, 1, 4, 9, 11), b.zeros("w", 6, 4, 3, 3))
                .set("auto_pad", "SAME_UPPER").set("strides", new long[] {2, 3});
        assertEquals(Shape.of(1, 6, 5, 4), infer(b, conv));
    }

    @Test
    void convAutoPadValidUsesNoPadding() {
        // (9 - 3) / 2 + 1 = 4; (11 - 2) / 3 + 1 = 4
        GraphBuilder b = new GraphBuilder(13);
        Node conv = b.node("Conv", b.input("x", F, 1, 4, 9, 11), b.zeros("w", 6, 4, 3, 2))
                .set("auto_pad", "VALID").set("strides", new long[] {2, 3});
        assertEquals(Shape.of(1, 6, 4, 4), infer(b, conv));
    }

    @Test
    void conv1dAnd3d() {
        // 1-D: (17 + 1 + 2 - 4) / 3 + 1 = 6;  3-D: (5-2)/1+1 = 4, (6-3)/2+1 = 2, (7-2)/3+1 = 2
        GraphBuilder b = new GraphBuilder(13);
        Node c1 = b.node("Conv", b.input("x", F, 2, 3, 17), b.zeros("w", 5, 3, 4))
                .set("strides", new long[] {3}).set("pads", new long[] {1, 2});
        Node c3 = b.node("Conv", b.input("y", F, 1, 2, 5, 6, 7), b.zeros("v", 3, 2, 2, 3, 2))
                .set("strides", new long[] {1, 2, 3});
        ShapeInference.run(b.g);
        assertEquals(Shape.of(2, 5, 6), c1.output(0).shape());
        assertEquals(Shape.of(1, 3, 4, 2, 2), c3.output(0).shape());
    }

    @Test
    void convKeepsASymbolicBatch() {
        // (224 + 2 - 3) / 2 + 1 = 112
        GraphBuilder b = new GraphBuilder(13);
        Value x = b.input("x", F, new long[] {-1, 3, 224, 224}, new String[] {"N", null, null, null});
        Node conv = b.node("Conv", x, b.zeros("w", 16, 3, 3, 3)).set("strides", new long[] {2, 2})
                .set("pads", new long[] {1, 1, 1, 1});
        Shape s = infer(b, conv);
        assertEquals(sym("N", 16, 112, 112), s);
        assertEquals("N", s.symbol(0));
    }

    @Test
    void convWithStrideOneAndSamePaddingKeepsUnknownSpatialSizes() {
        GraphBuilder b = new GraphBuilder(13);
        Value x = b.input("x", F, new long[] {1, 3, -1, -1}, new String[] {null, null, "H", "W"});
        Node same = b.node("Conv", x, b.zeros("w", 8, 3, 3, 3)).set("pads", new long[] {1, 1, 1, 1});
        Node strided = b.node("Conv", x, b.zeros("v", 8, 3, 3, 3)).set("pads", new long[] {1, 1, 1, 1})
                .set("strides", new long[] {2, 2});
        ShapeInference.run(b.g);
        Shape s = same.output(0).shape();
        assertEquals("H", s.symbol(2));
        assertEquals("W", s.symbol(3));
        assertEquals(Shape.of(1, 8, -1, -1), s);
        assertNull(strided.output(0).shape().symbol(2));
    }

    @Test
    void convChannelMismatchNamesTheFileNodeAndOp() {
        GraphBuilder b = new GraphBuilder(13);
        b.node("Conv", b.input("x", F, 1, 3, 8, 8), b.zeros("w", 4, 4, 3, 3));
        ModelException e = error(b);
        assertTrue(e.getMessage().startsWith("test.onnx: node \"conv\" (Conv): input has 3 channels but the weight [4,4,3,3]"
                + " expects 4 (group 1)"), e.getMessage());
    }

    @Test
    void convWhoseWindowDoesNotFitIsAnError() {
        GraphBuilder b = new GraphBuilder(13);
        b.node("Conv", b.input("x", F, 1, 3, 2, 2), b.zeros("w", 4, 3, 3, 3));
        assertTrue(error(b).getMessage().contains("larger than the padded input"));
    }

    @Test
    void convTransposeWithOutputPaddingAndGroups() {
        // H: 2*(5-1) + 1 + 3 - 1 - 1 = 10;  W: 3*(6-1) + 2 + 3 - 0 - 1 = 19
        GraphBuilder b = new GraphBuilder(13);
        Node ct = b.node("ConvTranspose", b.input("x", F, 1, 4, 5, 6), b.zeros("w", 4, 3, 3, 3))
                .set("strides", new long[] {2, 3}).set("pads", new long[] {1, 0, 1, 1})
                .set("output_padding", new long[] {1, 2});
        // groups: output channels = W[1] * group = 2 * 2; dilation 2 on H: 2*(5-1) + (3-1)*2+1 = 13
        Node grouped = b.node("ConvTranspose", b.input("y", F, 1, 4, 5, 6), b.zeros("v", 4, 2, 3, 3))
                .set("group", 2).set("dilations", new long[] {2, 1}).set("strides", new long[] {2, 2});
        Node same = b.node("ConvTranspose", b.input("z", F, 1, 4, 5, 6), b.zeros("u", 4, 2, 3, 3))
                .set("auto_pad", "SAME_UPPER").set("strides", new long[] {2, 2});
        ShapeInference.run(b.g);
        assertEquals(Shape.of(1, 3, 10, 19), ct.output(0).shape());
        assertEquals(Shape.of(1, 4, 13, 13), grouped.output(0).shape());
        assertEquals(Shape.of(1, 2, 10, 12), same.output(0).shape());
    }

    @Test
    void maxPoolCeilModeDropsAWindowStartingInThePadding() {
        // in 5, k 2, s 2, pads 1/1: ceil((5 + 2 - 2) / 2) + 1 = 4, but window 4 would start at
        // (4-1)*2 = 6 >= 5 + 1, inside the end padding: 3 (PyTorch and onnxruntime agree)
        GraphBuilder b = new GraphBuilder(12);
        Node pool = b.node("MaxPool", 2, b.input("x", F, 1, 1, 5, 5)).set("kernel_shape", new long[] {2, 2})
                .set("strides", new long[] {2, 2}).set("pads", new long[] {1, 1, 1, 1}).set("ceil_mode", 1);
        assertEquals(Shape.of(1, 1, 3, 3), infer(b, pool));
        assertEquals(DType.INT64, pool.output(1).dtype());
        assertEquals(Shape.of(1, 1, 3, 3), pool.output(1).shape());
    }

    @Test
    void poolsWithDilationsAndGlobalPools() {
        // MaxPool dilations 2: effective kernel 3 and 5; H: (10 + 1 + 0 - 3) / 1 + 1 = 9, W: (11 + 1 + 0 - 5) + 1 = 8
        GraphBuilder b = new GraphBuilder(12);
        Node mp = b.node("MaxPool", b.input("x", F, 1, 2, 10, 11)).set("kernel_shape", new long[] {2, 3})
                .set("dilations", new long[] {2, 2}).set("pads", new long[] {1, 1, 0, 0});
        Node ap = b.node("AveragePool", b.input("y", F, 1, 2, 10, 11)).set("kernel_shape", new long[] {3, 3})
                .set("strides", new long[] {2, 2}).set("ceil_mode", 1);
        Node gap = b.node("GlobalAveragePool", b.input("z", F, 1, 2, 5, 6));
        ShapeInference.run(b.g);
        assertEquals(Shape.of(1, 2, 9, 8), mp.output(0).shape());
        assertEquals(Shape.of(1, 2, 5, 5), ap.output(0).shape());
        assertEquals(Shape.of(1, 2, 1, 1), gap.output(0).shape());
    }

    // ---- broadcasting and element-wise ----

    @Test
    void broadcastingTakesTheStaticSizeOverAnUnknownOne() {
        GraphBuilder b = new GraphBuilder(13);
        Value x = b.input("x", F, new long[] {-1, 1, 4}, new String[] {"N", null, null});
        Node add = b.node("Add", x, b.input("y", F, 3, 1));
        Node less = b.node("Less", x, b.input("z", F, 4));
        ShapeInference.run(b.g);
        assertEquals(sym("N", 3, 4), add.output(0).shape());
        assertEquals(DType.BOOL, less.output(0).dtype());
        assertEquals(sym("N", 1, 4), less.output(0).shape());
    }

    @Test
    void broadcastingMismatchIsAnError() {
        GraphBuilder b = new GraphBuilder(13);
        b.node("Add", b.input("x", F, 2, 3), b.input("y", F, 4));
        ModelException e = error(b);
        assertTrue(e.getMessage().startsWith("test.onnx: node \"add\" (Add): input shapes [2,3], [4] do not broadcast"),
                e.getMessage());
    }

    @Test
    void variadicsAndWhere() {
        GraphBuilder b = new GraphBuilder(13);
        Node sum = b.node("Sum", b.input("a", F, 2, 1), b.input("b", F, 3), b.input("c", F, 1, 1));
        Node where = b.node("Where", b.input("cond", DType.BOOL, 2, 1), b.input("x", DType.INT64, 3),
                b.input("y", DType.INT64));
        ShapeInference.run(b.g);
        assertEquals(Shape.of(2, 3), sum.output(0).shape());
        assertEquals(Shape.of(2, 3), where.output(0).shape());
        assertEquals(DType.INT64, where.output(0).dtype());
    }

    @Test
    void opset6LegacyBroadcastAndPerChannelPRelu() {
        GraphBuilder b = new GraphBuilder(6);
        Node add = b.node("Add", b.input("a", F, 2, 3), b.input("b", F, 2)).set("broadcast", 1).set("axis", 0);
        Node prelu = b.node("PRelu", b.input("x", F, 2, 3, 4), b.zeros("slope", 3));
        ShapeInference.run(b.g);
        assertEquals(Shape.of(2, 3), add.output(0).shape());
        assertEquals(Shape.of(2, 3, 4), prelu.output(0).shape());
    }

    @Test
    void dropoutMaskAndCastTypes() {
        GraphBuilder b = new GraphBuilder(12);
        Node d = b.node("Dropout", 2, b.input("x", F, 2, 3));
        Node cast = b.node("Cast", b.input("y", F, 5)).set("to", DType.INT32.onnxCode);
        ShapeInference.run(b.g);
        assertEquals(DType.BOOL, d.output(1).dtype());
        assertEquals(Shape.of(2, 3), d.output(1).shape());
        assertEquals(DType.INT32, cast.output(0).dtype());

        GraphBuilder old = new GraphBuilder(7);
        Node d7 = old.node("Dropout", 2, old.input("x", F, 2, 3));
        ShapeInference.run(old.g);
        assertEquals(F, d7.output(1).dtype());
    }

    // ---- assembly and selection ----

    @Test
    void concatAddsTheAxisAndChecksTheOthers() {
        GraphBuilder b = new GraphBuilder(13);
        Node ok = b.node("Concat", b.input("a", F, 2, 3), b.input("b", F, 2, 1)).set("axis", -1);
        assertEquals(Shape.of(2, 4), infer(b, ok));

        GraphBuilder bad = new GraphBuilder(13);
        bad.node("Concat", bad.input("a", F, 2, 3), bad.input("b", F, 3, 3)).set("axis", 1);
        ModelException e = error(bad);
        assertTrue(e.getMessage().startsWith("test.onnx: node \"concat\" (Concat): input 1 [3,3] has size 3 on axis 0"),
                e.getMessage());
    }

    @Test
    void splitInAllItsForms() {
        GraphBuilder b = new GraphBuilder(11);
        Node attr = b.node("Split", 2, b.input("x", F, 2, 6)).set("axis", 1).set("split", new long[] {4, 2});
        ShapeInference.run(b.g);
        assertEquals(Shape.of(2, 4), attr.output(0).shape());
        assertEquals(Shape.of(2, 2), attr.output(1).shape());

        GraphBuilder b13 = new GraphBuilder(13);
        Node input = b13.node("Split", 3, b13.input("x", F, 2, 6), b13.ints("split", 1, 2, 3)).set("axis", 1);
        ShapeInference.run(b13.g);
        assertEquals(Shape.of(2, 3), input.output(2).shape());

        GraphBuilder b18 = new GraphBuilder(18);
        Node num = b18.node("Split", 3, b18.input("x", F, 7)).set("num_outputs", 3);
        ShapeInference.run(b18.g);
        assertEquals(Shape.of(3), num.output(0).shape());
        assertEquals(Shape.of(1), num.output(2).shape());

        GraphBuilder uneven = new GraphBuilder(13);
        uneven.node("Split", 2, uneven.input("x", F, 7));
        assertTrue(error(uneven).getMessage().contains("does not split into 2 equal parts"));
    }

    @Test
    void sliceAttributeAndInputForms() {
        // opset 9: axis 0 [1, 4) -> 3; axis 1 [-4 + 6, 100 -> 6) -> 4
        GraphBuilder b9 = new GraphBuilder(9);
        Node s9 = b9.node("Slice", b9.input("x", F, 5, 6)).set("starts", new long[] {1, -4}).set("ends", new long[] {4, 100});
        assertEquals(Shape.of(3, 4), infer(b9, s9));
        // opset 13, negative steps: axis 0 from 4 down to -1 by 2 -> 4, 2, 0; axis 1 from 4 down to 0 (excl.) -> 4 elements
        GraphBuilder b13 = new GraphBuilder(13);
        Node s13 = b13.node("Slice", b13.input("x", F, 5, 6), b13.ints("starts", -1, 4), b13.ints("ends", -100, 0),
                b13.ints("axes", 0, 1), b13.ints("steps", -2, -1));
        assertEquals(Shape.of(3, 4), infer(b13, s13));
    }

    @Test
    void sliceToTheEndKeepsAnUnknownSize() {
        GraphBuilder b = new GraphBuilder(13);
        Value x = b.input("x", F, new long[] {-1, 6}, new String[] {"N", null});
        Node all = b.node("Slice", x, b.ints("s", 0, 2), b.ints("e", Long.MAX_VALUE, 4));
        Node runtime = b.node("Slice", x, b.input("start", DType.INT64, 1), b.ints("e2", 4), b.ints("a", 1));
        ShapeInference.run(b.g);
        assertEquals(sym("N", 2), all.output(0).shape());
        assertEquals(sym("N", -1), runtime.output(0).shape());
    }

    @Test
    void padAttributeInputAndAxesForms() {
        GraphBuilder b2 = new GraphBuilder(2);
        Node p2 = b2.node("Pad", b2.input("x", F, 3, 4)).set("pads", new long[] {1, 0, 0, 2});
        assertEquals(Shape.of(4, 6), infer(b2, p2));
        GraphBuilder b13 = new GraphBuilder(13);
        Node p13 = b13.node("Pad", b13.input("x", F, 3, 4), b13.ints("pads", 1, 2, 1, 0));
        assertEquals(Shape.of(5, 6), infer(b13, p13));
        GraphBuilder b18 = new GraphBuilder(18);
        Node p18 = b18.node("Pad", b18.input("x", F, 2, 3, 4), b18.ints("pads", 1, 2), null, b18.ints("axes", -1));
        assertEquals(Shape.of(2, 3, 7), infer(b18, p18));
    }

    @Test
    void gatherExpandTileAndTopK() {
        GraphBuilder b = new GraphBuilder(13);
        Node gather = b.node("Gather", b.input("d", F, 4, 3), b.input("i", DType.INT64, 2, 2));
        Node expand = b.node("Expand", b.input("e", F, 3, 1), b.ints("shape", 2, 1, 4));
        Node tile = b.node("Tile", b.input("t", F, 2, 3), b.ints("r", 2, 1));
        Node topk = b.node("TopK", 2, b.input("k", F, 3, 7), b.ints("kk", 4)).set("axis", 1);
        ShapeInference.run(b.g);
        assertEquals(Shape.of(2, 2, 3), gather.output(0).shape());
        assertEquals(Shape.of(2, 3, 4), expand.output(0).shape());
        assertEquals(Shape.of(4, 3), tile.output(0).shape());
        assertEquals(Shape.of(3, 4), topk.output(0).shape());
        assertEquals(DType.INT64, topk.output(1).dtype());
    }

    @Test
    void expandToAnIncompatibleShapeIsAnError() {
        GraphBuilder b = new GraphBuilder(13);
        b.node("Expand", b.input("x", F, 3), b.ints("shape", 2, 4));
        assertTrue(error(b).getMessage().contains("cannot be expanded to [2,4]"));
    }

    // ---- layout ----

    @Test
    void reshapeCopiesASymbolicBatchAndResolvesMinusOne() {
        // 0 copies N; -1 = 64 * 8 * 8 / 1 = 4096 without knowing N
        GraphBuilder b = new GraphBuilder(13);
        Value x = b.input("x", F, new long[] {-1, 64, 8, 8}, new String[] {"N", null, null, null});
        Node r = b.node("Reshape", x, b.ints("shape", 0, -1));
        assertEquals(sym("N", 4096), infer(b, r));
    }

    @Test
    void reshapeToAnotherElementCountIsAnError() {
        GraphBuilder b = new GraphBuilder(13);
        b.node("Reshape", b.input("x", F, 2, 3), b.ints("shape", 4, 2));
        ModelException e = error(b);
        assertTrue(e.getMessage().startsWith("test.onnx: node \"reshape\" (Reshape): cannot reshape [2,3] to [4, 2]"),
                e.getMessage());
    }

    @Test
    void reshapeWithARuntimeShapeKnowsOnlyTheRank() {
        GraphBuilder b = new GraphBuilder(13);
        Node r = b.node("Reshape", b.input("x", F, 2, 3), b.input("s", DType.INT64, 3));
        assertEquals(Shape.of(-1, -1, -1), infer(b, r));
    }

    @Test
    void squeezeAndUnsqueezeInBothForms() {
        GraphBuilder b11 = new GraphBuilder(11);
        Node sq = b11.node("Squeeze", b11.input("x", F, 1, 3, 1, 4)).set("axes", new long[] {2});
        Node usq = b11.node("Unsqueeze", b11.input("y", F, 3, 4)).set("axes", new long[] {1, 3});
        ShapeInference.run(b11.g);
        assertEquals(Shape.of(1, 3, 4), sq.output(0).shape());
        assertEquals(Shape.of(3, 1, 4, 1), usq.output(0).shape());

        GraphBuilder b13 = new GraphBuilder(13);
        Node sq13 = b13.node("Squeeze", b13.input("x", F, 1, 3, 1, 4), b13.ints("axes", 0, -2));
        Node all = b13.node("Squeeze", b13.input("z", F, 1, 3, 1, 4));
        Node usq13 = b13.node("Unsqueeze", b13.input("y", F, 3, 4), b13.ints("axes", 0, -1));
        ShapeInference.run(b13.g);
        assertEquals(Shape.of(3, 4), sq13.output(0).shape());
        assertEquals(Shape.of(3, 4), all.output(0).shape());
        assertEquals(Shape.of(1, 3, 4, 1), usq13.output(0).shape());

        GraphBuilder bad = new GraphBuilder(13);
        bad.node("Squeeze", bad.input("x", F, 2, 3), bad.ints("axes", 0));
        assertTrue(error(bad).getMessage().contains("has size 2, not 1"));
    }

    @Test
    void flattenTransposeAndDepthToSpace() {
        GraphBuilder b = new GraphBuilder(13);
        Node f0 = b.node("Flatten", b.input("a", F, 2, 3, 4)).set("axis", 0);
        Value n = b.input("b", F, new long[] {-1, 3, 4}, new String[] {"N", null, null});
        Node f1 = b.node("Flatten", n);
        Node t = b.node("Transpose", b.input("c", F, 2, 3, 4)).set("perm", new long[] {2, 0, 1});
        Node d2s = b.node("DepthToSpace", b.input("d", F, 1, 8, 3, 4)).set("blocksize", 2);
        Node s2d = b.node("SpaceToDepth", b.input("e", F, 1, 2, 4, 6)).set("blocksize", 2);
        ShapeInference.run(b.g);
        assertEquals(Shape.of(1, 24), f0.output(0).shape());
        assertEquals(sym("N", 12), f1.output(0).shape());
        assertEquals(Shape.of(4, 2, 3), t.output(0).shape());
        assertEquals(Shape.of(1, 2, 6, 8), d2s.output(0).shape());
        assertEquals(Shape.of(1, 8, 2, 3), s2d.output(0).shape());
    }

    @Test
    void resizeWithScalesSizesAndKeepAspectRatio() {
        GraphBuilder b13 = new GraphBuilder(13);
        // floor(7 * 0.5) = 3
        Node scales = b13.node("Resize", b13.input("x", F, 1, 2, 5, 7), b13.floats("roi", new long[] {0}),
                b13.floats("scales", new long[] {4}, 1, 1, 2, 0.5f));
        Node sizes = b13.node("Resize", b13.input("y", F, 1, 2, 5, 7), null, null, b13.ints("sizes", 1, 2, 9, 3));
        ShapeInference.run(b13.g);
        assertEquals(Shape.of(1, 2, 10, 3), scales.output(0).shape());
        assertEquals(Shape.of(1, 2, 9, 3), sizes.output(0).shape());

        // opset 10: scales is input 1
        GraphBuilder b10 = new GraphBuilder(10);
        Node r10 = b10.node("Resize", b10.input("x", F, 1, 2, 5, 7), b10.floats("scales", new long[] {4}, 1, 1, 2, 2));
        assertEquals(Shape.of(1, 2, 10, 14), infer(b10, r10));

        // opset 18, not_larger: s = min(10/5, 10/7) = 1.428..; floor(5 s + 0.5) = 7, floor(7 s + 0.5) = 10
        GraphBuilder b18 = new GraphBuilder(18);
        Node r18 = b18.node("Resize", b18.input("x", F, 1, 2, 5, 7), null, null, b18.ints("sizes", 10, 10))
                .set("axes", new long[] {2, 3}).set("keep_aspect_ratio_policy", "not_larger");
        assertEquals(Shape.of(1, 2, 7, 10), infer(b18, r18));
    }

    @Test
    void upsampleScalesAsAttributeAndInput() {
        GraphBuilder b7 = new GraphBuilder(7);
        Node u7 = b7.node("Upsample", b7.input("x", F, 1, 2, 3, 4));
        u7.set("scales", isptool.graph.Attr.of(new float[] {1, 1, 2, 3}));
        assertEquals(Shape.of(1, 2, 6, 12), infer(b7, u7));
        GraphBuilder b9 = new GraphBuilder(9);
        Node u9 = b9.node("Upsample", b9.input("x", F, 1, 2, 3, 4), b9.floats("s", new long[] {4}, 1, 1, 2, 2));
        assertEquals(Shape.of(1, 2, 6, 8), infer(b9, u9));
    }

    // ---- reductions and products ----

    @Test
    void reductionsInAttributeAndInputForms() {
        GraphBuilder b11 = new GraphBuilder(11);
        Node keep = b11.node("ReduceMean", b11.input("x", F, 2, 3, 4)).set("axes", new long[] {1});
        Node all = b11.node("ReduceMax", b11.input("y", F, 2, 3, 4)).set("keepdims", 0);
        Node arg = b11.node("ArgMax", b11.input("z", F, 2, 3)).set("axis", 1).set("keepdims", 0);
        ShapeInference.run(b11.g);
        assertEquals(Shape.of(2, 1, 4), keep.output(0).shape());
        assertEquals(Shape.of(), all.output(0).shape());
        assertEquals(Shape.of(2), arg.output(0).shape());
        assertEquals(DType.INT64, arg.output(0).dtype());

        GraphBuilder b18 = new GraphBuilder(18);
        Node in = b18.node("ReduceSum", b18.input("x", F, 2, 3, 4), b18.ints("axes", 1, -1)).set("keepdims", 0);
        Node noop = b18.node("ReduceL2", b18.input("y", F, 2, 3)).set("noop_with_empty_axes", 1);
        Node runtime = b18.node("ReduceProd", b18.input("z", F, 2, 3), b18.input("axes_in", DType.INT64, 1));
        ShapeInference.run(b18.g);
        assertEquals(Shape.of(2), in.output(0).shape());
        assertEquals(Shape.of(2, 3), noop.output(0).shape());
        assertEquals(Shape.of(-1, -1), runtime.output(0).shape());
    }

    @Test
    void matMulGemmAndEinsum() {
        GraphBuilder b = new GraphBuilder(13);
        Node batched = b.node("MatMul", b.input("a", F, 2, 1, 3, 4), b.input("b", F, 5, 4, 6));
        Node vector = b.node("MatMul", b.input("v", F, 4), b.input("m", F, 2, 4, 6));
        Node gemm = b.node("Gemm", b.input("g", F, 3, 4), b.zeros("w", 5, 4), b.zeros("c", 5)).set("transB", 1);
        Node ein = b.node("Einsum", b.input("e", F, 2, 3, 4), b.input("f", F, 2, 4, 5)).set("equation", "bij,bjk->bik");
        Node implicit = b.node("Einsum", b.input("h", F, 7, 2, 3, 4), b.input("k", F, 4, 5)).set("equation", "...ij,jk");
        ShapeInference.run(b.g);
        assertEquals(Shape.of(2, 5, 3, 6), batched.output(0).shape());
        assertEquals(Shape.of(2, 6), vector.output(0).shape());
        assertEquals(Shape.of(3, 5), gemm.output(0).shape());
        assertEquals(Shape.of(2, 3, 5), ein.output(0).shape());
        assertEquals(Shape.of(7, 2, 3, 5), implicit.output(0).shape());

        GraphBuilder bad = new GraphBuilder(13);
        bad.node("MatMul", bad.input("a", F, 3, 4), bad.input("b", F, 5, 6));
        assertTrue(error(bad).getMessage().contains("has 4 columns but B [5,6] has 5 rows"));
    }

    // ---- value-dependent shapes ----

    @Test
    void shapeSizeRangeAndConstantOfShape() {
        GraphBuilder b = new GraphBuilder(15);
        Node shape = b.node("Shape", b.input("x", F, 2, 3, 4, 5)).set("start", 1).set("end", -1);
        Node size = b.node("Size", b.input("y", F, 2, 3));
        Node range = b.node("Range", b.scalar("s", 1), b.scalar("l", 10), b.scalar("d", 3));
        Node cos = b.node("ConstantOfShape", b.ints("dims", 2, 3));
        Node runtimeCos = b.node("ConstantOfShape", b.input("dims_in", DType.INT64, 3));
        ShapeInference.run(b.g);
        assertEquals(Shape.of(2), shape.output(0).shape());
        assertEquals(DType.INT64, shape.output(0).dtype());
        assertEquals(Shape.of(), size.output(0).shape());
        assertEquals(Shape.of(3), range.output(0).shape());
        assertEquals(Shape.of(2, 3), cos.output(0).shape());
        assertEquals(Shape.of(-1, -1, -1), runtimeCos.output(0).shape());
    }

    @Test
    void unknownOpsKeepTheirDeclaredTypeAndDoNotStopTheWalk() {
        GraphBuilder b = new GraphBuilder(13);
        Node custom = b.node("MyCustomOp", b.input("x", F, 2, 3));
        custom.output(0).setType(F, Shape.of(6));
        Node relu = b.node("Relu", custom.output(0));
        Node unknown = b.node("NotAnOnnxOp", b.input("y", F, 2));
        Node after = b.node("Relu", unknown.output(0));
        ShapeInference.run(b.g);
        assertEquals(Shape.of(6), relu.output(0).shape());
        assertNull(after.output(0).shape());
    }

    @Test
    void inferredSizesRefineButDoNotDropDeclaredOnes() {
        // Reshape to a runtime shape: the inferred sizes are unknown, the declared [6, 1] stays
        GraphBuilder b = new GraphBuilder(13);
        Node r = b.node("Reshape", b.input("x", F, 2, 3), b.input("s", DType.INT64, 2));
        r.output(0).setType(F, Shape.of(6, 1));
        assertEquals(Shape.of(6, 1), infer(b, r));
    }
}
