package isptool.graph.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import isptool.graph.DType;
import isptool.graph.GraphBuilder;
import isptool.graph.Node;
import isptool.graph.Tensor;
import isptool.graph.Value;
import org.junit.jupiter.api.Test;

/** Kernel results against values worked out by hand from the ONNX operator specification. */
class KernelsTest {
    private static Tensor longs(long[] shape, long... v) {
        return Tensor.ofLongs(shape, v);
    }

    private static Tensor vec(long... v) {
        return Tensor.ofLongs(new long[] {v.length}, v);
    }

    private static Tensor scalar(long v) {
        return Tensor.ofLongs(new long[0], new long[] {v});
    }

    /** A node of the given op in a graph of the given opset, its inputs as placeholders. */
    private static Node node(long opset, String op, int inputs, int outputs) {
        GraphBuilder b = new GraphBuilder(opset);
        Value[] in = new Value[inputs];
        for (int i = 0; i < inputs; i++) {
            in[i] = b.input("x" + i, DType.FLOAT);
        }
        return b.node(op, outputs, in);
    }

    private static Tensor[] eval(Node n, Tensor... inputs) {
        return Kernels.get(n.opType()).evaluate(n, inputs);
    }

    private static Tensor eval1(Node n, Tensor... inputs) {
        return eval(n, inputs)[0];
    }

    // ---- Slice ----

