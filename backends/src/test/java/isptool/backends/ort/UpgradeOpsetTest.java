package isptool.backends.ort;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import isptool.backends.ConformanceData;
import isptool.backends.verify.Comparison;
import isptool.graph.DType;
import isptool.graph.Graph;
import isptool.graph.Node;
import isptool.graph.Shape;
import isptool.graph.Tensor;
import isptool.graph.Value;
import isptool.graph.io.OnnxExporter;
import isptool.graph.io.OnnxImporter;
import isptool.graph.io.TensorFiles;
import isptool.passes.PassReport;
import isptool.passes.cleanup.UpgradeOpset;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * UpgradeOpset on real and hand-built old graphs: every ONNX conformance model below opset 7 is
 * upgraded alone (also those onnxruntime still runs as they are) and must match its stored
 * outputs in onnxruntime; hand-built graphs cover the rewrites those models do not need (a
 * broadcast axis on a computed operand, Reshape-1, Concat-1, Tile-1, Pad-1, Cast-1, Selu-1,
 * Upsample-1) against values computed here from the old operator definitions; refusals and modern
 * graphs leave the graph exactly as it was.
 */
class UpgradeOpsetTest {
    private static final double TOLERANCE = 1e-5;
    /** Attributes that no op has at opset 7 in these positions: none may survive the upgrade. */
    private static final Set<String> LEGACY_ATTRS = Set.of("consumed_inputs", "broadcast", "is_test", "paddings",
            "output_sequence", "height_scale", "width_scale");

