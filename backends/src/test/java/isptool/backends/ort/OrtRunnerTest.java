package isptool.backends.ort;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import isptool.graph.DType;
import isptool.graph.Graph;
import isptool.graph.ModelException;
import isptool.graph.Shape;
import isptool.graph.Tensor;
import isptool.graph.Value;
import isptool.graph.io.Npy;
import isptool.graph.io.OnnxExporter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** OrtRunner on small graphs built in the test: types, errors, intermediate values, large models. */
class OrtRunnerTest {
    @TempDir
    Path tmp;

    /** y = Identity(x) for one element type and shape. */
    private static Graph identity(DType t, long... shape) {
        Graph g = new Graph();
        g.setSource("identity.onnx");
        g.opsets().put("", 17L);
        Value x = g.valueNamed("x");
        x.setType(t, Shape.of(shape));
        g.addInput(x);
        Value y = g.valueNamed("y");
        y.setType(t, Shape.of(shape));
        g.addNode("Identity", "id", List.of(x), List.of(y));
        g.addOutput(y);
        return g;
    }

    /** a = x * 2, b = a + 1 (output): "a" is an intermediate value. */
    private static Graph mulAdd() {
        Graph g = new Graph();
        g.setSource("muladd.onnx");
        g.opsets().put("", 17L);
        Value x = g.valueNamed("x");
        x.setType(DType.FLOAT, Shape.withSymbols(new long[] {-1, 3}, new String[] {"batch", null}));
        g.addInput(x);
        Value two = g.addConstant("two", Tensor.scalar(2));
        Value one = g.addConstant("one", Tensor.scalar(1));
        Value a = g.valueNamed("a");
        g.addNode("Mul", "mul", List.of(x, two), List.of(a));
        Value b = g.valueNamed("b");
        b.setType(DType.FLOAT, null);
        g.addNode("Add", "add", List.of(a, one), List.of(b));
        g.addOutput(b);
        return g;
    }

    @Test
    void passesEveryElementTypeThroughUnchanged() {
        double[] values = {0, 1, 0, 5, 1, 7};
        for (DType t : new DType[] {DType.FLOAT, DType.FLOAT16, DType.DOUBLE, DType.INT64, DType.INT32, DType.INT16,
                DType.INT8, DType.UINT8, DType.BOOL}) {
            Tensor in = Tensor.of(t, new long[] {2, 3}, values);
            Tensor out = OrtRunner.runOnce(identity(t, 2, 3), Map.of("x", in), OrtRunner.Options.REFERENCE).get("y");
            assertEquals(t, out.dtype(), t.toString());
            assertArrayEquals(new long[] {2, 3}, out.shape());
            assertEquals(in.rawData(), out.rawData(), t.toString());
        }
    }

    @Test
    void passesScalars() {
        Tensor out = OrtRunner.runOnce(identity(DType.FLOAT), Map.of("x", Tensor.scalar(2.5f)),
                OrtRunner.Options.REFERENCE).get("y");
        assertEquals(0, out.rank());
        assertEquals(2.5f, out.toFloats()[0]);
    }

    @Test
    void feedsMemoryMappedTensorsFromFiles() throws Exception {
        float[] v = new float[1 << 19];
        for (int i = 0; i < v.length; i++) {
            v[i] = i;
        }
        Path npy = tmp.resolve("big.npy");
        Npy.write(npy, Tensor.ofFloats(new long[] {1, 512, 1024}, v));
        Tensor mapped = Npy.read(npy);
        assertTrue(mapped.rawData().isDirect(), "a 2 MiB .npy is memory-mapped");
        Tensor out = OrtRunner.runOnce(identity(DType.FLOAT, 1, 512, 1024), Map.of("x", mapped),
                OrtRunner.Options.REFERENCE).get("y");
        assertArrayEquals(v, out.toFloats());
    }

