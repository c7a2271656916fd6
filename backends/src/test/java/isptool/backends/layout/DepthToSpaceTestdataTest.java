package isptool.backends.layout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import isptool.backends.ConformanceData;
import isptool.backends.ort.OrtRunner;
import isptool.backends.verify.Comparison;
import isptool.graph.Graph;
import isptool.graph.Node;
import isptool.graph.Tensor;
import isptool.graph.io.Npy;
import isptool.graph.io.OnnxImporter;
import isptool.graph.io.TensorFiles;
import isptool.passes.PassReport;
import isptool.passes.Pipelines;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The testdata models as the converter will run them: reparam, then tflitePrep. The five that end
 * in PixelShuffle (syenet_isp, ecbsr, mai_isp, csanet_like, and syenet_sr whose shuffle reads the
 * QCU product of two convs; each in three exports) must come out
 * with a DCR DepthToSpace (TFLite's order, no transpose needed), and every model must still match
 * PyTorch's stored output in onnxruntime to 1e-5 relative.
 */
class DepthToSpaceTestdataTest {
    private static final double TOLERANCE = 1e-5;
    private static final List<String> PREP_PASSES = List.of("PixelShuffleToDepthToSpace", "DepthToSpaceCrdToDcr");

    static Path testdata() {
        Path p = Path.of(System.getProperty("isptool.root", "..")).resolve("testdata");
        assertTrue(Files.isDirectory(p), "testdata at " + p);
        return p;
    }

    private static final List<String> PIXEL_SHUFFLE_MODELS = List.of("syenet_isp", "ecbsr", "mai_isp", "csanet_like",
            "syenet_sr", "syenet_sr4");

    /** Every export in testdata/: the PixelShuffle models must be rewritten, the others left as they were. */
    static Stream<String> testdataModels() throws IOException {
        try (Stream<Path> files = Files.list(testdata())) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".onnx")).sorted().toList()
                    .stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("testdataModels")
    void depthToSpaceBecomesDcrAndOutputMatchesPyTorch(String file) {
        String model = file.substring(0, file.indexOf('.'));
        Graph g = OnnxImporter.load(testdata().resolve(file));
        PassReport report = new PassReport();
        Pipelines.reparam().run(g, report);
        Pipelines.tflitePrep().run(g, report);

        assertEquals(List.of(), prepRefusals(report), file);
        boolean shuffles = PIXEL_SHUFFLE_MODELS.contains(model);
        assertEquals(shuffles ? 1 : 0, g.count("DepthToSpace"), file);
        assertEquals(shuffles ? 1 : 0, report.appliedCounts().getOrDefault("DepthToSpaceCrdToDcr", 0), file);
        assertAllDcr(g, file);
        if (shuffles) {
            assertEquals(0, g.count("Transpose"), file + ": " + g.opHistogram());
        }

        Tensor x = Npy.read(testdata().resolve(model + ".input.npy"));
        Tensor expected = Npy.read(testdata().resolve(model + ".output.npy"));
        String in = g.inputs().get(0).name();
        String out = g.outputs().get(0).name();
        Map<String, Tensor> got = OrtRunner.runOnce(g, Map.of(in, x), OrtRunner.Options.REFERENCE);
        Comparison c = Comparison.of(out, expected, got.get(out));
        assertTrue(c.withinRelative(TOLERANCE), () -> file + ": " + c);
    }

    /** PyTorch's own pixel_shuffle export at opset 9 (ONNX backend test data): the 6-D form, r = 3, C = 1. */
    @Test
    void pytorchOpset9PixelShuffleBecomesDepthToSpace() {
        Path dir = ConformanceData.root().resolve("pytorch-converted").resolve("test_PixelShuffle");
        Graph g = OnnxImporter.load(dir.resolve("model.onnx"));
        assertEquals(1, g.count("Transpose"), "the test model is the 6-D form");
        PassReport report = new PassReport();
        Pipelines.reparam().run(g, report);
        Pipelines.tflitePrep().run(g, report);

        assertEquals(List.of(), prepRefusals(report));
        assertEquals(Map.of("DepthToSpace", 1), g.opHistogram());
        assertEquals(3, only(g, "DepthToSpace").getInt("blocksize", 0));
        assertAllDcr(g, "test_PixelShuffle");

        Tensor x = TensorFiles.readTensorProto(dir.resolve("test_data_set_0").resolve("input_0.pb"));
        Tensor expected = TensorFiles.readTensorProto(dir.resolve("test_data_set_0").resolve("output_0.pb"));
        String out = g.outputs().get(0).name();
        Map<String, Tensor> got = OrtRunner.runOnce(g, Map.of(g.inputs().get(0).name(), x),
                OrtRunner.Options.REFERENCE);
        assertTrue(Comparison.of(out, expected, got.get(out)).isExact());
    }

    private static List<PassReport.Entry> prepRefusals(PassReport report) {
        return report.refused().stream().filter(e -> PREP_PASSES.contains(e.pass())).toList();
    }

    private static void assertAllDcr(Graph g, String what) {
        for (Node n : g.nodes()) {
            if (n.is("DepthToSpace")) {
                assertEquals("DCR", n.getString("mode", "DCR"), what + ": " + n);
            }
        }
    }

    private static Node only(Graph g, String op) {
        List<Node> ns = g.nodes().stream().filter(n -> n.is(op)).toList();
        assertEquals(1, ns.size(), op);
        return ns.get(0);
    }
}
