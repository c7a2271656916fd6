package isptool.graph.shapes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import isptool.graph.DType;
import isptool.graph.GraphBuilder;
import isptool.graph.ModelException;
import isptool.graph.Node;
import isptool.graph.Shape;
import isptool.graph.Value;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The --input-shape option: parsing and applying to the graph inputs. */
class InputShapesTest {
    private static String parseError(String... specs) {
        return assertThrows(ModelException.class, () -> ShapeInference.parseInputShapes(List.of(specs))).getMessage();
    }

    @Test
    void parsesNamedAndUnnamedSpecs() {
        Map<String, long[]> m = ShapeInference.parseInputShapes(List.of("input:1,4,544,960", "input:0:1, 3, 8,8"));
        assertArrayEquals(new long[] {1, 4, 544, 960}, m.get("input"));
        assertArrayEquals(new long[] {1, 3, 8, 8}, m.get("input:0"), "the dims follow the last colon");
        assertArrayEquals(new long[] {1, 3, 224, 224}, ShapeInference.parseInputShapes(List.of("1,3,224,224")).get(""));
    }

    @Test
    void rejectsMalformedSpecs() {
        assertTrue(parseError("x:1,a,3").contains("\"a\" is not a whole number"));
        assertTrue(parseError("x:").contains("has no dimensions"));
        assertTrue(parseError(":1,2").contains("name before ':' is empty"));
        assertTrue(parseError("x:1,0").contains("must be positive"));
        assertTrue(parseError("x:1,2", "x:3").contains("twice"));
    }

    private static GraphBuilder twoInputs() {
        GraphBuilder b = new GraphBuilder(13);
        b.input("image", DType.FLOAT, new long[] {-1, 4, -1, -1}, new String[] {"N", null, "H", "W"});
        b.input("gain", DType.FLOAT, 1);
        return b;
    }

    @Test
    void fixesDynamicSizesAndInfersFromThem() {
        GraphBuilder b = new GraphBuilder(13);
        Value x = b.input("x", DType.FLOAT, new long[] {-1, 4, -1, -1}, new String[] {"N", null, "H", "W"});
        Node conv = b.node("Conv", x, b.zeros("w", 8, 4, 3, 3)).set("pads", new long[] {1, 1, 1, 1});
        ShapeInference.fixInputShapes(b.g, ShapeInference.parseInputShapes(List.of("1,4,544,960")));
        ShapeInference.run(b.g);
        assertEquals(Shape.of(1, 4, 544, 960), x.shape());
        assertEquals(Shape.of(1, 8, 544, 960), conv.output(0).shape());
    }

    @Test
    void minusOneKeepsTheDeclaredSize() {
        GraphBuilder b = twoInputs();
        ShapeInference.fixInputShapes(b.g, Map.of("image", new long[] {-1, 4, 64, 64}));
        Shape s = b.g.inputs().get(0).shape();
        assertEquals(-1, s.dim(0));
        assertEquals("N", s.symbol(0));
        assertEquals(64, s.dim(3));
    }

    @Test
    void unknownNameListsTheInputs() {
        GraphBuilder b = twoInputs();
        ModelException e = assertThrows(ModelException.class,
                () -> ShapeInference.fixInputShapes(b.g, Map.of("img", new long[] {1, 4, 8, 8})));
        assertEquals("test.onnx: --input-shape names \"img\", which is not a graph input; the inputs are"
                + " \"image\" [N,4,H,W], \"gain\" [1]", e.getMessage());
    }

    @Test
    void parsingForAGraphNamesTheUnnamedSpecAndChecksNames() {
        GraphBuilder b = new GraphBuilder(13);
        b.input("only", DType.FLOAT, -1, 3);
        Map<String, long[]> m = ShapeInference.parseInputShapes(List.of("2,3"), b.g);
        assertArrayEquals(new long[] {2, 3}, m.get("only"));
        ModelException e = assertThrows(ModelException.class,
                () -> ShapeInference.parseInputShapes(List.of("other:2,3"), b.g));
        assertTrue(e.getMessage().contains("the inputs are \"only\" [?,3]"), e.getMessage());
    }

    @Test
    void unnamedSpecNeedsASingleInput() {
        GraphBuilder b = twoInputs();
        ModelException e = assertThrows(ModelException.class,
                () -> ShapeInference.fixInputShapes(b.g, Map.of("", new long[] {1, 4, 8, 8})));
        assertTrue(e.getMessage().contains("needs a model with one input, but it has 2"), e.getMessage());
    }

    @Test
    void rankAndStaticSizeConflictsAreErrors() {
        GraphBuilder b = twoInputs();
        ModelException rank = assertThrows(ModelException.class,
                () -> ShapeInference.fixInputShapes(b.g, Map.of("image", new long[] {4, 8, 8})));
        assertTrue(rank.getMessage().contains("is declared [N,4,H,W] (rank 4) but --input-shape gives [4,8,8] (rank 3)"),
                rank.getMessage());
        ModelException fixed = assertThrows(ModelException.class,
                () -> ShapeInference.fixInputShapes(b.g, Map.of("image", new long[] {1, 3, 8, 8})));
        assertTrue(fixed.getMessage().contains("axis 1 is fixed to 4 in the model"), fixed.getMessage());
    }
}
