package isptool.backends.reparam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import isptool.backends.ort.OrtRunner;
import isptool.backends.verify.Comparison;
import isptool.graph.DType;
import isptool.graph.Graph;
import isptool.graph.Node;
import isptool.graph.Tensor;
import isptool.graph.Value;
import isptool.graph.io.OnnxExporter;
import isptool.graph.shapes.ShapeInference;
import isptool.passes.PassReport;
import isptool.passes.Pipelines;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CRD DepthToSpace (pixel_shuffle) to TFLite's DCR by reordering the producing conv's output
 * channels: p[(i*b + j)*C + c] = c*b*b + i*b + j. Each graph runs in onnxruntime before and after
 * Pipelines.tflitePrep() and must agree to 1e-6 of the output range.
 */
class DepthToSpaceCrdToDcrTest {
    private static final String PASS = "DepthToSpaceCrdToDcr";
    static final double TOLERANCE = 1e-6;

    /** Runs tflitePrep on the graph and checks it against the original in onnxruntime. */
    static Folding tflitePrep(SmallGraph small) {
        Graph g = small.g;
        Map<String, Tensor> inputs = seededInputs(g);
        Map<String, Tensor> expected;
        try (OrtRunner r = OrtRunner.open(OnnxExporter.toBytes(g), g.source(), OrtRunner.Options.REFERENCE)) {
            expected = r.run(inputs);
        }
        PassReport report = new PassReport();
        Pipelines.tflitePrep().run(g, report);
        Map<String, Tensor> actual;
        try (OrtRunner r = OrtRunner.open(g)) {
            actual = r.run(inputs);
        }
        Folding f = new Folding(g, report, Comparison.compare(expected, actual));
        assertEquals(List.copyOf(expected.keySet()), f.outputNames(), "graph outputs changed\n" + f.describe());
        for (Comparison c : f.comparisons()) {
            assertTrue(c.withinRelative(TOLERANCE), "rewritten graph differs: " + c + "\n" + f.describe());
        }
        return f;
    }

    private static Map<String, Tensor> seededInputs(Graph g) {
        Random random = new Random(4321);
        Map<String, Tensor> in = new LinkedHashMap<>();
        for (Value v : g.inputs()) {
            long[] dims = v.shape().dims();
            double[] x = new double[Math.toIntExact(v.shape().elementCount())];
            for (int i = 0; i < x.length; i++) {
                x[i] = 2 * random.nextDouble() - 1;
            }
            in.put(v.name(), Tensor.of(DType.FLOAT, dims, x));
        }
        return in;
    }

    /** DepthToSpace with the given block size and mode, its output shape inferred. */
    static Value depthToSpace(SmallGraph s, String name, Value x, int block, String mode) {
        Node n = s.g.addNode("DepthToSpace", name, List.of(x), List.of(s.g.newValue(name + "_out")));
        n.set("blocksize", block);
        n.set("mode", mode);
        ShapeInference.infer(s.g, n);
        return n.output(0);
    }

    static void assertAllDcr(Folding f) {
        for (Node n : f.nodes("DepthToSpace")) {
            assertEquals("DCR", n.getString("mode", "DCR"), n + "\n" + f.describe());
        }
    }

    @Test
    void convThenDepthToSpaceBlock2BecomesDcr() {
        SmallGraph s = new SmallGraph(300);
        Value x = s.input("x", 1, 4, 6, 5);
        Value y = s.conv("tail", x, 12, 3, 3).pad(1).build();
        s.output(depthToSpace(s, "shuffle", y, 2, "CRD"), "y");

        Folding f = tflitePrep(s);

        assertEquals("DCR", f.only("DepthToSpace").getString("mode", ""));
        f.only("Conv");
        f.assertApplied(PASS, "mode CRD -> DCR", "\"tail\" (Conv)");
        f.assertNothingRefused();
    }

    @Test
    void convThenDepthToSpaceBlock3BecomesDcr() {
        SmallGraph s = new SmallGraph(301);
        Value x = s.input("x", 2, 3, 4, 5);
        Value y = s.conv("tail", x, 18, 3, 3).pad(1).build();
        s.output(depthToSpace(s, "shuffle", y, 3, "CRD"), "y");

        Folding f = tflitePrep(s);

        assertEquals("DCR", f.only("DepthToSpace").getString("mode", ""));
        f.assertNothingRefused();
    }

