package isptool.backends.reparam;

import static org.junit.jupiter.api.Assertions.assertTrue;

import isptool.backends.layout.LayoutPlan;
import isptool.backends.ort.OrtRunner;
import isptool.backends.tflite.TfliteModel;
import isptool.backends.tflite.TfliteRunner;
import isptool.backends.tflite.lower.OnnxToTflite;
import isptool.backends.tflite.lower.StoredTensors;
import isptool.backends.verify.Comparison;
import isptool.graph.Graph;
import isptool.graph.Tensor;
import isptool.graph.shapes.ShapeInference;
import isptool.backends.ort.Inputs;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A rewritten graph lowered to TFLite (NHWC at the boundary) and run in the real interpreter
 * against onnxruntime on the same graph and input, to 1e-5 of the output range.
 */
final class InTflite {
    private InTflite() {
    }

    /** Lowers and compares; returns the TFLite op histogram. */
    static Map<String, Integer> lowerAndCompare(Graph g, Path file) throws IOException {
        ShapeInference.run(g);
        OnnxToTflite.lower(g, LayoutPlan.of(g, true)).write(file);
        Map<String, Tensor> in = Inputs.random(g, 7);
        Map<String, Tensor> ref = OrtRunner.runOnce(g, in, OrtRunner.Options.REFERENCE);
        Map<String, Tensor> nhwc = new LinkedHashMap<>();
        in.forEach((k, v) -> nhwc.put(k, StoredTensors.toNhwc(v)));
        Map<String, Tensor> got = new LinkedHashMap<>();
        try (TfliteRunner r = TfliteRunner.open(file)) {
            r.run(nhwc).forEach((k, v) -> got.put(k, StoredTensors.toNchw(v)));
        }
        for (Comparison c : Comparison.compare(ref, got)) {
            assertTrue(c.withinRelative(1e-5), "TFLite differs from onnxruntime: " + c);
        }
        return TfliteModel.open(file).opHistogram();
    }
}
