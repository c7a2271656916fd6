package isptool.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import isptool.backends.ort.OrtRunner;
import isptool.backends.verify.Comparison;
import isptool.graph.Graph;
import isptool.graph.Tensor;
import isptool.graph.io.OnnxImporter;
import isptool.graph.io.TensorFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * ONNX's own PyTorch-exported conformance models through {@code isptool reparam}: the command
 * succeeds (verifying against the original in onnxruntime) and the written model reproduces the
 * stored reference output. The light networks (whose weights are ConstantOfShape nodes) are
 * folded and verified against the original on a random input.
 */
class ConformanceReparamTest {
    @TempDir
    Path tmp;

    static Path conformance() {
        Path p = TestFiles.root().resolve("../shared/conformance/onnx-backend").normalize();
        assertTrue(Files.isDirectory(p), "conformance data missing at " + p);
        return p;
    }

    static Stream<String> backendTests() throws IOException {
        List<String> r = new ArrayList<>();
        for (String suite : List.of("pytorch-converted", "pytorch-operator")) {
            try (Stream<Path> dirs = Files.list(conformance().resolve(suite))) {
                dirs.filter(d -> Files.exists(d.resolve("model.onnx"))).sorted()
                        .forEach(d -> r.add(suite + "/" + d.getFileName()));
            }
        }
        return r.stream();
    }

    static Stream<String> lightModels() throws IOException {
        try (Stream<Path> files = Files.list(conformance().resolve("light"))) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".onnx")).sorted().toList().stream();
        }
    }

    /** The stored inputs of a test data set, by graph input name; each is also added to args as --verify-input. */
    static Map<String, Tensor> storedInputs(Graph g, Path data, List<String> args) {
        Map<String, Tensor> inputs = new LinkedHashMap<>();
        for (int i = 0; i < g.inputs().size(); i++) {
            String name = g.inputs().get(i).name();
            Path pb = data.resolve("input_" + i + ".pb");
            args.add("--verify-input");
            args.add(name + "=" + pb);
            inputs.put(name, TensorFiles.read(pb));
        }
        return inputs;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backendTests")
    void reparamKeepsTheReferenceOutput(String test) throws IOException {
        Path dir = conformance().resolve(test);
        Path model = dir.resolve("model.onnx");
        Graph g = OnnxImporter.load(model);
        Path data = dir.resolve("test_data_set_0");
        List<String> args = new ArrayList<>(List.of("reparam", model.toString(), "-o", tmp.resolve("out.onnx").toString()));
        Map<String, Tensor> inputs = storedInputs(g, data, args);
        TestFiles.Run run = TestFiles.isptool(args.toArray(String[]::new));
        assertEquals(0, run.status(), () -> run.out() + run.err());

        Map<String, Tensor> got = OrtRunner.runOnce(tmp.resolve("out.onnx"), inputs, OrtRunner.Options.REFERENCE);
        Tensor expected = TensorFiles.read(data.resolve("output_0.pb"));
        String out0 = g.outputs().get(0).name();
        Comparison c = Comparison.of(out0, expected, got.get(out0));
        assertTrue(c.withinRelative(1e-5), () -> test + ": " + c + "\n" + run.out());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("lightModels")
    void lightNetworksFoldAndVerify(String file) {
        Path model = conformance().resolve("light").resolve(file);
        TestFiles.Run run = TestFiles.isptool("reparam", model.toString(), "-o", tmp.resolve("out.onnx").toString());
        assertEquals(0, run.status(), () -> run.out() + run.err());
        assertTrue(run.out().contains("verify (random input, seed 0): ok"), run.out());
    }
}