    @Test
    void sliceWithNegativeStepWalksBackwardAndStopsBeforeEnd() {
        // starts 8, ends 1 (exclusive), step -3: 8, 5, 2; ceil((8 - 1) / 3) = 3 elements
        Tensor x = longs(new long[] {10}, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
        Tensor r = eval1(node(13, "Slice", 5, 1), x, vec(8), vec(1), vec(0), vec(-3));
        assertArrayEquals(new long[] {3}, r.shape());
        assertArrayEquals(new long[] {8, 5, 2}, r.toLongs());
    }

    @Test
    void sliceReversingAnAxisWithExtremeEndIsClampedToMinusOne() {
        // start -1 -> 3; end INT64_MIN + 4 is still below -1, clamped to -1: all 4 elements, reversed
        Tensor x = longs(new long[] {3, 4}, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11);
        Tensor r = eval1(node(13, "Slice", 5, 1), x, vec(-1), vec(Long.MIN_VALUE), vec(1), vec(-1));
        assertArrayEquals(new long[] {3, 4}, r.shape());
        assertArrayEquals(new long[] {3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8}, r.toLongs());
    }

    @Test
    void sliceClampsOutOfRangeStartsAndEnds() {
        // axis 1: start -100 -> 0, end 2; axis 0: start 1, end 1000 -> 3
        Tensor x = longs(new long[] {3, 4}, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11);
        Tensor r = eval1(node(13, "Slice", 4, 1), x, vec(-100, 1), vec(2, 1000), vec(1, 0));
        assertArrayEquals(new long[] {2, 2}, r.shape());
        assertArrayEquals(new long[] {4, 5, 8, 9}, r.toLongs());
    }

    @Test
    void sliceInOpset9TakesAttributes() {
        Node n = node(9, "Slice", 1, 1);
        n.set("starts", new long[] {1}).set("ends", new long[] {-1}).set("axes", new long[] {1});
        Tensor x = longs(new long[] {2, 4}, 0, 1, 2, 3, 4, 5, 6, 7);
        Tensor r = eval1(n, x);
        assertArrayEquals(new long[] {2, 2}, r.shape());
        assertArrayEquals(new long[] {1, 2, 5, 6}, r.toLongs());
    }

    // ---- Gather ----

    @Test
    void gatherNegativeIndicesCountFromTheEnd() {
        Tensor data = longs(new long[] {3, 2}, 1, 2, 3, 4, 5, 6);
        Tensor r = eval1(node(13, "Gather", 2, 1), data, vec(-1, 0));
        assertArrayEquals(new long[] {2, 2}, r.shape());
        assertArrayEquals(new long[] {5, 6, 1, 2}, r.toLongs());
    }

    @Test
    void gatherOnAxisOneInsertsTheIndicesShape() {
        // out shape = data[:1] + indices.shape + data[2:] = [3] + [1, 1]
        Node n = node(13, "Gather", 2, 1).set("axis", 1);
        Tensor data = longs(new long[] {3, 2}, 1, 2, 3, 4, 5, 6);
        Tensor r = eval1(n, data, longs(new long[] {1, 1}, -1));
        assertArrayEquals(new long[] {3, 1, 1}, r.shape());
        assertArrayEquals(new long[] {2, 4, 6}, r.toLongs());
    }

    @Test
    void gatherScalarIndexDropsTheAxis() {
        Tensor r = eval1(node(13, "Gather", 2, 1), vec(5, 6, 7), scalar(-2));
        assertArrayEquals(new long[0], r.shape());
        assertEquals(6, r.getLong(0));
    }

    @Test
    void gatherOutOfRangeIndexIsAnError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> eval(node(13, "Gather", 2, 1), vec(5, 6, 7), vec(3)));
        assertTrue(e.getMessage().contains("3 is out of range"), e.getMessage());
    }

    // ---- Where and broadcasting ----

    @Test
    void whereBroadcastsConditionAndBothBranches() {
        // cond [2,1], x [3], y [] -> [2,3]: row 0 from x, row 1 all y
        Tensor cond = Tensor.ofIntegers(DType.BOOL, new long[] {2, 1}, new long[] {1, 0});
        Tensor x = Tensor.ofFloats(new long[] {3}, new float[] {1, 2, 3});
        Tensor y = Tensor.scalar(9);
        Tensor r = eval1(node(16, "Where", 3, 1), cond, x, y);
        assertEquals(DType.FLOAT, r.dtype());
        assertArrayEquals(new long[] {2, 3}, r.shape());
        assertArrayEquals(new float[] {1, 2, 3, 9, 9, 9}, r.toFloats());
    }

    @Test
    void whereOnInt32KeepsTheType() {
        Tensor cond = Tensor.ofIntegers(DType.BOOL, new long[] {3}, new long[] {0, 1, 0});
        Tensor x = Tensor.ofIntegers(DType.INT32, new long[] {2, 1}, new long[] {7, 8});
        Tensor y = Tensor.ofIntegers(DType.INT32, new long[] {3}, new long[] {1, 2, 3});
        Tensor r = eval1(node(16, "Where", 3, 1), cond, x, y);
        assertEquals(DType.INT32, r.dtype());
        assertArrayEquals(new long[] {1, 7, 3, 1, 8, 3}, r.toLongs());
    }

    @Test
    void addBroadcastsBothWays() {
        // [2,1] + [3] -> [2,3]
        Tensor a = longs(new long[] {2, 1}, 10, 20);
        Tensor r = eval1(node(13, "Add", 2, 1), a, vec(1, 2, 3));
        assertArrayEquals(new long[] {2, 3}, r.shape());
        assertArrayEquals(new long[] {11, 12, 13, 21, 22, 23}, r.toLongs());
    }

    @Test
    void legacyBroadcastInOpset6AlignsBAtAxis() {
        // broadcast=1, axis=0: B [2] lines up with A's axis 0, not its last axis
        Node n = node(6, "Add", 2, 1).set("broadcast", 1).set("axis", 0);
        Tensor a = longs(new long[] {2, 3}, 1, 2, 3, 4, 5, 6);
        Tensor r = eval1(n, a, vec(10, 20));
        assertArrayEquals(new long[] {11, 12, 13, 24, 25, 26}, r.toLongs());
    }

    @Test
    void incompatibleBroadcastIsAnError() {
        assertThrows(IllegalArgumentException.class, () -> eval(node(13, "Mul", 2, 1), vec(1, 2, 3), vec(1, 2)));
    }

    // ---- Reshape ----

    @Test
    void reshapeZeroCopiesAndMinusOneTakesTheRest() {
        Tensor x = Tensor.ofFloats(new long[] {2, 3, 4}, new float[24]);
        assertArrayEquals(new long[] {2, 12}, eval1(node(13, "Reshape", 2, 1), x, vec(0, -1)).shape());
        // 0 copies axis 1 (3); -1 = 24 / (3 * 2) = 4
        assertArrayEquals(new long[] {4, 3, 2}, eval1(node(13, "Reshape", 2, 1), x, vec(-1, 0, 2)).shape());
    }

    @Test
    void reshapeAllowZeroKeepsALiteralZero() {
        Tensor x = Tensor.ofFloats(new long[] {0, 5}, new float[0]);
        Node n = node(14, "Reshape", 2, 1).set("allowzero", 1);
        assertArrayEquals(new long[] {5, 0}, eval1(n, x, vec(5, 0)).shape());
    }

    @Test
    void reshapeRejectsTwoMinusOnesAndWrongCounts() {
        Tensor x = Tensor.ofFloats(new long[] {2, 3}, new float[6]);
        assertThrows(IllegalArgumentException.class, () -> eval(node(13, "Reshape", 2, 1), x, vec(-1, -1)));
        assertThrows(IllegalArgumentException.class, () -> eval(node(13, "Reshape", 2, 1), x, vec(4, -1)));
        assertThrows(IllegalArgumentException.class, () -> eval(node(13, "Reshape", 2, 1), x, vec(7)));
    }

    // ---- integer arithmetic ----

    @Test
    void integerDivTruncatesTowardZero() {
        Tensor r = eval1(node(13, "Div", 2, 1), vec(7, -7, 7, -7), vec(2, 2, -2, -2));
        assertArrayEquals(new long[] {3, -3, -3, 3}, r.toLongs());
        assertThrows(IllegalArgumentException.class, () -> eval(node(13, "Div", 2, 1), vec(1), vec(0)));
    }

    @Test
    void modFollowsTheDivisorSignUnlessFmod() {
        Tensor a = vec(7, -7, 7, -7);
        Tensor b = vec(3, 3, -3, -3);
        assertArrayEquals(new long[] {1, 2, -2, -1}, eval1(node(13, "Mod", 2, 1), a, b).toLongs());
        assertArrayEquals(new long[] {1, -1, 1, -1}, eval1(node(13, "Mod", 2, 1).set("fmod", 1), a, b).toLongs());
    }

    @Test
    void castFloatToIntTruncates() {
        Node n = node(13, "Cast", 1, 1).set("to", DType.INT32.onnxCode);
        Tensor r = eval1(n, Tensor.ofFloats(new long[] {3}, new float[] {-1.7f, 2.5f, 3.9f}));
        assertEquals(DType.INT32, r.dtype());
        assertArrayEquals(new long[] {-1, 2, 3}, r.toLongs());
    }

    @Test
    void roundHalvesToEven() {
        Tensor r = eval1(node(13, "Round", 1, 1), Tensor.ofFloats(new long[] {4}, new float[] {0.5f, 1.5f, 2.5f, -0.5f}));
        assertArrayEquals(new float[] {0, 2, 2, -0f}, r.toFloats());
    }

    // ---- data movement ----

    @Test
    void padModes() {
        Tensor x = vec(1, 2, 3);
        Tensor pads = vec(2, 1);
        assertArrayEquals(new long[] {9, 9, 1, 2, 3, 9}, eval1(node(13, "Pad", 3, 1), x, pads, scalar(9)).toLongs());
        assertArrayEquals(new long[] {1, 1, 1, 2, 3, 3},
                eval1(node(13, "Pad", 2, 1).set("mode", "edge"), x, pads).toLongs());
        // reflect mirrors without repeating the border element
        assertArrayEquals(new long[] {3, 2, 1, 2, 3, 2},
                eval1(node(13, "Pad", 2, 1).set("mode", "reflect"), x, pads).toLongs());
    }

    @Test
    void padWithNegativePadsCrops() {
        Tensor r = eval1(node(13, "Pad", 2, 1), vec(1, 2, 3, 4), vec(-1, -2));
        assertArrayEquals(new long[] {2}, r.toLongs());
    }

    @Test
    void splitWithNumOutputsMakesTheLastPartSmaller() {
        // opset 18: 7 into 3 -> chunks of ceil(7/3) = 3: [3, 3, 1]
        Node n = node(18, "Split", 1, 3).set("num_outputs", 3);
        Tensor[] r = eval(n, vec(0, 1, 2, 3, 4, 5, 6));
        assertArrayEquals(new long[] {0, 1, 2}, r[0].toLongs());
        assertArrayEquals(new long[] {3, 4, 5}, r[1].toLongs());
        assertArrayEquals(new long[] {6}, r[2].toLongs());
    }

    @Test
    void concatOnTheLastAxis() {
        Node n = node(13, "Concat", 2, 1).set("axis", -1);
        Tensor r = eval1(n, longs(new long[] {2, 1}, 1, 2), longs(new long[] {2, 2}, 3, 4, 5, 6));
        assertArrayEquals(new long[] {2, 3}, r.shape());
        assertArrayEquals(new long[] {1, 3, 4, 2, 5, 6}, r.toLongs());
    }

    @Test
    void transposeAndTileAndExpand() {
        Tensor m = longs(new long[] {2, 3}, 1, 2, 3, 4, 5, 6);
        assertArrayEquals(new long[] {1, 4, 2, 5, 3, 6}, eval1(node(13, "Transpose", 1, 1), m).toLongs());
        assertArrayEquals(new long[] {1, 2, 1, 2}, eval1(node(13, "Tile", 2, 1), vec(1, 2), vec(2)).toLongs());
        Tensor e = eval1(node(13, "Expand", 2, 1), longs(new long[] {2, 1}, 1, 2), vec(2, 3));
        assertArrayEquals(new long[] {1, 1, 1, 2, 2, 2}, e.toLongs());
    }

    @Test
    void squeezeAndUnsqueezeInBothForms() {
        Tensor x = longs(new long[] {3}, 1, 2, 3);
        Node attr = node(11, "Unsqueeze", 1, 1).set("axes", new long[] {0, 2});
        assertArrayEquals(new long[] {1, 3, 1}, eval1(attr, x).shape());
        assertArrayEquals(new long[] {1, 3, 1}, eval1(node(13, "Unsqueeze", 2, 1), x, vec(0, -1)).shape());
        Tensor y = longs(new long[] {1, 3, 1}, 1, 2, 3);
        assertArrayEquals(new long[] {3}, eval1(node(13, "Squeeze", 1, 1), y).shape());
        assertArrayEquals(new long[] {3, 1}, eval1(node(13, "Squeeze", 2, 1), y, vec(0)).shape());
        assertThrows(IllegalArgumentException.class, () -> eval(node(13, "Squeeze", 2, 1), y, vec(1)));
    }

    @Test
    void scatterNDWritesRows() {
        Tensor r = eval1(node(13, "ScatterND", 3, 1), vec(1, 2, 3, 4), longs(new long[] {2, 1}, 1, 3), vec(10, 20));
        assertArrayEquals(new long[] {1, 10, 3, 20}, r.toLongs());
    }

    @Test
    void nonZeroListsCoordinatesPerAxis() {
        Tensor r = eval1(node(13, "NonZero", 1, 1), longs(new long[] {2, 2}, 1, 0, 0, 2));
        assertArrayEquals(new long[] {2, 2}, r.shape());
        assertArrayEquals(new long[] {0, 1, 0, 1}, r.toLongs());
    }

    // ---- shape arithmetic and reductions ----

    @Test
    void shapeWithStartAndEnd() {
        Tensor x = Tensor.ofFloats(new long[] {2, 3, 4, 5}, new float[120]);
        Node n = node(15, "Shape", 1, 1).set("start", 1).set("end", -1);
        assertArrayEquals(new long[] {3, 4}, eval1(n, x).toLongs());
    }

    @Test
    void rangeCountsCeilOfSpanOverDelta() {
        assertArrayEquals(new long[] {1, 4, 7}, eval1(node(13, "Range", 3, 1), scalar(1), scalar(10), scalar(3)).toLongs());
        assertArrayEquals(new long[] {10, 7, 4}, eval1(node(13, "Range", 3, 1), scalar(10), scalar(1), scalar(-3)).toLongs());
        assertEquals(0, eval1(node(13, "Range", 3, 1), scalar(5), scalar(1), scalar(1)).elementCount());
    }

    @Test
    void reductionsWithAxesInputAndKeepdims() {
        Tensor x = longs(new long[] {2, 2}, 1, 2, 3, 4);
        Node sum = node(13, "ReduceSum", 2, 1).set("keepdims", 0);
        Tensor s = eval1(sum, x, vec(1));
        assertArrayEquals(new long[] {2}, s.shape());
        assertArrayEquals(new long[] {3, 7}, s.toLongs());
        Tensor m = eval1(node(18, "ReduceMax", 1, 1), x);
        assertArrayEquals(new long[] {1, 1}, m.shape());
        assertEquals(4, m.getLong(0));
        Node noop = node(18, "ReduceMax", 2, 1).set("noop_with_empty_axes", 1);
        assertArrayEquals(new long[] {2, 2}, eval1(noop, x, vec()).shape());
    }

    @Test
    void constantOfShapeUsesTheValueType() {
        Node n = node(13, "ConstantOfShape", 1, 1);
        n.set("value", isptool.graph.Attr.of(Tensor.ofLongs(new long[] {1}, new long[] {7})));
        Tensor r = eval1(n, vec(2, 3));
        assertEquals(DType.INT64, r.dtype());
        assertArrayEquals(new long[] {7, 7, 7, 7, 7, 7}, r.toLongs());
        Tensor dflt = eval1(node(13, "ConstantOfShape", 1, 1), vec(2));
        assertEquals(DType.FLOAT, dflt.dtype());
        assertArrayEquals(new float[] {0, 0}, dflt.toFloats());
    }

    @Test
    void dropoutInTrainingModeIsNotEvaluated() {
        Tensor x = Tensor.ofFloats(new long[] {2}, new float[] {1, 2});
        Tensor yes = Tensor.ofIntegers(DType.BOOL, new long[0], new long[] {1});
        assertNull(eval(node(13, "Dropout", 3, 1), x, null, yes));
        assertArrayEquals(new float[] {1, 2}, eval1(node(13, "Dropout", 1, 1), x).toFloats());
    }
}