    static List<String> oldConformanceModels() throws IOException {
        List<String> r = new ArrayList<>();
        for (String suite : List.of("pytorch-converted", "pytorch-operator")) {
            try (Stream<Path> s = Files.list(ConformanceData.root().resolve(suite))) {
                s.filter(p -> Files.isRegularFile(p.resolve("model.onnx"))).sorted()
                        .filter(p -> OnnxImporter.load(p.resolve("model.onnx")).opset() < 7)
                        .forEach(p -> r.add(suite + "/" + p.getFileName()));
            }
        }
        assertTrue(r.size() > 100, "expected the opset-6 conformance models, found " + r.size());
        return r;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("oldConformanceModels")
    void upgradedConformanceModelMatchesStoredOutputs(String model) {
        Path dir = ConformanceData.root().resolve(model);
        Graph g = OnnxImporter.load(dir.resolve("model.onnx"));
        PassReport report = new PassReport();

        assertTrue(new UpgradeOpset().run(g, report), model + ": " + report.refused());
        assertEquals(List.of(), report.refused());
        assertEquals(1, report.applied().size(), report.applied().toString());
        assertEquals(7, g.opset());
        for (Node n : g.nodes()) {
            for (String a : n.attrs().keySet()) {
                assertFalse(LEGACY_ATTRS.contains(a), n + " still has " + a);
            }
        }
        assertFalse(new UpgradeOpset().run(g, report), "a second run changes nothing");

        Path data = dir.resolve("test_data_set_0");
        Map<String, Tensor> got = OrtRunner.runOnce(g, tensors(g.inputs(), data, "input"), OrtRunner.Options.REFERENCE);
        Map<String, Tensor> expected = tensors(g.outputs(), data, "output");
        for (Map.Entry<String, Tensor> e : expected.entrySet()) {
            assertMatches(model, e.getValue(), got.get(e.getKey()));
        }
    }

    static List<Path> modernModels() throws IOException {
        List<Path> r = new ArrayList<>();
        r.add(repositoryRoot().resolve("testdata").resolve("syenet_isp.onnx"));
        try (Stream<Path> s = Files.list(ConformanceData.root().resolve("light"))) {
            s.filter(p -> p.toString().endsWith(".onnx")).sorted().limit(2).forEach(r::add);
        }
        r.add(ConformanceData.root().resolve("pytorch-converted/test_PixelShuffle/model.onnx")); // opset 9
        return r;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("modernModels")
    void leavesGraphsAtOpset7OrLaterUntouched(Path model) {
        Graph g = OnnxImporter.load(model);
        assertTrue(g.opset() >= 7, model + " is opset " + g.opset());
        byte[] before = OnnxExporter.toBytes(g);
        PassReport report = new PassReport();

        assertFalse(new UpgradeOpset().run(g, report));
        assertEquals(List.of(), report.applied());
        assertEquals(List.of(), report.refused());
        assertArrayEquals(before, OnnxExporter.toBytes(g), "the graph changed");
    }

    /** Add-6 with axis=1 on a computed B: B [3,4] must be unsqueezed to [3,4,1] for numpy broadcasting. */
    @Test
    void broadcastAxisOnComputedOperandInsertsUnsqueeze() {
        Graph g = graph(6);
        Value a = input(g, "a", 2, 3, 4, 5);
        Value b = input(g, "b", 3, 4);
        Value y = node(g, "Add", a, b).set("broadcast", 1L).set("axis", 1L).output(0);
        Value c = g.addConstant("c", Tensor.ofFloats(new long[] {3}, new float[] {10, 20, 30}));
        Value z = node(g, "Mul", y, c).set("broadcast", 1L).set("axis", 1L).output(0);
        g.addOutput(z);
        Map<String, Tensor> in = inputs(g);
        float[] av = in.get("a").toFloats();
        float[] bv = in.get("b").toFloats();
        float[] want = new float[av.length];
        for (int i = 0; i < av.length; i++) {
            int j = i / 20 % 3;
            int k = i / 5 % 4;
            want[i] = (av[i] + bv[j * 4 + k]) * (10 * (j + 1));
        }

        upgradeAndCompare(g, in, z, Tensor.ofFloats(new long[] {2, 3, 4, 5}, want));
        assertEquals(1, g.count("Unsqueeze"));
    }

    /** PRelu-6 with a computed per-channel slope [C] on NCHW: unsqueezed to [C,1,1]. */
    @Test
    void perChannelPReluSlopeIsAlignedWithChannels() {
        Graph g = graph(6);
        Value x = input(g, "x", 2, 3, 2, 2);
        Value slope = input(g, "slope", 3);
        Value y = node(g, "PRelu", x, slope).output(0);
        g.addOutput(y);
        Map<String, Tensor> in = inputs(g);
        float[] xv = in.get("x").toFloats();
        float[] sv = in.get("slope").toFloats();
        float[] want = new float[xv.length];
        for (int i = 0; i < xv.length; i++) {
            want[i] = xv[i] < 0 ? sv[i / 4 % 3] * xv[i] : xv[i];
        }

        upgradeAndCompare(g, in, y, Tensor.ofFloats(new long[] {2, 3, 2, 2}, want));
    }

    /**
     * Opset 1: Concat-1 without axis (default 1), Reshape-1 with a shape attribute, Tile-1 with
     * (tiles, axis) inputs, Selu-1 with its own defaults, test-mode Dropout-1, Pad-1's paddings,
     * Cast-1 to a type name.
     */
    @Test
    void opset1AttributeFormsBecomeOpset7Forms() {
        Graph g = graph(1);
        Value a = input(g, "a", 2, 3);
        Value b = input(g, "b", 2, 3);
        Value cat = node(g, "Concat", a, b).output(0); // [2,6]
        Value r = node(g, "Reshape", cat).set("shape", new long[] {3, 4}).set("consumed_inputs", new long[] {0})
                .output(0);
        Value tiles = g.addConstant("tiles", Tensor.ofLongs(new long[0], new long[] {2}));
        Value axis = g.addConstant("axis", Tensor.ofLongs(new long[0], new long[] {0}));
        Value t = node(g, "Tile", r, tiles, axis).output(0); // [6,4]
        Value s = node(g, "Selu", t).set("consumed_inputs", new long[] {0}).output(0);
        Value dropped = node(g, "Dropout", s).set("is_test", 1L).set("ratio", 0.3f).output(0);
        Value p = node(g, "Pad", dropped).set("paddings", new long[] {1, 0, 0, 2}).set("value", 0.5f).output(0); // [7,6]
        Value d = node(g, "Cast", p).set("to", "DOUBLE").output(0);
        g.addOutput(d);
        Map<String, Tensor> in = inputs(g);
        float[] av = in.get("a").toFloats();
        float[] bv = in.get("b").toFloats();
        double[] flat = new double[12]; // concat on axis 1, row-major
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 6; j++) {
                flat[i * 6 + j] = j < 3 ? av[i * 3 + j] : bv[i * 3 + j - 3];
            }
        }
        double[] want = new double[7 * 6];
        Arrays.fill(want, 0.5);
        for (int i = 0; i < 6; i++) {
            for (int j = 0; j < 4; j++) {
                float v = (float) flat[(i % 3) * 4 + j];
                float selu = v > 0 ? 1.0507f * v : (float) (1.0507f * (1.6732f * Math.exp(v) - 1.6732f));
                want[(i + 1) * 6 + j] = selu;
            }
        }

        upgradeAndCompare(g, in, d, Tensor.of(DType.DOUBLE, new long[] {7, 6}, want));
        Node selu = s.producer();
        assertEquals(1.6732f, selu.getFloat("alpha", 0), "Selu-1's default alpha, not Selu-6's");
        assertEquals(1.0507f, selu.getFloat("gamma", 0), "Selu-1's default gamma, not Selu-6's");
    }

