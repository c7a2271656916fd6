package isptool.backends.tflite.lower;

import static org.junit.jupiter.api.Assertions.assertTrue;

import isptool.backends.ConformanceData;
import isptool.backends.layout.LayoutPlan;
import isptool.backends.ort.Inputs;
import isptool.backends.ort.OrtRunner;
import isptool.backends.tflite.TfliteRunner;
import isptool.backends.verify.Comparison;
import isptool.graph.DType;
import isptool.graph.Graph;
import isptool.graph.Node;
import isptool.graph.Tensor;
import isptool.graph.Value;
import isptool.graph.io.OnnxImporter;
import isptool.graph.io.TensorFiles;
import isptool.graph.shapes.ShapeInference;
import isptool.passes.PassReport;
import isptool.passes.cleanup.UpgradeOpset;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * ONNX's PyTorch-exported conformance models for the math ops, loaded as convert loads them
 * (import, opset upgrade, shape inference, NHWC plan), lowered, run in the TFLite interpreter (with
 * and without XNNPACK) on test_data_set_0 and compared with its stored outputs: 1e-5 relative.
 */
class MathConformanceTest {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"test_ELU", "test_SELU", "test_operator_selu", "test_Softplus", "test_Softsign",
            "test_Softmax", "test_Softmin", "test_LogSoftmax", "test_log_softmax_dim3", "test_log_softmax_lastdim",
            "test_softmax_functional_dim3", "test_softmax_lastdim", "test_operator_clip", "test_operator_exp",
            "test_operator_max", "test_operator_min", "test_operator_basic", "test_operator_params",
            "test_operator_symbolic_override", "test_operator_symbolic_override_nested", "test_BatchNorm2d_eval",
            "test_BatchNorm2d_momentum_eval", "test_BatchNorm1d_3d_input_eval", "test_PoissonNLLLLoss_no_reduce"})
    void lowersAndMatchesStoredOutputs(String name) throws IOException {
        check(name, false);
    }

    /**
     * The add-broadcast models are float64, which convert does not write, and their stored data lies
     * outside float32's range (up to 6e199): retyped to float32 here and compared with onnxruntime on
     * random inputs instead, which checks the broadcasts.
     */
    @ParameterizedTest
    @ValueSource(strings = {"test_operator_add_broadcast", "test_operator_add_size1_broadcast",
            "test_operator_add_size1_right_broadcast", "test_operator_add_size1_singleton_broadcast"})
    void float64BroadcastsMatchAsFloat32(String name) throws IOException {
        check(name, true);
    }

    private void check(String name, boolean asFloat32) throws IOException {
        Path dir = modelDir(name);
        Graph g = OnnxImporter.load(dir.resolve("model.onnx"));
        new UpgradeOpset().run(g, new PassReport());
        if (asFloat32) {
            for (Value v : g.inputs()) {
                v.setType(DType.FLOAT, v.shape());
            }
            for (Node n : g.nodes()) {
                n.outputs().forEach(v -> v.setType(DType.FLOAT, v.shape()));
            }
        }
        ShapeInference.run(g);
        Path file = tmp.resolve(name + ".tflite");
        OnnxToTflite.lower(g, LayoutPlan.of(g, true)).write(file);
        Map<String, Tensor> in = new LinkedHashMap<>();
        Map<String, Tensor> want = new LinkedHashMap<>();
        if (asFloat32) {
            in.putAll(Inputs.random(g, 3));
            want.putAll(OrtRunner.runOnce(g, in, OrtRunner.Options.REFERENCE));
        } else {
            for (int i = 0; i < g.inputs().size(); i++) {
                in.put(g.inputs().get(i).name(), StoredTensors.toNhwc(data(dir, "input_" + i)));
            }
            for (int i = 0; i < g.outputs().size(); i++) {
                want.put(g.outputs().get(i).name(), data(dir, "output_" + i));
            }
        }
        for (boolean xnnpack : new boolean[] {true, false}) {
            Map<String, Tensor> got;
            try (TfliteRunner r = TfliteRunner.open(file, TfliteRunner.Options.DEFAULT.withXnnpack(xnnpack))) {
                got = r.run(in);
            }
            for (Map.Entry<String, Tensor> w : want.entrySet()) {
                Comparison c = Comparison.of(name, w.getValue(), StoredTensors.toNchw(got.get(w.getKey())));
                assertTrue(c.withinRelative(1e-5), "xnnpack " + xnnpack + ": " + c);
            }
        }
    }

    private static Tensor data(Path dir, String name) {
        return TensorFiles.readTensorProto(dir.resolve("test_data_set_0").resolve(name + ".pb"));
    }

    private static Path modelDir(String name) {
        for (String suite : new String[] {"pytorch-converted", "pytorch-operator"}) {
            Path p = ConformanceData.root().resolve(suite).resolve(name);
            if (Files.isDirectory(p)) {
                return p;
            }
        }
        throw new IllegalStateException(name + " is not in the ONNX conformance data");
    }
}
