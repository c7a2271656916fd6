package isptool.backends.tflite.lower;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import isptool.graph.ModelException;
import isptool.graph.Node;
import isptool.graph.Value;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Slice, Split, Pad, SpaceToDepth, the reductions, Gather, Tile, Expand and Upsample on NHWC
 * tensors (ONNX axes that are the stored channel axis included), in the TFLite interpreter with
 * and without XNNPACK against onnxruntime.
 */
class TensorLoweringsTest extends LoweringTestBase {
    TensorLoweringsTest() {
        super(13, true);
    }

    /** A node with several outputs, split along ONNX axis 1, shapes inferred. */
    private List<Value> split(String name, int outputs, Value... ins) {
        List<Value> outs = new ArrayList<>();
        for (int i = 0; i < outputs; i++) {
            outs.add(g.newValue(name + "_out" + i));
        }
        Node n = g.addNode("Split", name, List.of(ins), outs);
        n.set("axis", 1L);
        infer(n);
        return outs;
    }

    private Value concat(String name, long axis, Value... ins) {
        Node n = node("Concat", name, ins);
        n.set("axis", axis);
        return infer(n);
    }

    @Test
    void slicesWithNegativeIndicesOverflowingEndsAndNegativeSteps() throws IOException {
        Value x = conv("c", input(1, 6, 5, 7), 8, 3);
        Value a = infer(node("Slice", "channels", x, ints("s0", 1), ints("e0", Long.MAX_VALUE), ints("a0", 1),
                ints("st0", 2)));
        Value b = infer(node("Slice", "flip", a, ints("s1", -1, 4), ints("e1", Long.MIN_VALUE, -8), ints("a1", -1, 2),
                ints("st1", -1, -2)));
        Map<String, Integer> ops = lowerAndCompare(b);
        assertEquals(Map.of("CONV_2D", 1, "STRIDED_SLICE", 2), ops);
    }

    @Test
    void opset9SliceTakesAttributes() throws IOException {
        Value x = input(1, 4, 6, 6);
        g.opsets().put("", 9L);
        Node s = node("Slice", "s", conv("c", x, 6, 3));
        s.set("starts", new long[] {2, -3}).set("ends", new long[] {5, 1000}).set("axes", new long[] {1, 3});
        assertEquals(1, lowerAndCompare(infer(s)).get("STRIDED_SLICE"));
    }

    @Test
    void splitsEqualUnequalAndNumOutputs() throws IOException {
        Value x = conv("c", input(1, 3, 4, 5), 6, 3);
        List<Value> half = split("half", 2, x);
        Value gate = infer(node("Mul", "gate", half.get(0), half.get(1)));
        List<Value> uneven = split("uneven", 2, x, ints("sizes", 2, 4));
        Value y = concat("cat", 1, gate, uneven.get(1), uneven.get(0));
        Map<String, Integer> ops = lowerAndCompare(y);
        assertEquals(1, ops.get("SPLIT"));
        assertEquals(1, ops.get("SPLIT_V"));

        Value w = conv("c", input(1, 3, 7, 4), 4, 3);
        g.opsets().put("", 18L);
        Node n = g.addNode("Split", "thirds", List.of(w), List.of(g.newValue("t0"), g.newValue("t1"), g.newValue("t2")));
        n.set("num_outputs", 3L).set("axis", -2L);
        infer(n);
        Value z = concat("cat", 2, n.output(2), n.output(0), n.output(1));
        assertEquals(1, lowerAndCompare(z).get("SPLIT_V"));
    }

    @Test
    void padsConstantReflectEdgeOnChannelsAndSpace() throws IOException {
        Value x = conv("c", input(1, 3, 5, 6), 4, 3);
        Node constant = node("Pad", "const", x, ints("p0", 0, 1, 2, 0, 0, 2, 1, 3), g.addConstant("v",
                isptool.graph.Tensor.ofFloats(new long[0], new float[] {0.25f})));
        Node reflect = node("Pad", "reflect", infer(constant), ints("p1", 0, 0, 1, 2, 0, 0, 3, 1));
        reflect.set("mode", "reflect");
        Node edge = node("Pad", "edge", infer(reflect), ints("p2", 0, 2, 0, 1, 0, 1, 2, 0));
        edge.set("mode", "edge");
        Map<String, Integer> ops = lowerAndCompare(infer(edge));
        assertEquals(Map.of("CONV_2D", 1, "PADV2", 1, "MIRROR_PAD", 1, "GATHER", 3), ops);
    }

