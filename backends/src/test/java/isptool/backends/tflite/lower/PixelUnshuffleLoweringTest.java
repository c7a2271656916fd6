package isptool.backends.tflite.lower;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import isptool.backends.layout.LayoutPlan;
import isptool.backends.ort.Inputs;
import isptool.backends.ort.OrtRunner;
import isptool.backends.tflite.TfliteModel;
import isptool.backends.tflite.TfliteRunner;
import isptool.backends.verify.Comparison;
import isptool.graph.Node;
import isptool.graph.Tensor;
import isptool.graph.Value;
import isptool.graph.shapes.ShapeInference;
import isptool.passes.PassReport;
import isptool.passes.Pipelines;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * PyTorch's nn.PixelUnshuffle as both its exporters write it (Reshape [N, C, H/r, r, W/r, r],
 * Transpose [0, 1, 3, 5, 2, 4], Reshape [N, C*r*r, H/r, W/r]), through tflite-prep and the
 * lowering, against onnxruntime on the unchanged graph: one SPACE_TO_DEPTH and no TRANSPOSE when
 * convs read it (their weights take the channel order), SPACE_TO_DEPTH and a channel GATHER when
 * they cannot.
 */
class PixelUnshuffleLoweringTest extends LoweringTestBase {
    PixelUnshuffleLoweringTest() {
        super(31, true);
    }

    private Value unshuffle(Value x, long r) {
        long[] d = x.shape().dims();
        Value six = infer(node("Reshape", "to6d", x, ints("six", d[0], d[1], d[2] / r, r, d[3] / r, r)));
        Node t = node("Transpose", "perm", six);
        t.set("perm", new long[] {0, 1, 3, 5, 2, 4});
        return infer(node("Reshape", "to4d", infer(t), ints("four", d[0], d[1] * r * r, d[2] / r, d[3] / r)));
    }

    /** Runs onnxruntime on g as built, then tflite-prep, the NHWC lowering and TFLite; returns the op histogram. */
    private Map<String, Integer> prepLowerAndCompare(Value out) throws IOException {
        g.rename(out, "y");
        g.addOutput(out);
        ShapeInference.run(g);
        Map<String, Tensor> in = Inputs.random(g, 3);
        Map<String, Tensor> ref = OrtRunner.runOnce(g, in, OrtRunner.Options.REFERENCE);
        Pipelines.tflitePrep().run(g, new PassReport());
        ShapeInference.run(g);
        Path file = tmp.resolve("unshuffle.tflite");
        OnnxToTflite.lower(g, LayoutPlan.of(g, true)).write(file);
        Map<String, Tensor> feed = new LinkedHashMap<>();
        in.forEach((k, v) -> feed.put(k, StoredTensors.toNhwc(v)));
        Map<String, Tensor> got = new LinkedHashMap<>();
        try (TfliteRunner r = TfliteRunner.open(file, TfliteRunner.Options.DEFAULT)) {
            r.run(feed).forEach((k, v) -> got.put(k, StoredTensors.toNchw(v)));
        }
        for (Comparison c : Comparison.compare(ref, got)) {
            assertTrue(c.withinRelative(1e-5), c.toString());
        }
        return TfliteModel.open(file).opHistogram();
    }

    @Test
    void packedRawIntoConvsIsOneSpaceToDepth() throws IOException {
        Value x = input(1, 4, 8, 12);
        Value packed = unshuffle(x, 2);
        Value y = infer(node("Add", "sum", conv("head", packed, 8, 3), conv("skip", packed, 8, 1)));
        Map<String, Integer> ops = prepLowerAndCompare(y);
        assertEquals(Map.of("SPACE_TO_DEPTH", 1, "CONV_2D", 2, "ADD", 1), ops);
    }

    @Test
    void unshuffleNoConvCanTakeIsSpaceToDepthAndAChannelGather() throws IOException {
        Value x = input(1, 3, 6, 4);
        Value y = infer(node("Relu", "act", unshuffle(x, 2)));
        Map<String, Integer> ops = prepLowerAndCompare(y);
        assertEquals(Map.of("SPACE_TO_DEPTH", 1, "GATHER", 1, "RELU", 1), ops);
    }
}
