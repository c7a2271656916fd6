package isptool.backends.tflite.lower;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import isptool.graph.Graph;
import isptool.graph.ModelException;
import isptool.graph.Node;
import isptool.graph.Tensor;
import isptool.graph.Value;
import isptool.graph.io.OnnxImporter;
import isptool.graph.shapes.ShapeInference;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** BatchNormalization, InstanceNormalization and LayerNormalization against onnxruntime, ranks 2 to 4, NHWC. */
class NormLoweringsTest extends MathTestBase {
    NormLoweringsTest() {
        super(13);
    }

    private Value batchNorm(String name, Value x) {
        long c = x.shape().dim(1);
        Value var = g.addConstant(name + ".var", Tensor.ofFloats(new long[] {c}, positive(c)));
        Node n = node("BatchNormalization", name, x, constant(name + ".scale", c), constant(name + ".b", c),
                constant(name + ".mean", c), var);
        n.set("epsilon", 1e-3f);
        return infer(n);
    }

    private static float[] positive(long c) {
        float[] v = new float[(int) c];
        for (int i = 0; i < v.length; i++) {
            v[i] = 0.2f + 0.3f * i;
        }
        return v;
    }

    @Test
    void batchNormIsOneMulAndAddAtRanks2To4() throws IOException {
        Value y4 = batchNorm("bn4", spread(input(2, 3, 5, 4), 4));
        assertEquals(Map.of("SUB", 1, "MUL", 2, "ADD", 1), lowerAndCompare(y4));
        assertEquals(Map.of("SUB", 1, "MUL", 2, "ADD", 1), lowerAndCompare(batchNorm("bn3", spread(input(4, 5, 3), 4))));
        assertEquals(Map.of("SUB", 1, "MUL", 2, "ADD", 1), lowerAndCompare(batchNorm("bn2", spread(input(6, 5), 4))));
    }

    @Test
    void batchNormTrainingModeIsRefused() {
        Value x = input(2, 3, 4, 4);
        opset(15);
        Node n = node("BatchNormalization", "bn", x, constant("s", 3), constant("b", 3), constant("m", 3),
                constant("v", 3));
        n.set("training_mode", 1L);
        ModelException e = refusal(infer(n));
        assertTrue(e.getMessage().contains("node \"bn\" (BatchNormalization): attribute training_mode=1"),
                e.getMessage());
    }

    @Test
    void instanceNormPerSampleAndChannelOnNhwcAndRank3() throws IOException {
        Value x = spread(conv("c", input(2, 4, 6, 5), 4, 3), 4);
        Node n = node("InstanceNormalization", "in", x, constant("in.s", 4), constant("in.b", 4));
        n.set("epsilon", 1e-4f);
        Map<String, Integer> ops = lowerAndCompare(infer(n));
        assertEquals(2, ops.get("MEAN"));
        assertEquals(1, ops.get("RSQRT"));

        Value x3 = spread(input(3, 4, 7), 4);
        assertEquals(2, lowerAndCompare(infer(node("InstanceNormalization", "in3", x3, constant("s3", 4),
                constant("b3", 4)))).get("MEAN"));
    }

    /** NAFNet's permute -> LayerNorm(last axis) -> permute back on an NHWC tensor: no transpose, stored last axis. */
    @Test
    void layerNormOverChannelsBetweenPermutesOnNhwc() throws IOException {
        Value x = conv("c", input(1, 6, 5, 4), 6, 3);
        Node p = node("Transpose", "to_nhwc", x);
        p.set("perm", new long[] {0, 2, 3, 1});
        Node ln = node("LayerNormalization", "ln", infer(p), constant("ln.w", 6), constant("ln.b", 6));
        ln.set("axis", -1L).set("epsilon", 1e-6f);
        Node back = node("Transpose", "to_nchw", infer(ln));
        back.set("perm", new long[] {0, 3, 1, 2});
        Value y = conv("c2", infer(back), 6, 1);
        Map<String, Integer> ops = lowerAndCompare(y);
        assertEquals(null, ops.get("TRANSPOSE"));
        assertEquals(2, ops.get("MEAN"));
    }

    /**
     * Both LayerNormalization nodes of testdata/nafnet_like.dynamo.onnx (stash_type 1, axis -1,
     * weight and bias) with the permutes around them, cut out of the model as they are, and a 1x1 conv
     * after (the model's output cannot be a relabelled tensor).
     */
    @Test
    void nafnetDynamoLayerNormalizations() throws IOException {
        Graph model = OnnxImporter.load(Path.of(System.getProperty("isptool.root", "..")).resolve("testdata")
                .resolve("nafnet_like.dynamo.onnx"));
        ShapeInference.run(model);
        int count = 0;
        for (Node ln : model.nodes()) {
            if (!ln.is("LayerNormalization")) {
                continue;
            }
            Node before = ln.input(0).producer();
            Node after = model.soleConsumer(ln.output(0));
            Value x = input(before.input(0).shape().dims());
            Value p = copy(before, x);
            Value y = copy(ln, p, g.addConstant("w", ln.input(1).constant()), g.addConstant("b", ln.input(2).constant()));
            Value back = copy(after, y);
            Map<String, Integer> ops = lowerAndCompare(conv("c", back, (int) back.shape().dim(1), 1));
            assertEquals(Map.of("MEAN", 2, "SUB", 1, "MUL", 3, "ADD", 2, "RSQRT", 1, "CONV_2D", 1), ops);
            count++;
        }
        assertEquals(2, count);
    }

    private Value copy(Node n, Value... ins) {
        Node c = node(n.opType(), n.name(), ins);
        n.attrs().forEach(c::set);
        return infer(c);
    }

    @Test
    void layerNormOverTwoAxesWithoutBiasAndWithMeanOutput() throws IOException {
        Value x = spread(input(3, 4, 5), 6);
        Node ln = g.addNode("LayerNormalization", "ln", List.of(x, constant("ln.w", 4, 5)),
                List.of(g.newValue("ln_y"), g.newValue("ln_mean")));
        ln.set("axis", 1L);
        infer(ln);
        Value y = infer(node("Add", "sum", ln.output(0), ln.output(1)));
        Map<String, Integer> ops = lowerAndCompare(y);
        assertEquals(2, ops.get("MEAN"));
    }

    @Test
    void layerNormStashTypeOtherThanFloatIsRefused() {
        Value x = input(2, 3, 4);
        Node ln = g.addNode("LayerNormalization", "ln", Arrays.asList(x, constant("w", 4), null),
                List.of(g.newValue("y")));
        ln.set("stash_type", 11L);
        ModelException e = refusal(infer(ln));
        assertTrue(e.getMessage().contains("node \"ln\" (LayerNormalization): attribute stash_type=11"), e.getMessage());
    }
}
