package isptool.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import isptool.backends.ort.OrtRunner;
import isptool.backends.verify.Comparison;
import isptool.graph.Graph;
import isptool.graph.Node;
import isptool.graph.Tensor;
import isptool.graph.Value;
import isptool.graph.io.Npy;
import isptool.graph.io.OnnxImporter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every model under testdata/ (exported from PyTorch by scripts/export_testdata.py), through
 * {@code isptool reparam}: the folded model must match PyTorch's reference output in onnxruntime
 * to 1e-5 relative and have exactly the ideal deploy number of convolutions.
 */
class ReparamTestdataTest {
    @TempDir
    Path tmp;

    static Stream<Arguments> exports() throws Exception {
        JsonNode manifest = new ObjectMapper().readTree(TestFiles.testdata("models.json").toFile());
        List<Arguments> r = new ArrayList<>();
        for (JsonNode model : manifest) {
            for (JsonNode file : model.get("onnx")) {
                r.add(Arguments.of(file.asText(), model));
            }
        }
        return r.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("exports")
    void foldsToDeployFormAndMatchesPyTorch(String file, JsonNode model) throws Exception {
        Path in = TestFiles.testdata(file);
        Path input = TestFiles.testdata(model.get("input").asText());
        Path out = tmp.resolve(file.replace(".onnx", ".reparam.onnx"));
        TestFiles.Run run = TestFiles.isptool("reparam", in.toString(), "-o", out.toString(),
                "--verify-input", input.toString());
        assertEquals(0, run.status(), () -> run.out() + run.err());

        Graph g = OnnxImporter.load(out);
        assertEquals(model.get("deploy_convs").asInt(), g.count("Conv"), () -> "Conv count of " + file + "\n" + run.out());

        Tensor x = Npy.read(input);
        Tensor expected = Npy.read(TestFiles.testdata(model.get("output").asText()));
        Map<String, Tensor> got = OrtRunner.runOnce(out, Map.of(g.inputs().get(0).name(), x), OrtRunner.Options.REFERENCE);
        Comparison c = Comparison.of(g.outputs().get(0).name(), expected, got.get(g.outputs().get(0).name()));
        assertTrue(c.withinRelative(1e-5), () -> file + ": " + c);

        if (model.has("expect_refused") && model.get("expect_refused").size() > 0) {
            assertTrue(run.out().contains("folds refused"), run.out());
            assertTrue(run.out().contains("zero-pads its output"), run.out());
        } else {
            assertFalse(run.out().contains("folds refused"), run.out());
        }
        if (model.get("name").asText().equals("syenet_isp")) {
            assertEquals(0, g.count("Concat"), "no Concat left in the ISP net");
            for (Node n : g.nodes()) {
                if (n.is("Mul")) {
                    for (Value v : n.inputs()) {
                        assertFalse(v.isConstant(), "constant scale multiplication left: " + n);
                    }
                }
            }
        }
    }
}