    /** Conv -> PRelu -> Add -> Mul(scalar) -> Sub(const - x) -> Clip -> Tanh -> DepthToSpace: constants reordered. */
    @Test
    void perChannelOpsBetweenConvAndDepthToSpaceAreReordered() {
        SmallGraph s = new SmallGraph(302);
        Value x = s.input("x", 1, 4, 6, 6);
        Value y = s.conv("tail", x, 12, 3, 3).pad(1).build();
        y = s.prelu("act", y);
        y = s.add("offset", y, s.random("c", -1, 1, 1, 12, 1, 1));
        y = s.mul("scale", y, s.scalar("k", 0.5f));
        y = s.node("Sub", "rsub", s.random("d", -1, 1, 12, 1, 1), y);
        y = s.node("Clip", "clip", y, s.scalar("lo", -0.8f), s.scalar("hi", 0.9f));
        y = s.node("Tanh", "tanh", y);
        s.output(depthToSpace(s, "shuffle", y, 2, "CRD"), "y");

        Folding f = tflitePrep(s);

        assertEquals("DCR", f.only("DepthToSpace").getString("mode", ""));
        f.assertApplied(PASS, "\"tail\" (Conv) -> PRelu -> Add -> Mul -> Sub -> Clip -> Tanh reordered");
        f.assertNothingRefused();
        assertTrue(f.graph().value("tail.weight") != null, "the reordered weights keep their name\n" + f.describe());
    }

    /** The conv output also feeds another branch that needs the original order: refused, left CRD. */
    @Test
    void convWithTwoReadersIsRefused() {
        SmallGraph s = new SmallGraph(303);
        Value x = s.input("x", 1, 4, 6, 6);
        Value y = s.conv("tail", x, 12, 3, 3).pad(1).build();
        s.output(depthToSpace(s, "shuffle", y, 2, "CRD"), "y");
        s.output(s.node("GlobalAveragePool", "pool", y), "pooled");

        Folding f = tflitePrep(s);

        assertEquals("CRD", f.only("DepthToSpace").getString("mode", ""));
        f.assertRefused(PASS, "will need a transpose", "is read by 2 nodes", "\"pool\" (GlobalAveragePool)");
        assertEquals(0, f.applied(PASS).size());
    }

    @Test
    void convOutputThatIsAlsoAGraphOutputIsRefused() {
        SmallGraph s = new SmallGraph(304);
        Value x = s.input("x", 1, 4, 6, 6);
        Value y = s.conv("tail", x, 8, 3, 3).pad(1).build();
        s.output(y, "features");
        s.output(depthToSpace(s, "shuffle", y, 2, "CRD"), "y");

        Folding f = tflitePrep(s);

        assertEquals("CRD", f.only("DepthToSpace").getString("mode", ""));
        f.assertRefused(PASS, "\"features\" is also a graph output");
    }

    /** A residual Add of the conv and the graph input would need the input reordered too: refused. */
    @Test
    void residualAddBetweenIsRefused() {
        SmallGraph s = new SmallGraph(305);
        Value x = s.input("x", 1, 12, 6, 6);
        Value y = s.conv("tail", x, 12, 3, 3).pad(1).build();
        y = s.add("residual", y, x);
        s.output(depthToSpace(s, "shuffle", y, 2, "CRD"), "y");

        Folding f = tflitePrep(s);

        assertEquals("CRD", f.only("DepthToSpace").getString("mode", ""));
        f.assertRefused(PASS, "\"x\", a graph input");
    }

    @Test
    void spatiallyVaryingConstantBetweenIsRefused() {
        SmallGraph s = new SmallGraph(306);
        Value x = s.input("x", 1, 4, 6, 6);
        Value y = s.conv("tail", x, 8, 3, 3).pad(1).build();
        y = s.mul("mask", y, s.random("m", 0, 1, 1, 1, 6, 6));
        s.output(depthToSpace(s, "shuffle", y, 2, "CRD"), "y");

        Folding f = tflitePrep(s);

        assertEquals("CRD", f.only("DepthToSpace").getString("mode", ""));
        f.assertRefused(PASS, "\"mask\" (Mul)", "is not per-channel");
    }

    /** Group 2 over 8 channels, C=2, b=2: p = [0,4,1,5,2,6,3,7] moves channels between the groups. */
    @Test
    void groupedConvWhoseGroupsWouldMixIsRefused() {
        SmallGraph s = new SmallGraph(307);
        Value x = s.input("x", 1, 4, 6, 6);
        Value y = s.conv("tail", x, 8, 3, 3).pad(1).group(2).build();
        s.output(depthToSpace(s, "shuffle", y, 2, "CRD"), "y");

        Folding f = tflitePrep(s);

        assertEquals("CRD", f.only("DepthToSpace").getString("mode", ""));
        f.assertRefused(PASS, "group 2", "between groups");
    }

    @Test
    void graphInputFeedingDepthToSpaceIsRefused() {
        SmallGraph s = new SmallGraph(308);
        Value x = s.input("x", 1, 8, 3, 3);
        s.output(depthToSpace(s, "shuffle", x, 2, "CRD"), "y");

        Folding f = tflitePrep(s);

        f.assertRefused(PASS, "graph input");
    }

    /** One output channel: c*b*b + i*b + j = (i*b + j)*1 + c, so only the mode changes. */
    @Test
    void oneOutputChannelOnlyChangesTheMode() {
        SmallGraph s = new SmallGraph(309);
        Value x = s.input("x", 1, 4, 3, 3);
        s.output(depthToSpace(s, "shuffle", x, 2, "CRD"), "y");

        Folding f = tflitePrep(s);

        assertEquals("DCR", f.only("DepthToSpace").getString("mode", ""));
        f.assertApplied(PASS, "one output channel");
    }

