package isptool.backends.ort;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import isptool.backends.ConformanceData;
import isptool.backends.verify.Comparison;
import isptool.graph.Graph;
import isptool.graph.ModelException;
import isptool.graph.Tensor;
import isptool.graph.Value;
import isptool.graph.io.OnnxExporter;
import isptool.graph.io.OnnxImporter;
import isptool.graph.io.TensorFiles;
import isptool.passes.PassReport;
import isptool.passes.Pipelines;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The ONNX backend conformance models exported from PyTorch (pytorch-converted, pytorch-operator):
 * each is imported into the IR and exported again; the original file and the exported bytes run in
 * onnxruntime on test_data_set_0's inputs must give bitwise identical outputs, and both must match
 * the stored PyTorch outputs within 1e-5 of the output range.
 *
 * <p>Some of these models were exported at opset 1..6 with ops whose old versions onnxruntime no
 * longer implements (Add-6 with its broadcast attribute, Gemm-6, AveragePool-1, ...). For those,
 * the exported model must be rejected by onnxruntime in the same way (the round trip is faithful),
 * and the model run through the cleanup pipeline, whose UpgradeOpset takes it to opset 7, must run
 * and match the stored outputs within the same tolerance; any other error fails.
 */
class OnnxConformanceTest {
    private static final double TOLERANCE = 1e-5;
    private static final Pattern NO_KERNEL = Pattern.compile(
            "\\((\\w+ from opset \\d+)\\): onnxruntime's CPU provider has no kernel");

    @ParameterizedTest(name = "{0}")
    @MethodSource("pytorchConvertedModels")
    void pytorchConverted(String model) throws IOException {
        check(ConformanceData.root().resolve(model));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pytorchOperatorModels")
    void pytorchOperator(String model) throws IOException {
        check(ConformanceData.root().resolve(model));
    }

    static List<String> pytorchConvertedModels() throws IOException {
        return testDirs("pytorch-converted");
    }

    static List<String> pytorchOperatorModels() throws IOException {
        return testDirs("pytorch-operator");
    }

    /** The test folders of a suite, as "suite/test_name". */
    private static List<String> testDirs(String suite) throws IOException {
        Path dir = ConformanceData.root().resolve(suite);
        List<String> models = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.filter(p -> Files.isRegularFile(p.resolve("model.onnx"))).sorted()
                    .forEach(p -> models.add(suite + "/" + p.getFileName()));
        }
        assertTrue(models.size() > 10, "expected the conformance models in " + dir);
        return models;
    }

    private static void check(Path testDir) throws IOException {
        Path model = testDir.resolve("model.onnx");
        Graph g = OnnxImporter.load(model);
        byte[] exported = OnnxExporter.toBytes(g);
        Path data = testDir.resolve("test_data_set_0");
        Map<String, Tensor> inputs = byPosition(g.inputs(), data, "input");

        Map<String, Tensor> fromFile;
        try {
            fromFile = OrtRunner.runOnce(model, inputs, OrtRunner.Options.REFERENCE);
        } catch (ModelException e) {
            if (!NO_KERNEL.matcher(e.getMessage()).find()) {
                throw e;
            }
            assertExportRejectedAlike(e, exported, inputs);
            checkUpgraded(model, inputs, byPosition(g.outputs(), data, "output"));
            return;
        }
        Map<String, Tensor> fromExport;
        try (OrtRunner r = OrtRunner.open(exported, "exported " + model, OrtRunner.Options.REFERENCE)) {
            fromExport = r.run(inputs);
        }

        assertEquals(fromFile.keySet(), fromExport.keySet(), "output names after the round trip");
        for (String name : fromFile.keySet()) {
            Tensor a = fromFile.get(name);
            Tensor b = fromExport.get(name);
            assertEquals(a.dtype(), b.dtype(), name);
            assertArrayEquals(a.shape(), b.shape(), name);
            assertTrue(a.rawData().equals(b.rawData()),
                    () -> "differs after import/export: " + Comparison.of(name, a, b));
        }

        Map<String, Tensor> expected = byPosition(g.outputs(), data, "output");
        for (Map.Entry<String, Tensor> e : expected.entrySet()) {
            Tensor got = fromFile.get(e.getKey());
            assertArrayEquals(e.getValue().shape(), got.shape(), "shape of output \"" + e.getKey() + "\"");
            Comparison c = Comparison.of(e.getKey(), e.getValue(), got);
            assertTrue(c.withinRelative(TOLERANCE), model + ": " + c);
        }
    }

    /** input_0.pb, input_1.pb, ... belong to the graph inputs (outputs) in order. */
    private static Map<String, Tensor> byPosition(List<Value> values, Path data, String prefix) {
        Map<String, Tensor> r = new LinkedHashMap<>();
        for (int i = 0; i < values.size(); i++) {
            Path pb = data.resolve(prefix + "_" + i + ".pb");
            r.put(values.get(i).name(), TensorFiles.readTensorProto(pb));
        }
        assertTrue(Files.notExists(data.resolve(prefix + "_" + values.size() + ".pb")),
                "more " + prefix + " files than graph " + prefix + "s in " + data);
        return r;
    }

    /**
     * Checks that onnxruntime refuses the exported model for the same op version as the original,
     * so the import/export round trip is faithful even where the model cannot run as it is.
     */
    private static void assertExportRejectedAlike(ModelException original, byte[] exported,
            Map<String, Tensor> inputs) {
        Matcher m = NO_KERNEL.matcher(original.getMessage());
        assertTrue(m.find());
        try (OrtRunner r = OrtRunner.open(exported, "exported", OrtRunner.Options.REFERENCE)) {
            r.run(inputs);
            fail("onnxruntime runs the exported model but not the original: " + original.getMessage());
        } catch (ModelException e) {
            Matcher again = NO_KERNEL.matcher(e.getMessage());
            assertTrue(again.find() && again.group(1).equals(m.group(1)),
                    "the exported model fails differently: " + e.getMessage());
        }
    }

    /**
     * Runs the cleanup pipeline (UpgradeOpset first) on a model onnxruntime rejects for an old op
     * version; the upgraded model must run and match the stored outputs.
     */
    private static void checkUpgraded(Path model, Map<String, Tensor> inputs, Map<String, Tensor> expected) {
        Graph g = OnnxImporter.load(model);
        long from = g.opset();
        PassReport report = new PassReport();
        Pipelines.cleanup().run(g, report);
        assertEquals(List.of(), report.refused().stream().filter(r -> r.pass().equals("UpgradeOpset")).toList(),
                model + ": UpgradeOpset refused");
        assertEquals(7, g.opset(), model + ": opset after the cleanup pipeline (was " + from + ")");
        assertEquals(1, report.appliedCounts().getOrDefault("UpgradeOpset", 0), model + ": " + report.applied());
        Map<String, Tensor> got = OrtRunner.runOnce(g, inputs, OrtRunner.Options.REFERENCE);
        for (Map.Entry<String, Tensor> e : expected.entrySet()) {
            Tensor t = got.get(e.getKey());
            assertArrayEquals(e.getValue().shape(), t.shape(), "shape of upgraded output \"" + e.getKey() + "\"");
            Comparison c = Comparison.of(e.getKey(), e.getValue(), t);
            assertTrue(c.withinRelative(TOLERANCE), model + " upgraded to opset 7: " + c);
        }
    }
}
