package isptool.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static java.util.Map.entry;

import isptool.backends.tflite.TfliteRunner;
import isptool.backends.tflite.lower.StoredTensors;
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
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * ONNX's own PyTorch-exported conformance models through {@code isptool convert}: each either
 * converts (verified against onnxruntime by the command) and the written TFLite model, run in the
 * TFLite interpreter on the stored input, reproduces the stored reference output within 1e-4
 * relative (these single-op models may need a TRANSPOSE: a Flatten of an NHWC input does); or it is one of the models convert does not support (1-D and 3-D convolutions and
 * pools, integer inputs, ...) and fails with exit 2 and one line naming the node and op.
 */
class ConvertConformanceTest {
    /** Tests convert refuses, with what the one-line message must mention. */
    static final Map<String, String> REFUSED = Map.ofEntries(
            entry("test_AvgPool3d", "only 2-D pooling"),
            entry("test_AvgPool3d_stride", "only 2-D pooling"),
            entry("test_AvgPool3d_stride1_pad0_gpu_input", "only 2-D pooling"),
            entry("test_Conv1d", "only 2-D convolutions"),
            entry("test_Conv1d_dilated", "only 2-D convolutions"),
            entry("test_Conv1d_groups", "only 2-D convolutions"),
            entry("test_Conv1d_pad1", "only 2-D convolutions"),
            entry("test_Conv1d_pad1size1", "only 2-D convolutions"),
            entry("test_Conv1d_pad2", "only 2-D convolutions"),
            entry("test_Conv1d_pad2size1", "only 2-D convolutions"),
            entry("test_Conv1d_stride", "only 2-D convolutions"),
            entry("test_Conv3d", "only 2-D convolutions"),
            entry("test_Conv3d_dilated", "only 2-D convolutions"),
            entry("test_Conv3d_dilated_strided", "only 2-D convolutions"),
            entry("test_Conv3d_groups", "only 2-D convolutions"),
            entry("test_Conv3d_no_bias", "only 2-D convolutions"),
            entry("test_Conv3d_stride", "only 2-D convolutions"),
            entry("test_Conv3d_stride_padding", "only 2-D convolutions"),
            entry("test_Embedding", "is INT64; convert writes float32 models only"),
            entry("test_Embedding_sparse", "is INT64; convert writes float32 models only"),
            entry("test_MaxPool1d", "only 2-D pooling"),
            entry("test_MaxPool1d_stride", "only 2-D pooling"),
            entry("test_MaxPool1d_stride_padding_dilation", "only 2-D pooling"),
            entry("test_MaxPool3d", "only 2-D pooling"),
            entry("test_MaxPool3d_stride", "only 2-D pooling"),
            entry("test_MaxPool3d_stride_padding", "only 2-D pooling"),
            entry("test_operator_add_broadcast", "is DOUBLE; convert writes float32 models only"),
            entry("test_operator_add_size1_broadcast", "is DOUBLE; convert writes float32 models only"),
            entry("test_operator_add_size1_right_broadcast", "is DOUBLE; convert writes float32 models only"),
            entry("test_operator_add_size1_singleton_broadcast", "is DOUBLE; convert writes float32 models only"),
            entry("test_operator_addconstant", "is DOUBLE; convert writes float32 models only"),
            entry("test_operator_maxpool", "only 2-D pooling"),
            entry("test_operator_non_float_params", "is INT64; convert writes float32 models only"));

    @TempDir
    Path tmp;

    @ParameterizedTest(name = "{0}")
    @MethodSource("isptool.cli.ConformanceReparamTest#backendTests")
    void convertReproducesTheReferenceOutput(String test) throws IOException {
        Path dir = ConformanceReparamTest.conformance().resolve(test);
        Path model = dir.resolve("model.onnx");
        Path out = tmp.resolve("out.tflite");
        Graph g = OnnxImporter.load(model);
        Path data = dir.resolve("test_data_set_0");
        List<String> args = new ArrayList<>(List.of("convert", model.toString(), "-o", out.toString()));
        Map<String, Tensor> inputs = ConformanceReparamTest.storedInputs(g, data, args);
        TestFiles.Run run = TestFiles.isptool(args.toArray(String[]::new));
        String name = Path.of(test).getFileName().toString();
        if (REFUSED.containsKey(name)) {
            assertEquals(Main.EXIT_BAD_INPUT, run.status(), () -> run.out() + run.err());
            assertEquals(1, run.err().strip().lines().count(), run.err());
            assertTrue(run.err().contains("model.onnx") && run.err().contains(REFUSED.get(name)), run.err());
            assertTrue(Files.notExists(out));
            return;
        }
        assertEquals(0, run.status(), () -> run.out() + run.err());

        Map<String, Tensor> feed = new LinkedHashMap<>();
        inputs.forEach((k, t) -> feed.put(k, StoredTensors.toNhwc(t)));
        Map<String, Tensor> got;
        try (TfliteRunner r = TfliteRunner.open(out)) {
            got = r.run(feed);
        }
        for (int i = 0; i < g.outputs().size(); i++) {
            String o = g.outputs().get(i).name();
            Tensor expected = TensorFiles.read(data.resolve("output_" + i + ".pb"));
            Comparison c = Comparison.of(o, expected, StoredTensors.toNchw(got.get(o)));
            assertTrue(c.withinRelative(1e-4), () -> test + ": " + c + "\n" + run.out());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("isptool.cli.ConformanceReparamTest#lightModels")
    void lightNetworksConvertAndVerify(String file) {
        Path model = ConformanceReparamTest.conformance().resolve("light").resolve(file);
        TestFiles.Run run = TestFiles.isptool("convert", model.toString(), "-o", tmp.resolve("out.tflite").toString());
        assertEquals(0, run.status(), () -> run.out() + run.err());
        assertTrue(run.out().contains("verify (random input, seed 0): ok"), run.out());
        assertTrue(run.out().contains("TRANSPOSE 0"), run.out());
    }
}