    /** ConvTranspose keeps its output channels on weight axis 1. */
    @Test
    void convTransposeProducerIsReordered() {
        SmallGraph s = new SmallGraph(310);
        Value x = s.input("x", 1, 4, 5, 5);
        Value w = s.random("up.weight", -0.5, 0.5, 4, 12, 3, 3);
        Value b = s.random("up.bias", -0.5, 0.5, 12);
        Node up = s.g.addNode("ConvTranspose", "up", List.of(x, w, b), List.of(s.g.newValue("up_out")));
        up.set("kernel_shape", new long[] {3, 3});
        up.set("strides", new long[] {2, 2});
        up.set("pads", new long[] {1, 1, 1, 1});
        ShapeInference.infer(s.g, up);
        s.output(depthToSpace(s, "shuffle", s.node("Relu", "relu", up.output(0)), 2, "CRD"), "y");

        Folding f = tflitePrep(s);

        assertEquals("DCR", f.only("DepthToSpace").getString("mode", ""));
        f.assertApplied(PASS, "\"up\" (ConvTranspose) -> Relu reordered");
    }

    /** ConvTranspose with group 2: the reordering would move output channels between its groups. */
    @Test
    void groupedConvTransposeWhoseGroupsWouldMixIsRefused() {
        SmallGraph s = new SmallGraph(311);
        Value x = s.input("x", 1, 4, 5, 5);
        Value w = s.random("up.weight", -0.5, 0.5, 4, 4, 2, 2);
        Node up = s.g.addNode("ConvTranspose", "up", List.of(x, w), List.of(s.g.newValue("up_out")));
        up.set("kernel_shape", new long[] {2, 2});
        up.set("strides", new long[] {2, 2});
        up.set("group", 2);
        ShapeInference.infer(s.g, up);
        s.output(depthToSpace(s, "shuffle", up.output(0), 2, "CRD"), "y");

        Folding f = tflitePrep(s);

        assertEquals("CRD", f.only("DepthToSpace").getString("mode", ""));
        f.assertRefused(PASS, "group 2", "between groups");
    }

    /** SYENet's QCU right before the shuffle, a(x) * b(x) + bias: both convs reordered, no GATHER in TFLite. */
    @Test
    void qcuProductOfTwoConvsBeforeDepthToSpaceReordersBothConvs(@TempDir Path tmp) throws IOException {
        SmallGraph s = new SmallGraph(320);
        Value x = s.input("x", 1, 4, 6, 6);
        Value a = s.conv("a", x, 12, 3, 3).pad(1).build();
        Value b = s.conv("b", x, 12, 1, 1).build();
        Value y = s.add("qcu_bias", s.mul("qcu", a, b), s.random("bias", -0.5, 0.5, 1, 12, 1, 1));
        s.output(depthToSpace(s, "shuffle", y, 2, "CRD"), "y");

        Folding f = tflitePrep(s);

        assertAllDcr(f);
        f.assertApplied(PASS, "(\"a\" (Conv), \"b\" (Conv)) -> Mul -> Add reordered");
        f.assertNothingRefused();
        Map<String, Integer> ops = InTflite.lowerAndCompare(f.graph(), tmp.resolve("qcu.tflite"));
        assertFalse(ops.containsKey("GATHER"), ops.toString());
        assertEquals(1, ops.get("DEPTH_TO_SPACE"), ops.toString());
    }

    /** conv -> sigmoid, then conv * sigmoid(conv) (a gate): the conv output has two readers, both on the way. */
    @Test
    void gateOfOneConvAndItsSigmoidIsReordered() {
        SmallGraph s = new SmallGraph(321);
        Value x = s.input("x", 1, 3, 5, 5);
        Value c = s.conv("c", x, 12, 3, 3).pad(1).build();
        Value y = s.mul("gate", c, s.node("Sigmoid", "sig", c));
        s.output(depthToSpace(s, "shuffle", y, 2, "CRD"), "y");

        Folding f = tflitePrep(s);

        assertAllDcr(f);
        f.assertApplied(PASS, "(\"c\" (Conv), \"c\" (Conv) -> Sigmoid) -> Mul reordered");
    }

    /** One factor of the product also feeds another branch: refused, the GATHER stays. */
    @Test
    void productWhoseFactorIsReadElsewhereIsRefused() {
        SmallGraph s = new SmallGraph(322);
        Value x = s.input("x", 1, 4, 6, 6);
        Value a = s.conv("a", x, 12, 3, 3).pad(1).build();
        Value b = s.conv("b", x, 12, 1, 1).build();
        s.output(depthToSpace(s, "shuffle", s.mul("qcu", a, b), 2, "CRD"), "y");
        s.output(s.node("GlobalAveragePool", "pool", a), "pooled");

        Folding f = tflitePrep(s);

        assertEquals("CRD", f.only("DepthToSpace").getString("mode", ""));
        f.assertRefused(PASS, "\"a_out\" is read by 2 nodes");
    }
}
