package isptool.backends.reparam;

import static isptool.backends.reparam.DepthToSpaceCrdToDcrTest.tflitePrep;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import isptool.backends.layout.LayoutPlan;
import isptool.graph.Node;
import isptool.graph.Value;
import isptool.graph.shapes.ShapeInference;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A classifier head (conv map -> Flatten/Reshape -> Gemm or MatMul) flattens the map in H, W, C
 * order with permuted weights: equal in onnxruntime to the original, and the NHWC layout plan then
 * needs no transpose.
 */
class FlattenBeforeDenseTest {
    private static final String PASS = "FlattenBeforeDense";

    private static Value dense(SmallGraph s, String op, Value flat, long in, long out, boolean transB) {
        Value w = transB ? s.random("fc.w", -0.5, 0.5, out, in) : s.random("fc.w", -0.5, 0.5, in, out);
        if (op.equals("MatMul")) {
            return s.node("MatMul", "fc", flat, w);
        }
        Node n = s.g.addNode("Gemm", "fc", List.of(flat, w, s.random("fc.b", -0.5, 0.5, out)),
                List.of(s.g.newValue("fc_out")));
        n.set("transB", transB ? 1 : 0);
        ShapeInference.infer(s.g, n);
        return n.output(0);
    }

    private static void check(String op, boolean reshape, boolean transB) {
        SmallGraph s = new SmallGraph(710);
        Value x = s.input("x", 2, 3, 5, 4);
        Value y = s.conv("features", x, 6, 3, 3).pad(1).build();
        Value flat = reshape ? s.node("Reshape", "flatten", y, s.ints("shape", 2, -1)) : s.node("Flatten", "flatten", y);
        s.output(dense(s, op, flat, 6 * 5 * 4, 7, transB), "logits");
        assertEquals(1, LayoutPlan.of(s.g, true).transposes().size(), "the head needs NCHW order before the pass");

        Folding f = tflitePrep(s);

        f.assertApplied(PASS, "flattens the [6,5,4] map in H,W,C order", "fc");
        f.assertNothingRefused();
        LayoutPlan plan = LayoutPlan.of(s.g, true);
        assertTrue(plan.transposes().isEmpty(), String.join("\n", plan.describeTransposes()));
        assertEquals(1, plan.aliases().size(), "the inserted Transpose is a relabelling in NHWC");
    }

    @Test
    void gemmWithTransposedWeightsAfterFlatten() {
        check("Gemm", false, true);
    }

    @Test
    void gemmAfterReshape() {
        check("Gemm", true, false);
    }

    @Test
    void matMulAfterReshape() {
        check("MatMul", true, false);
    }

    /** A map with one pixel (after global pooling) is already in the same order: nothing to do. */
    @Test
    void onePixelMapsAreLeftAlone() {
        SmallGraph s = new SmallGraph(711);
        Value x = s.input("x", 1, 4, 1, 1);
        s.output(dense(s, "Gemm", s.node("Flatten", "flatten", x), 4, 3, true), "logits");
        Folding f = tflitePrep(s);
        assertTrue(f.applied(PASS).isEmpty());
        assertEquals(0, f.count("Transpose"));
    }

    /** A flattened map read by anything but a dense layer keeps its order. */
    @Test
    void otherReadersKeepTheOrder() {
        SmallGraph s = new SmallGraph(712);
        Value x = s.input("x", 1, 2, 3, 3);
        Value flat = s.node("Flatten", "flatten", x);
        s.output(s.add("plus", dense(s, "MatMul", flat, 18, 18, false), flat), "y");
        Folding f = tflitePrep(s);
        assertTrue(f.applied(PASS).isEmpty());
    }
}
