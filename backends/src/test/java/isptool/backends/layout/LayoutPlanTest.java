package isptool.backends.layout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import isptool.graph.DType;
import isptool.graph.Graph;
import isptool.graph.Node;
import isptool.graph.Shape;
import isptool.graph.Tensor;
import isptool.graph.Value;
import isptool.graph.io.OnnxImporter;
import isptool.graph.shapes.ShapeInference;
import isptool.passes.PassReport;
import isptool.passes.Pipelines;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The whole-graph NHWC decision: no transpose exists only because of the layout change. */
class LayoutPlanTest {
    static Path testdata() {
        Path p = Path.of(System.getProperty("isptool.root", "..")).resolve("testdata");
        assertTrue(Files.isDirectory(p), "testdata at " + p);
        return p;
    }

    static Stream<String> testdataModels() throws IOException {
        try (Stream<Path> files = Files.list(testdata())) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".onnx")).sorted().toList().stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("testdataModels")
    void reparamedTestdataNeedsNoTranspose(String file) {
        Graph g = OnnxImporter.load(testdata().resolve(file));
        Pipelines.reparam().run(g, new PassReport());
        ShapeInference.run(g);
        LayoutPlan plan = LayoutPlan.of(g, true);
        assertEquals(List.of(), plan.describeTransposes(), file);
        for (Node n : g.nodes()) {
            if (n.is("Conv")) {
                assertEquals(Layout.NHWC, plan.layoutOf(n.output(0)), n.toString());
            }
        }
    }

    /** x -> Conv -> Transpose(0,2,3,1) -> LayerNormalization(-1) -> Transpose(0,3,1,2) -> Conv -> GAP -> Flatten. */
    @Test
    void channelLayerNormThroughPermutesIsFree() {
        Graph g = new Graph();
        g.opsets().put("", 17L);
        Value x = g.valueNamed("x");
        x.setType(DType.FLOAT, Shape.of(1, 8, 6, 5));
        g.addInput(x);
        Value c1 = conv(g, "c1", x);
        Value t1 = node(g, "Transpose", "to_nhwc", List.of(c1)).set("perm", new long[] {0, 2, 3, 1}).output(0);
        Value gamma = g.addConstant("gamma", Tensor.ofFloats(new long[] {8}, new float[8]));
        Value ln = node(g, "LayerNormalization", "ln", List.of(t1, gamma)).set("axis", -1L).output(0);
        Value t2 = node(g, "Transpose", "to_nchw", List.of(ln)).set("perm", new long[] {0, 3, 1, 2}).output(0);
        Value c2 = conv(g, "c2", t2);
        Value gap = node(g, "GlobalAveragePool", "gap", List.of(c2)).output(0);
        Value flat = node(g, "Flatten", "flat", List.of(gap)).output(0);
        g.addOutput(flat);
        ShapeInference.run(g);

        LayoutPlan plan = LayoutPlan.of(g, true);
        assertEquals(List.of(), plan.describeTransposes());
        assertEquals(2, plan.aliases().size());
        // the LayerNorm's ONNX axis -1 (channels, after the permute) is stored axis 3 of NHWC data
        assertEquals(3, plan.layoutOf(t1).storedAxis(-1));
        assertEquals(Layout.NHWC, plan.layoutOf(t2));
        assertTrue(plan.relabels().contains(flat.producer()), "[1,8,1,1] NHWC flattens without moving data");
    }

    @Test
    void flattenOfAFeatureMapNeedsOneTranspose() {
        Graph g = new Graph();
        g.opsets().put("", 17L);
        Value x = g.valueNamed("x");
        x.setType(DType.FLOAT, Shape.of(1, 8, 6, 5));
        g.addInput(x);
        Value flat = node(g, "Flatten", "flat", List.of(conv(g, "c", x))).output(0);
        g.addOutput(flat);
        ShapeInference.run(g);
        LayoutPlan plan = LayoutPlan.of(g, true);
        assertEquals(1, plan.transposes().size(), plan.describeTransposes().toString());
        assertTrue(plan.describeTransposes().get(0).contains("row-major"), plan.describeTransposes().toString());
    }

    @Test
    void nchwBoundaryTransposesOnlyAtInputsAndOutputs() {
        Graph g = new Graph();
        g.opsets().put("", 17L);
        Value x = g.valueNamed("x");
        x.setType(DType.FLOAT, Shape.of(1, 4, 6, 5));
        g.addInput(x);
        Value y = node(g, "Relu", "relu", List.of(conv(g, "c", x))).output(0);
        g.addOutput(y);
        ShapeInference.run(g);
        LayoutPlan plan = LayoutPlan.of(g, false);
        assertEquals(2, plan.transposes().size(), plan.describeTransposes().toString());
    }

    private static Node node(Graph g, String op, String name, List<Value> ins) {
        return g.addNode(op, name, ins, List.of(g.newValue(name + "_out")));
    }

    private static Value conv(Graph g, String name, Value x) {
        ShapeInference.run(g);
        long c = x.shape().dim(1);
        Value w = g.addConstant(name + ".w", Tensor.ofFloats(new long[] {c, c, 3, 3}, new float[(int) (c * c * 9)]));
        Node n = node(g, "Conv", name, List.of(x, w));
        n.set("pads", new long[] {1, 1, 1, 1});
        ShapeInference.infer(g, n);
        return n.output(0);
    }
}
