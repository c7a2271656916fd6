package isptool.backends.ort;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import isptool.backends.ConformanceData;
import isptool.backends.verify.Comparison;
import isptool.graph.Graph;
import isptool.graph.Tensor;
import isptool.graph.io.OnnxExporter;
import isptool.graph.io.OnnxImporter;
import isptool.graph.io.TensorFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The ONNX "light" zoo models (AlexNet, DenseNet-121, Inception v1/v2, ResNet-50, ShuffleNet,
 * SqueezeNet, VGG-19, ZFNet-512 at 1x3x224x224, opset 9, IR version 3): every float weight was
 * replaced by a ConstantOfShape node, so the files are small but the graphs are the real ones.
 *
 * <p>Only an output is stored, not the input it was computed from (light/README.md). All weights
 * are the same constant (0.02), so every channel of every layer carries the same value and the
 * final logits are all equal: the outputs do not depend on the input (softmax gives 0.001
 * everywhere; DenseNet's un-normalized output is 0.46095). The test checks that independence on
 * two random inputs before comparing with the stored output.
 */
class LightModelsTest {
    private static final double TOLERANCE = 1e-5;

    static List<String> lightModels() throws IOException {
        Path dir = ConformanceData.root().resolve("light");
        List<String> names = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".onnx")).sorted().forEach(names::add);
        }
        assertTrue(names.size() >= 5, "expected the light models in " + dir);
        return names;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("lightModels")
    void roundTripRunsIdenticallyAndMatchesStoredOutput(String fileName) {
        Path model = ConformanceData.root().resolve("light").resolve(fileName);
        Graph g = OnnxImporter.load(model);
        byte[] exported = OnnxExporter.toBytes(g);
        Map<String, Tensor> input = Inputs.random(g, 1);
        Map<String, Tensor> otherInput = Inputs.random(g, 2);

        Map<String, Tensor> original;
        Map<String, Tensor> originalOther;
        try (OrtRunner r = OrtRunner.open(model)) {
            original = r.run(input);
            originalOther = r.run(otherInput);
        }
        Map<String, Tensor> roundTrip = OrtRunner.runOnce(g, input, OrtRunner.Options.REFERENCE);
        Map<String, Tensor> fromBytes;
        try (OrtRunner r = OrtRunner.open(exported, "exported " + fileName, OrtRunner.Options.REFERENCE)) {
            fromBytes = r.run(input);
        }
        assertEquals(original.keySet(), roundTrip.keySet());
        for (String name : original.keySet()) {
            Tensor a = original.get(name);
            assertTrue(a.rawData().equals(roundTrip.get(name).rawData()),
                    () -> "differs after import/export: " + Comparison.of(name, a, roundTrip.get(name)));
            assertTrue(a.rawData().equals(fromBytes.get(name).rawData()),
                    () -> "differs after import/export: " + Comparison.of(name, a, fromBytes.get(name)));
        }

        String out = g.outputs().get(0).name();
        assertTrue(original.get(out).rawData().equals(originalOther.get(out).rawData()),
                () -> "the output depends on the input, so the stored output (whose input is not stored) cannot be"
                        + " checked: " + Comparison.of(out, original.get(out), originalOther.get(out)));
        Tensor stored = TensorFiles.readTensorProto(model.resolveSibling(fileName.replace(".onnx", "_output_0.pb")));
        assertArrayEquals(stored.shape(), original.get(out).shape());
        Comparison c = Comparison.of(out, stored, original.get(out));
        assertTrue(c.withinRelative(TOLERANCE), fileName + ": " + c);
    }
}