    @Test
    void opset18PadAxesAndOpset9PadAttributes() throws IOException {
        Value x = input(1, 3, 5, 6);
        g.opsets().put("", 18L);
        Value c = conv("c", x, 4, 3);
        Node p = node("Pad", "p", c, ints("pads", 1, 2, 0, 3), g.addConstant("none",
                isptool.graph.Tensor.ofFloats(new long[0], new float[] {0f})), ints("axes", -1, 1));
        assertEquals(1, lowerAndCompare(infer(p)).get("PAD"));

        Value y = input(1, 3, 5, 6);
        g.opsets().put("", 9L);
        Node q = node("Pad", "q", conv("c", y, 4, 3));
        q.set("pads", new long[] {0, 0, 1, 1, 0, 0, 2, 0}).set("mode", "edge");
        assertEquals(2, lowerAndCompare(infer(q)).get("GATHER"));
    }

    @Test
    void reductionsKeepingAndDroppingAxes() throws IOException {
        Value x = conv("c", input(1, 3, 5, 6), 4, 3);
        Node sum = node("ReduceSum", "sum", x, ints("sa", 1));
        Node max = node("ReduceMax", "max", x);
        max.set("axes", new long[] {2, 3});
        Node min = node("ReduceMin", "min", x);
        min.set("axes", new long[] {1});
        Node prod = node("ReduceProd", "prod", x);
        prod.set("axes", new long[] {-3});
        Node mean = node("ReduceMean", "mean", x);
        mean.set("axes", new long[] {1}).set("keepdims", 0L);
        Node unsq = node("Unsqueeze", "unsq", infer(mean), ints("ua", 1));
        Value y = infer(node("Add", "a1", infer(node("Add", "a0", infer(sum), infer(max))),
                infer(node("Mul", "m", infer(min), infer(node("Sub", "s", infer(prod), infer(unsq)))))));
        Map<String, Integer> ops = lowerAndCompare(y);
        for (String op : new String[] {"SUM", "REDUCE_MAX", "REDUCE_MIN", "REDUCE_PROD", "MEAN"}) {
            assertEquals(1, ops.get(op), op);
        }
    }

    @Test
    void opset18ReductionsTakeAxesInputsAndNoopWithEmptyAxes() throws IOException {
        Value x = input(1, 3, 5, 6);
        g.opsets().put("", 18L);
        Value c = conv("c", x, 4, 3);
        Value max = infer(node("ReduceMax", "max", c, ints("ma", 1)));
        Node noop = node("ReduceMin", "noop", c, ints("none"));
        noop.set("noop_with_empty_axes", 1L);
        Node all = node("ReduceMean", "all", infer(noop));
        Map<String, Integer> ops = lowerAndCompare(infer(node("Add", "a", max, infer(all))));
        assertEquals(Map.of("CONV_2D", 1, "REDUCE_MAX", 1, "MEAN", 1, "ADD", 1), ops); // the no-op is an alias
    }

    @Test
    void opset11SplitTakesSizesAsAttribute() throws IOException {
        Value x = input(1, 3, 4, 5);
        g.opsets().put("", 11L);
        Node n = g.addNode("Split", "parts", List.of(conv("c", x, 5, 3)), List.of(g.newValue("p0"), g.newValue("p1")));
        n.set("axis", 1L).set("split", new long[] {3, 2});
        infer(n);
        assertEquals(1, lowerAndCompare(concat("cat", 1, n.output(1), n.output(0))).get("SPLIT_V"));
    }

    @Test
    void reductionToFewerAxesOverSpaceIsTransposedToOnnxOrderAtTheOutput() throws IOException {
        Value x = conv("c", input(1, 3, 5, 6), 4, 3);
        Node sum = node("ReduceSum", "sum", x, ints("sa", 2));
        sum.set("keepdims", 0L);
        Map<String, Integer> ops = lowerAndCompare(infer(sum));
        assertEquals(Map.of("CONV_2D", 1, "SUM", 1, "TRANSPOSE", 1), ops);
    }

