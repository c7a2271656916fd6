package isptool.backends.tflite.lower;

import static org.junit.jupiter.api.Assertions.assertTrue;

import isptool.backends.layout.LayoutPlan;
import isptool.backends.tflite.TfliteRunner;
import isptool.backends.verify.Comparison;
import isptool.graph.Graph;
import isptool.graph.Tensor;
import isptool.graph.io.OnnxImporter;
import isptool.graph.io.TensorFiles;
import isptool.graph.shapes.ShapeInference;
import isptool.passes.PassReport;
import isptool.passes.Pipelines;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * ONNX's PyTorch-exported conformance models that slice, pad, split, reduce, tile, reshape, permute,
 * transpose-convolve and pool: cleaned up and prepared as convert does, lowered with the NHWC plan,
 * run in the TFLite interpreter and compared with the outputs stored next to them.
 */
class ConformanceLoweringTest {
    @TempDir
    Path tmp;

    static Path conformance() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.isDirectory(p.resolve("testdata"))) {
            p = p.getParent();
        }
        assertTrue(p != null, "no repository root above the working directory");
        Path c = p.resolve("../shared/conformance/onnx-backend").normalize();
        assertTrue(Files.isDirectory(c), "conformance data missing at " + c);
        return c;
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"pytorch-converted/test_ConstantPad2d", "pytorch-converted/test_ReflectionPad2d",
        "pytorch-converted/test_ReplicationPad2d", "pytorch-converted/test_ZeroPad2d", "pytorch-operator/test_operator_pad",
        "pytorch-converted/test_GLU", "pytorch-converted/test_GLU_dim", "pytorch-operator/test_operator_chunk",
        "pytorch-operator/test_operator_index", "pytorch-operator/test_operator_reduced_mean",
        "pytorch-operator/test_operator_reduced_mean_keepdim", "pytorch-operator/test_operator_reduced_sum",
        "pytorch-operator/test_operator_reduced_sum_keepdim", "pytorch-operator/test_operator_repeat",
        "pytorch-operator/test_operator_repeat_dim_overflow", "pytorch-operator/test_operator_flatten",
        "pytorch-operator/test_operator_view", "pytorch-operator/test_operator_permute2",
        "pytorch-converted/test_PixelShuffle", "pytorch-converted/test_ConvTranspose2d",
        "pytorch-converted/test_ConvTranspose2d_no_bias", "pytorch-operator/test_operator_convtranspose",
        "pytorch-converted/test_Linear_no_bias", "pytorch-converted/test_MaxPool2d",
        "pytorch-converted/test_MaxPool2d_stride_padding_dilation", "pytorch-operator/test_operator_concat2"})
    void lowersAndMatchesTheStoredOutput(String test) throws IOException {
        Path dir = conformance().resolve(test);
        Graph g = OnnxImporter.load(dir.resolve("model.onnx"));
        Pipelines.cleanup().run(g, new PassReport());
        Pipelines.tflitePrep().run(g, new PassReport());
        ShapeInference.run(g);
        Path file = tmp.resolve("m.tflite");
        OnnxToTflite.lower(g, LayoutPlan.of(g, true)).write(file);
        Path data = dir.resolve("test_data_set_0");
        Map<String, Tensor> feed = new LinkedHashMap<>();
        for (int i = 0; i < g.inputs().size(); i++) {
            feed.put(g.inputs().get(i).name(), StoredTensors.toNhwc(TensorFiles.read(data.resolve("input_" + i + ".pb"))));
        }
        Map<String, Tensor> got;
        try (TfliteRunner r = TfliteRunner.open(file, TfliteRunner.Options.DEFAULT)) {
            got = r.run(feed);
        }
        for (int i = 0; i < g.outputs().size(); i++) {
            String name = g.outputs().get(i).name();
            Comparison c = Comparison.of(name, TensorFiles.read(data.resolve("output_" + i + ".pb")),
                    StoredTensors.toNchw(got.get(name)));
            assertTrue(c.withinRelative(1e-5), test + ": " + c);
        }
    }
}
