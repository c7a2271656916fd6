package isptool.backends.tflite.lower;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import isptool.backends.layout.LayoutPlan;
import isptool.backends.tflite.TfliteModel;
import isptool.graph.DType;
import isptool.graph.ModelException;
import isptool.graph.Node;
import isptool.graph.Shape;
import isptool.graph.Tensor;
import isptool.graph.Value;
import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Small ONNX graphs lowered to TFLite and run in the real interpreter against onnxruntime. */
class OnnxToTfliteTest extends LoweringTestBase {
    OnnxToTfliteTest() {
        super(3, false);
    }

    @Test
    void torchStrideTwoPaddingGetsAPadOp() throws IOException {
        Value x = input(1, 3, 16, 16);
        Value y = conv("down", x, 8, 3, 2, 1, 1, 1, 1, 1);
        Value z = conv("same", y, 8, 3, 1, 1, 1, 1, 1, 1);
        Value w = conv("lopsided", z, 4, 3, 1, 1, 0, 2, 1, 0);
        Map<String, Integer> ops = lowerAndCompare(w);
        assertEquals(Map.of("CONV_2D", 3, "PAD", 2), ops);
    }

    @Test
    void depthwiseWithMultiplierAndFusedRelu6() throws IOException {
        Value x = input(1, 4, 9, 9);
        Value d = conv("dw", x, 8, 3, 1, 4, 1, 1, 1, 1);
        Node clip = node("Clip", "relu6", d, g.addConstant("lo", Tensor.scalar(0)), g.addConstant("hi", Tensor.scalar(6)));
        Value c = infer(clip);
        Value p = conv("pw", c, 4, 1, 1, 1, 0, 0, 0, 0);
        Node relu = node("Relu", "relu", p);
        Map<String, Integer> ops = lowerAndCompare(infer(relu));
        assertEquals(Map.of("DEPTHWISE_CONV_2D", 1, "CONV_2D", 1), ops, "both clamps fused");
    }

    /** Broadcast constants: per-channel [C,1,1], a scalar, a row along W; PRelu, LeakyRelu, Concat, ReduceMean. */
    @Test
    void elementwiseWithConstantsInTheStoredLayout() throws IOException {
        Value x = input(1, 3, 6, 5);
        Value a = conv("c", x, 4, 3, 1, 1, 1, 1, 1, 1);
        Value m = infer(node("Mul", "mul", a, constant("scale", 4, 1, 1)));
        Value s = infer(node("Sub", "sub", m, g.addConstant("half", Tensor.scalar(0.5f))));
        Value d = infer(node("Div", "div", s, g.addConstant("row", Tensor.ofFloats(new long[] {5},
                new float[] {1, 2, 3, 4, 5}))));
        Value pr = infer(node("PRelu", "prelu", d, constant("slope", 4, 1, 1)));
        Node leaky = node("LeakyRelu", "leaky", a);
        leaky.set("alpha", 0.2f);
        Node cat = node("Concat", "cat", pr, infer(leaky));
        cat.set("axis", 1L);
        Value c = infer(cat);
        Node mean = node("ReduceMean", "mean", c);
        mean.set("axes", new long[] {2, 3}).set("keepdims", 1L);
        Value gate = infer(node("Sigmoid", "sig", infer(mean)));
        Value t = infer(node("Tanh", "tanh", c));
        Map<String, Integer> ops = lowerAndCompare(infer(node("Add", "add", t, gate)));
        assertEquals(1, ops.get("CONCATENATION"));
        assertEquals(1, ops.get("MEAN"));
        assertEquals(null, ops.get("TRANSPOSE"));
    }

    @Test
    void refusesWhatIsNotInTheTable() {
        Value x = input(1, 4, 8, 8);
        Node cos = node("Cos", "cos", x);
        g.addOutput(infer(cos));
        ModelException e = assertThrows(ModelException.class, () -> OnnxToTflite.lower(g, LayoutPlan.of(g, true)));
        assertTrue(e.getMessage().startsWith("small.onnx: node \"cos\" (Cos): Cos has no TFLite lowering yet"),
                e.getMessage());
    }

    @Test
    void refusesClipRangesAndGroupsTfliteLacks() {
        Value x = input(1, 4, 8, 8);
        Value hi = infer(node("Abs", "abs", x));
        Node clip = node("Clip", "clip", x, g.addConstant("lo", Tensor.scalar(0)), hi);
        g.addOutput(infer(clip));
        ModelException e = assertThrows(ModelException.class, () -> OnnxToTflite.lower(g, LayoutPlan.of(g, true)));
        assertTrue(e.getMessage().contains("node \"clip\" (Clip): attribute/input min or max is computed at run time"),
                e.getMessage());

        Value x2 = input(1, 4, 8, 8);
        Node uneven = node("Conv", "uneven", x2, constant("uneven.w", 3, 2, 3, 3));
        uneven.set("kernel_shape", new long[] {3, 3}).set("group", 2L);
        g.addOutput(uneven.output(0));
        uneven.output(0).setType(DType.FLOAT, Shape.of(1, 3, 6, 6));
        e = assertThrows(ModelException.class, () -> OnnxToTflite.lower(g, LayoutPlan.of(g, true)));
        assertTrue(e.getMessage().contains("node \"uneven\" (Conv): group 2 does not divide"), e.getMessage());
    }

    /** A Transpose in the model that the plan turns into a relabelling costs nothing. */
    @Test
    void permutesAroundElementwiseOpsVanish() throws IOException {
        Value x = input(1, 4, 5, 6);
        Value a = conv("c", x, 4, 3, 1, 1, 1, 1, 1, 1);
        Node t1 = node("Transpose", "to_nhwc", a);
        t1.set("perm", new long[] {0, 2, 3, 1});
        Value t = infer(node("Tanh", "tanh", infer(t1)));
        Node t2 = node("Transpose", "to_nchw", t);
        t2.set("perm", new long[] {0, 3, 1, 2});
        Value b = conv("c2", infer(t2), 4, 1, 1, 1, 0, 0, 0, 0);
        Map<String, Integer> ops = lowerAndCompare(b);
        assertEquals(Map.of("CONV_2D", 2, "TANH", 1), ops);
    }

    /**
     * One constant read by many nodes is written once per reader under c, c_1, c_2, ..., skipping
     * names already taken ("c_2" below): the suffix counter is kept per name, so k readers cost
     * O(k), not the O(k^2) of probing from _1 each time (scripts/bench_nodes.py measures it).
     */
    @Test
    void sharedConstantNamesAreUniqueAndSequential() throws IOException {
        Value v = input(1, 2, 3, 3);
        Value c = constant("c", 2, 1, 1);
        Value taken = constant("c_2", 2, 1, 1);
        v = infer(node("Add", "first", v, taken));
        for (int i = 0; i < 5; i++) {
            v = infer(node("Add", "add" + i, v, c));
        }
        assertEquals(Map.of("ADD", 6), lowerAndCompare(v));
        java.util.List<String> names = TfliteModel.open(tmp.resolve("m.tflite")).tensors().stream()
                .filter(TfliteModel.TensorInfo::isConstant).map(TfliteModel.TensorInfo::name).toList();
        assertEquals(java.util.List.of("c_2", "c", "c_1", "c_3", "c_4", "c_5"), names);
    }
}
