package isptool.graph.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import isptool.graph.Attr;
import isptool.graph.DType;
import isptool.graph.GraphBuilder;
import isptool.graph.ModelException;
import isptool.graph.Node;
import isptool.graph.Shape;
import isptool.graph.Tensor;
import isptool.graph.Value;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConstantFoldingTest {
    private static final long LIMIT = 1 << 16;

    /**
     * x.reshape(-1, x.size(2)) as PyTorch exports it: Shape -> Gather(2) -> Unsqueeze -> Concat
     * with [-1] -> Reshape. With x's shape static, all the helper nodes fold away.
     */
    @Test
    void pytorchShapeChainFoldsIntoAConstantReshapeShape() {
        GraphBuilder b = new GraphBuilder(13);
        Value x = b.input("x", DType.FLOAT, 2, 3, 4, 5);
        Value shape = b.node("Shape", x).output(0);
        Value dim = b.node("Gather", shape, b.scalar("two", 2)).output(0);
        Value unsq = b.node("Unsqueeze", dim, b.ints("axes", 0)).output(0);
        Value target = b.node("Concat", b.ints("minus_one", -1), unsq).set("axis", 0).output(0);
        Node reshape = b.node("Reshape", x, target);
        b.output(reshape.output(0));

        ConstantFolding.foldAndInfer(b.g, LIMIT);

        assertEquals(Map.of("Reshape", 1), b.g.opHistogram());
        assertTrue(reshape.input(1).isConstant(), "the Reshape's shape input is a constant");
        assertArrayEquals(new long[] {-1, 4}, reshape.input(1).constant().toLongs());
        assertEquals(Shape.of(30, 4), reshape.output(0).shape());
    }

    @Test
    void foldingAndInferenceFeedEachOtherAcrossRounds() {
        // y = Reshape(x, Concat(...)) only has a shape once the Concat folds; then Shape(y) folds too
        GraphBuilder b = new GraphBuilder(13);
        Value x = b.input("x", DType.FLOAT, 2, 6);
        Value n = b.node("Shape", x).set("start", 1).output(0);
        Value target = b.node("Concat", b.ints("four", 4), n).set("axis", 0).output(0);
        Value y = b.node("Reshape", b.node("Relu", x).output(0), b.node("Div", target, b.ints("halve_last", 1, 2)).output(0)).output(0);
        Value shapeOfY = b.node("Shape", y).output(0);
        Node z = b.node("Reshape", y, shapeOfY);
        b.output(z.output(0));

        ConstantFolding.foldAndInfer(b.g, LIMIT);

        assertEquals(Map.of("Relu", 1, "Reshape", 2), b.g.opHistogram());
        assertArrayEquals(new long[] {4, 3}, z.input(1).constant().toLongs());
        assertEquals(Shape.of(4, 3), z.output(0).shape());
    }

    @Test
    void shapeOfAPartlyStaticValueFoldsTheStaticPartOnly() {
        GraphBuilder b = new GraphBuilder(15);
        Value x = b.input("x", DType.FLOAT, new long[] {-1, 3, 4}, new String[] {"batch", null, null});
        Node tail = b.node("Shape", x).set("start", 1);
        Node all = b.node("Shape", x);
        b.output(tail.output(0));
        b.output(all.output(0));

        assertEquals(1, ConstantFolding.run(b.g, LIMIT));

        assertArrayEquals(new long[] {3, 4}, b.g.outputs().get(0).constant().toLongs());
        assertFalse(b.g.outputs().get(1).isConstant());
    }

    @Test
    void gatherAndSliceOfAPartlyDynamicShapeFoldWhenTheyPickStaticSizes() {
        GraphBuilder b = new GraphBuilder(13);
        Value x = b.input("x", DType.FLOAT, new long[] {-1, 3, 8, 8}, new String[] {"N", null, null, null});
        Value shape = b.node("Shape", x).output(0);
        Node channels = b.node("Gather", shape, b.scalar("one", 1));
        Node spatial = b.node("Slice", shape, b.ints("starts", -2), b.ints("ends", Long.MAX_VALUE));
        Node batch = b.node("Gather", shape, b.scalar("zero", 0));
        b.output(channels.output(0));
        b.output(spatial.output(0));
        b.output(batch.output(0));

        assertEquals(2, ConstantFolding.run(b.g, LIMIT));

        assertEquals(3, b.g.outputs().get(0).constant().getLong(0));
        assertArrayEquals(new long[0], b.g.outputs().get(0).constant().shape());
        assertArrayEquals(new long[] {8, 8}, b.g.outputs().get(1).constant().toLongs());
        assertFalse(b.g.outputs().get(2).isConstant(), "the batch size is only known at run time");
        assertEquals(Map.of("Shape", 1, "Gather", 1), b.g.opHistogram());
    }

    @Test
    void foldedGraphOutputKeepsItsName() {
        GraphBuilder b = new GraphBuilder(13);
        Value sum = b.node("Add", b.ints("a", 1, 2), b.ints("b", 10, 20)).output(0);
        b.g.rename(sum, "result");
        b.output(sum);

        assertEquals(1, ConstantFolding.run(b.g, LIMIT));

        assertEquals("result", b.g.outputs().get(0).name());
        assertArrayEquals(new long[] {11, 22}, b.g.outputs().get(0).constant().toLongs());
        assertEquals(0, b.g.nodeCount());
    }

    @Test
    void outputsAboveTheLimitStayComputedButGetTheirShape() {
        GraphBuilder b = new GraphBuilder(13);
        Node big = b.node("ConstantOfShape", b.ints("shape", 1000, 1000));
        b.output(big.output(0));

        ConstantFolding.foldAndInfer(b.g, LIMIT);

        assertEquals(1, b.g.nodeCount());
        assertEquals(Shape.of(1000, 1000), big.output(0).shape());
        assertEquals(DType.FLOAT, big.output(0).dtype());
    }

    @Test
    void randomOpsAreNeverFolded() {
        GraphBuilder b = new GraphBuilder(13);
        Node r = b.node("RandomNormal").set("shape", new long[] {2, 2});
        b.output(r.output(0));
        Node like = b.node("RandomUniformLike", b.ints("c", 1, 2));
        b.output(like.output(0));

        assertEquals(0, ConstantFolding.run(b.g, LIMIT));
        assertEquals(2, b.g.nodeCount());
    }

    @Test
    void fallbackEvaluatesOpsWithoutAJavaKernel() {
        GraphBuilder b = new GraphBuilder(13);
        Node erf = b.node("Erf", b.floats("x", new long[] {1}, 0f));
        b.output(erf.output(0));
        assertNull(Kernels.get("Erf"));
        assertEquals(0, ConstantFolding.run(b.g, LIMIT), "without a fallback the node stays");
        try {
            ConstantFolding.setFallback((n, in) -> n.opType().equals("Erf") ? new Tensor[] {Tensor.scalar(42)} : null);
            assertEquals(1, ConstantFolding.run(b.g, LIMIT));
            assertEquals(42f, b.g.outputs().get(0).constant().toFloats()[0]);
        } finally {
            ConstantFolding.setFallback(null);
        }
    }

    @Test
    void invalidConstantInputsAreAModelErrorNamingTheNode() {
        GraphBuilder b = new GraphBuilder(13);
        Node g = b.node("Gather", b.ints("data", 1, 2, 3), b.ints("idx", 5));
        b.output(g.output(0));
        ModelException e = assertThrows(ModelException.class, () -> ConstantFolding.run(b.g, LIMIT));
        assertTrue(e.getMessage().startsWith("test.onnx: node \"gather\" (Gather): "), e.getMessage());
        assertTrue(e.getMessage().contains("5 is out of range"), e.getMessage());
    }

    @Test
    void unknownOpsAreLeftAlone() {
        GraphBuilder b = new GraphBuilder(13);
        Node custom = b.node("MyCustomOp", b.ints("c", 1));
        b.output(custom.output(0));
        ConstantFolding.foldAndInfer(b.g, LIMIT);
        assertEquals(1, b.g.nodeCount());
        assertNull(custom.output(0).shape());
    }

    @Test
    void constantNodeBuiltInJavaFolds() {
        GraphBuilder b = new GraphBuilder(13);
        Node c = b.node("Constant").set("value", Attr.of(Tensor.ofLongs(new long[] {2}, new long[] {4, 5})));
        Node add = b.node("Add", c.output(0), b.ints("one", 1));
        b.output(add.output(0));
        ConstantFolding.foldAndInfer(b.g, LIMIT);
        assertEquals(0, b.g.nodeCount());
        assertArrayEquals(new long[] {5, 6}, b.g.outputs().get(0).constant().toLongs());
    }

    @Test
    void usedDropoutMaskInOldOpsetsIsNotFolded() {
        // opset 7 mask: all ones for the ONNX reference, zeros for onnxruntime: ambiguous, left alone
        GraphBuilder b = new GraphBuilder(7);
        Node d = b.node("Dropout", 2, b.floats("x", new long[] {2}, 1f, 2f));
        b.output(d.output(1));
        assertEquals(0, ConstantFolding.run(b.g, LIMIT));
        assertSame(d, d.output(1).producer());
    }
}