    @Test
    void runsAModelFileAndKeepsOutputOrder() throws Exception {
        Path file = tmp.resolve("muladd.onnx");
        OnnxExporter.write(mulAdd(), file);
        try (OrtRunner r = OrtRunner.open(file)) {
            assertEquals(List.of("x"), r.inputNames());
            assertEquals(List.of("b"), r.outputNames());
            Tensor b = r.run(Map.of("x", Tensor.ofFloats(new long[] {2, 3}, new float[] {0, 1, 2, 3, 4, 5}))).get("b");
            assertArrayEquals(new float[] {1, 3, 5, 7, 9, 11}, b.toFloats());
        }
    }

    @Test
    void reportsShapeMismatchWithInputNameAndBothShapes() {
        Graph g = identity(DType.FLOAT, 1, 3, 4, 4);
        ModelException e = assertThrows(ModelException.class, () -> OrtRunner.runOnce(g,
                Map.of("x", Tensor.ofFloats(new long[] {1, 3, 5, 5}, new float[75])), OrtRunner.Options.REFERENCE));
        assertEquals("identity.onnx: input \"x\" expects float32[1,3,4,4] but was given float32[1,3,5,5]; give a tensor"
                + " of the model's input type and shape", e.getMessage());
    }

    @Test
    void reportsSymbolicDimsAndWrongTypes() {
        ModelException e = assertThrows(ModelException.class, () -> OrtRunner.runOnce(mulAdd(),
                Map.of("x", Tensor.ofLongs(new long[] {2, 3}, new long[6])), OrtRunner.Options.REFERENCE));
        assertTrue(e.getMessage().contains("input \"x\" expects float32[batch,3] but was given int64[2,3]"),
                e.getMessage());
        e = assertThrows(ModelException.class, () -> OrtRunner.runOnce(mulAdd(),
                Map.of("x", Tensor.ofFloats(new long[] {2, 4}, new float[8])), OrtRunner.Options.REFERENCE));
        assertTrue(e.getMessage().contains("expects float32[batch,3] but was given float32[2,4]"), e.getMessage());
    }

    @Test
    void reportsMissingAndUnknownInputs() {
        ModelException e = assertThrows(ModelException.class,
                () -> OrtRunner.runOnce(mulAdd(), Map.of(), OrtRunner.Options.REFERENCE));
        assertTrue(e.getMessage().startsWith("muladd.onnx: no tensor given for input \"x\" float32[batch,3]"),
                e.getMessage());
        e = assertThrows(ModelException.class, () -> OrtRunner.runOnce(mulAdd(),
                Map.of("image", Tensor.scalar(1)), OrtRunner.Options.REFERENCE));
        assertTrue(e.getMessage().contains("has no input \"image\"; its inputs are x"), e.getMessage());
    }

    @Test
    void reportsOpsOnnxruntimeDoesNotKnow() {
        Graph g = identity(DType.FLOAT, 2);
        Value z = g.valueNamed("z");
        g.addNode("FancyBlur", "blur1", List.of(g.value("y")), List.of(z));
        g.addOutput(z);
        ModelException e = assertThrows(ModelException.class, () -> OrtRunner.open(g).close());
        assertEquals("identity.onnx: node \"blur1\" (FancyBlur): there is no op FancyBlur in ONNX opset 17; replace it"
                + " with standard ONNX ops (or fix the op name) and re-export", e.getMessage());
    }

    @Test
    void reportsFailuresWhileRunningOnOneLine() {
        Graph g = mulAdd();
        Value c = g.valueNamed("c");
        g.addNode("Reshape", "to_2x2", List.of(g.value("b"),
                g.addConstant("shape", Tensor.ofLongs(new long[] {2}, new long[] {2, 2}))), List.of(c));
        g.addOutput(c);
        ModelException e = assertThrows(ModelException.class, () -> OrtRunner.runOnce(g,
                Map.of("x", Tensor.ofFloats(new long[] {1, 3}, new float[3])), OrtRunner.Options.REFERENCE));
        assertTrue(e.getMessage().startsWith("muladd.onnx: node \"to_2x2\" (Reshape) failed in onnxruntime: The input"
                + " tensor cannot be reshaped"), e.getMessage());
        assertFalse(e.getMessage().contains("\n") || e.getMessage().contains("onnxruntime_src"), e.getMessage());
    }