    /** Split-1 with its lengths as a second input becomes Split-2 with a split attribute. */
    @Test
    void split1LengthsInputBecomesAttribute() {
        Graph g = graph(1);
        Value x = input(g, "x", 2, 6);
        Value lengths = g.addConstant("lengths", Tensor.ofLongs(new long[] {2}, new long[] {2, 4}));
        Node split = node(g, "Split", 2, x, lengths).set("axis", 1L);
        Value y = node(g, "Concat", split.output(1), split.output(0)).set("axis", 1L).output(0);
        g.addOutput(y);
        Map<String, Tensor> in = inputs(g);
        float[] xv = in.get("x").toFloats();
        float[] want = new float[12];
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 6; j++) {
                want[i * 6 + j] = xv[i * 6 + (j < 4 ? j + 2 : j - 4)];
            }
        }

        upgradeAndCompare(g, in, y, Tensor.ofFloats(new long[] {2, 6}, want));
        assertEquals(1, split.inputs().size());
        assertArrayEquals(new long[] {2, 4}, split.getInts("split", null));
    }

    /** Upsample-1 (nearest, height_scale 2, width_scale 3) becomes Upsample-7 with scales [1,1,2,3]. */
    @Test
    void upsample1BecomesScales() {
        Graph g = graph(6);
        Value x = input(g, "x", 1, 2, 2, 2);
        Value y = node(g, "Upsample", x).set("height_scale", 2f).set("width_scale", 3f).output(0);
        g.addOutput(y);
        Map<String, Tensor> in = inputs(g);
        float[] xv = in.get("x").toFloats();
        float[] want = new float[2 * 4 * 6];
        for (int c = 0; c < 2; c++) {
            for (int h = 0; h < 4; h++) {
                for (int w = 0; w < 6; w++) {
                    want[(c * 4 + h) * 6 + w] = xv[(c * 2 + h / 2) * 2 + w / 3];
                }
            }
        }

        upgradeAndCompare(g, in, y, Tensor.ofFloats(new long[] {1, 2, 4, 6}, want));
    }

    /** BatchNormalization-6 in test mode listing unused training outputs: only Y is kept (test mode at 7). */
    @Test
    void testModeBatchNormKeepsOnlyY() {
        Graph g = graph(6);
        Value x = input(g, "x", 1, 2, 2, 2);
        Value scale = g.addConstant("scale", Tensor.ofFloats(new long[] {2}, new float[] {2, 3}));
        Value bias = g.addConstant("bias", Tensor.ofFloats(new long[] {2}, new float[] {0.5f, -1}));
        Value mean = g.addConstant("mean", Tensor.ofFloats(new long[] {2}, new float[] {0.1f, 0.2f}));
        Value var = g.addConstant("var", Tensor.ofFloats(new long[] {2}, new float[] {4, 0.25f}));
        Node bn = node(g, "BatchNormalization", 5, x, scale, bias, mean, var).set("is_test", 1L).set("epsilon", 0f);
        g.addOutput(bn.output(0));
        Map<String, Tensor> in = inputs(g);
        float[] xv = in.get("x").toFloats();
        float[] want = new float[8];
        for (int i = 0; i < 8; i++) {
            int c = i / 4;
            want[i] = c == 0 ? 2 * (xv[i] - 0.1f) / 2 + 0.5f : 3 * (xv[i] - 0.2f) / 0.5f - 1;
        }

        upgradeAndCompare(g, in, bn.output(0), Tensor.ofFloats(new long[] {1, 2, 2, 2}, want));
        Node upgraded = g.value(bn.output(0).name()).producer();
        assertEquals(1, upgraded.outputs().size());
        assertFalse(upgraded.has("is_test"));
    }

    /** A training-mode BatchNormalization and an unknown op: both reported, the graph is left as it was. */
    @Test
    void refusalLeavesTheWholeGraphUnchanged() {
        Graph g = graph(6);
        Value x = input(g, "x", 1, 2, 2, 2);
        Value c = g.addConstant("c", Tensor.ofFloats(new long[] {2}, new float[] {1, 2}));
        Value y = node(g, "Add", x, c).set("broadcast", 1L).set("axis", 1L).output(0);
        Value w = g.addConstant("w", Tensor.ofFloats(new long[] {2}, new float[] {1, 1}));
        Node bn = node(g, "BatchNormalization", 1, y, w, c, c, w);
        Node fancy = node(g, "FancyNorm", bn.output(0));
        g.addOutput(fancy.output(0));
        byte[] before = OnnxExporter.toBytes(g);
        PassReport report = new PassReport();

        assertFalse(new UpgradeOpset().run(g, report));

        assertEquals(List.of(), report.applied());
        assertEquals(2, report.refused().size(), report.refused().toString());
        PassReport.Entry first = report.refused().get(0);
        PassReport.Entry second = report.refused().get(1);
        assertEquals(bn.name(), first.node());
        assertTrue(first.what().startsWith("BatchNormalization-6 ") && first.what().contains("is_test=0"), first.what());
        assertEquals(fancy.name(), second.node());
        assertTrue(second.what().startsWith("FancyNorm ") && second.what().contains("not an ONNX op"), second.what());
        assertEquals(6, g.opset());
        assertArrayEquals(before, OnnxExporter.toBytes(g), "the graph changed although the upgrade was refused");
    }

    // ---- helpers ----

    private static void upgradeAndCompare(Graph g, Map<String, Tensor> in, Value out, Tensor want) {
        PassReport report = new PassReport();
        assertTrue(new UpgradeOpset().run(g, report), report.refused().toString());
        assertEquals(7, g.opset());
        Map<String, Tensor> got = OrtRunner.runOnce(g, in, OrtRunner.Options.REFERENCE);
        assertMatches(g.source() + " " + report.applied(), want, got.get(out.name()));
    }

    private static void assertMatches(String what, Tensor want, Tensor got) {
        assertArrayEquals(want.shape(), got.shape(), what + ": shape");
        assertEquals(want.dtype(), got.dtype(), what + ": dtype");
        Comparison c = Comparison.of("y", want, got);
        assertTrue(c.withinRelative(TOLERANCE), what + ": " + c);
    }

    private static Graph graph(long opset) {
        Graph g = new Graph();
        g.opsets().put("", opset);
        g.setIrVersion(3);
        g.setSource("old_opset" + opset + ".onnx");
        return g;
    }

    private static Value input(Graph g, String name, long... dims) {
        Value v = g.valueNamed(name);
        v.setType(DType.FLOAT, Shape.of(dims));
        g.addInput(v);
        return v;
    }

    private static Node node(Graph g, String op, Value... inputs) {
        return node(g, op, 1, inputs);
    }

    private static Node node(Graph g, String op, int outputs, Value... inputs) {
        List<Value> outs = new ArrayList<>();
        for (int i = 0; i < outputs; i++) {
            outs.add(g.newValue(op.toLowerCase() + "_out"));
        }
        return g.addNode(op, op.toLowerCase(), Arrays.asList(inputs), outs);
    }

    /** Inputs of both signs, deterministic. */
    private static Map<String, Tensor> inputs(Graph g) {
        Map<String, Tensor> r = new LinkedHashMap<>();
        int salt = 0;
        for (Value in : g.inputs()) {
            long[] dims = in.shape().dims();
            float[] v = new float[Math.toIntExact(in.shape().elementCount())];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) Math.sin(0.7 * i + 1.3 * ++salt) * 2;
            }
            r.put(in.name(), Tensor.ofFloats(dims, v));
        }
        return r;
    }

    /** input_0.pb, input_1.pb, ... belong to the graph inputs (outputs) in order. */
    private static Map<String, Tensor> tensors(List<Value> values, Path data, String prefix) {
        Map<String, Tensor> r = new LinkedHashMap<>();
        for (int i = 0; i < values.size(); i++) {
            r.put(values.get(i).name(), TensorFiles.readTensorProto(data.resolve(prefix + "_" + i + ".pb")));
        }
        return r;
    }

    private static Path repositoryRoot() {
        String prop = System.getProperty("isptool.root");
        Path p = prop != null ? Path.of(prop) : Path.of("").toAbsolutePath();
        while (p != null && !Files.isDirectory(p.resolve("testdata"))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException("no testdata/ above " + Path.of("").toAbsolutePath());
        }
        return p;
    }
}