    @Test
    void gatherTileExpandAndSpaceToDepth() throws IOException {
        Value x = conv("c", input(1, 3, 6, 8), 4, 3);
        Node pick = node("Gather", "pick", x, ints("cols", 7, 0, -2, 3));
        pick.set("axis", 3L);
        Node one = node("Gather", "one", infer(pick), g.addConstant("i", isptool.graph.Tensor.ofLongs(new long[0],
                new long[] {-1})));
        one.set("axis", 1L);
        Value plane = infer(node("Unsqueeze", "u", infer(one), ints("ua", 1)));
        Value tiled = infer(node("Tile", "tile", plane, ints("reps", 1, 4, 1, 1)));
        Value wide = infer(node("Expand", "expand", conv("d", x, 1, 1), ints("shape", 1, 4, 1, 1)));
        Value cat = concat("cat", 3, infer(node("Add", "add", tiled, infer(pick))), infer(node("Mul", "m0", wide, x)));
        Node s2d = node("SpaceToDepth", "s2d", cat);
        s2d.set("blocksize", 2L);
        Map<String, Integer> ops = lowerAndCompare(conv("e", infer(s2d), 4, 1));
        assertEquals(2, ops.get("GATHER"));
        assertEquals(2, ops.get("TILE"));
        assertEquals(1, ops.get("SPACE_TO_DEPTH"));
    }

    @Test
    void upsampleNearestAndLinear() throws IOException {
        Value x = input(1, 3, 4, 5);
        g.opsets().put("", 9L);
        Node near = node("Upsample", "near", conv("c", x, 4, 3), g.addConstant("sc", isptool.graph.Tensor.ofFloats(
                new long[] {4}, new float[] {1, 1, 2, 3})));
        Node lin = node("Upsample", "lin", infer(near), g.addConstant("sc2", isptool.graph.Tensor.ofFloats(
                new long[] {4}, new float[] {1, 1, 2, 2})));
        lin.set("mode", "linear");
        Map<String, Integer> ops = lowerAndCompare(infer(lin));
        assertEquals(Map.of("CONV_2D", 1, "RESIZE_NEAREST_NEIGHBOR", 1, "RESIZE_BILINEAR", 1), ops);
    }

    @Test
    void opset7UpsampleTakesScalesAsAttribute() throws IOException {
        Value x = input(1, 3, 4, 5);
        g.opsets().put("", 7L);
        Node up = node("Upsample", "up", conv("c", x, 4, 3));
        up.set("scales", isptool.graph.Attr.of(new float[] {1, 1, 3, 2}));
        assertEquals(1, lowerAndCompare(infer(up)).get("RESIZE_NEAREST_NEIGHBOR"));
    }

    /** A residual Add before pixel_shuffle keeps tflite-prep from reordering a conv: GATHER into DCR order. */
    @Test
    void crdDepthToSpaceAfterAResidualAddGathersItsChannels() throws IOException {
        Value x = input(1, 3, 4, 5);
        Value skip = conv("skip", x, 12, 1);
        Value sum = infer(node("Add", "residual", conv("body", skip, 12, 3), skip));
        Node d2s = node("DepthToSpace", "shuffle", sum);
        d2s.set("blocksize", 2L).set("mode", "CRD");
        Map<String, Integer> ops = lowerAndCompare(infer(d2s));
        assertEquals(Map.of("CONV_2D", 2, "ADD", 1, "GATHER", 1, "DEPTH_TO_SPACE", 1), ops);
    }

    @Test
    void refusesComputedIndices() {
        Value x = input(1, 3, 4, 5);
        Value idx = g.valueNamed("idx");
        idx.setType(isptool.graph.DType.FLOAT, isptool.graph.Shape.of(2));
        g.addInput(idx);
        Node gather = node("Gather", "dyn", conv("c", x, 4, 3), idx);
        gather.set("axis", 1L);
        ModelException e = refusal(infer(gather));
        assertTrue(e.getMessage().contains("node \"dyn\" (Gather): indices computed at run time"), e.getMessage());
    }
}