    @Test
    void reportsOldOpVersionsWithoutKernels() {
        Graph g = mulAdd();
        g.opsets().put("", 6L);
        ModelException e = assertThrows(ModelException.class, () -> OrtRunner.open(g).close());
        assertTrue(e.getMessage().contains("from opset 6): onnxruntime's CPU provider has no kernel for this op"
                + " version; re-export the model with a newer opset"), e.getMessage());
    }

    @Test
    void capturesIntermediateValues() {
        Graph g = mulAdd();
        Tensor x = Tensor.ofFloats(new long[] {1, 3}, new float[] {1, 2, 3});
        Map<String, Tensor> got = OrtRunner.runCapturing(g, Map.of("x", x), List.of("a", "b", "x", "two"),
                OrtRunner.Options.REFERENCE);
        assertEquals(List.of("a", "b", "x", "two"), List.copyOf(got.keySet()));
        assertArrayEquals(new float[] {2, 4, 6}, got.get("a").toFloats());
        assertArrayEquals(new float[] {3, 5, 7}, got.get("b").toFloats());
        assertSame(x, got.get("x"));
        assertEquals(2f, got.get("two").toFloats()[0]);
        assertEquals(List.of("b"), g.outputs().stream().map(Value::name).toList(), "the IR is unchanged");

        g.value("a").setType(DType.FLOAT, Shape.of(1, 3)); // now exported with value_info as well
        Tensor a = OrtRunner.runCapturing(g, Map.of("x", x), List.of("a"), OrtRunner.Options.REFERENCE).get("a");
        assertArrayEquals(new float[] {2, 4, 6}, a.toFloats());

        ModelException e = assertThrows(ModelException.class, () -> OrtRunner.runCapturing(g, Map.of("x", x),
                List.of("conv7"), OrtRunner.Options.REFERENCE));
        assertTrue(e.getMessage().startsWith("muladd.onnx: the model has no value named \"conv7\""), e.getMessage());
    }

    @Test
    void runsLargeGraphsThroughATemporaryFile() {
        int n = 17 << 20; // 68 MiB of weights: above the in-memory limit
        Graph g = new Graph();
        g.setSource("large.onnx");
        g.opsets().put("", 17L);
        Value x = g.valueNamed("x");
        x.setType(DType.FLOAT, Shape.of(n));
        g.addInput(x);
        float[] w = new float[n];
        w[n - 1] = 3;
        Value y = g.valueNamed("y");
        g.addNode("Add", "add", List.of(x, g.addConstant("w", Tensor.ofFloats(new long[] {n}, w))), List.of(y));
        g.addOutput(y);
        float[] in = new float[n];
        in[n - 1] = 1;
        float[] out = OrtRunner.runOnce(g, Map.of("x", Tensor.ofFloats(new long[] {n}, in)),
                OrtRunner.Options.REFERENCE).get("y").toFloats();
        assertEquals(4f, out[n - 1]);
        assertEquals(0f, out[0]);
    }

    @Test
    void optimizationLevelsAllRun() {
        Map<String, Tensor> in = new LinkedHashMap<>();
        in.put("x", Tensor.ofFloats(new long[] {1, 3}, new float[] {1, 2, 3}));
        for (OrtRunner.Optimization o : OrtRunner.Optimization.values()) {
            Tensor b = OrtRunner.runOnce(mulAdd(), in, new OrtRunner.Options(o, 1)).get("b");
            assertArrayEquals(new float[] {3, 5, 7}, b.toFloats(), o.toString());
        }
    }
}
