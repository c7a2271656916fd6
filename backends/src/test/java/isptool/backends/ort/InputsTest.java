package isptool.backends.ort;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import isptool.graph.DType;
import isptool.graph.Graph;
import isptool.graph.ModelException;
import isptool.graph.Shape;
import isptool.graph.Tensor;
import isptool.graph.Value;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InputsTest {
    private static Graph twoInputs(Shape image) {
        Graph g = new Graph();
        g.setSource("net.onnx");
        Value img = g.valueNamed("image");
        img.setType(DType.FLOAT, image);
        g.addInput(img);
        Value ids = g.valueNamed("ids");
        ids.setType(DType.INT64, Shape.of(4));
        g.addInput(ids);
        Value half = g.valueNamed("mask");
        half.setType(DType.FLOAT16, Shape.of(8));
        g.addInput(half);
        return g;
    }

    @Test
    void sameSeedSameTensors() {
        Graph g = twoInputs(Shape.of(1, 3, 8, 8));
        Map<String, Tensor> a = Inputs.random(g, 42);
        Map<String, Tensor> b = Inputs.random(g, 42);
        assertEquals(List.of("image", "ids", "mask"), List.copyOf(a.keySet()));
        for (String k : a.keySet()) {
            assertEquals(a.get(k).rawData(), b.get(k).rawData(), k);
        }
        assertNotEquals(a.get("image").rawData(), Inputs.random(g, 43).get("image").rawData());
    }

    @Test
    void floatsInUnitIntervalIntegersZeroToNine() {
        Map<String, Tensor> in = Inputs.random(twoInputs(Shape.of(1, 3, 32, 32)), 7);
        Tensor image = in.get("image");
        assertEquals(DType.FLOAT, image.dtype());
        assertArrayEquals(new long[] {1, 3, 32, 32}, image.shape());
        double min = 1;
        double max = 0;
        for (float f : image.toFloats()) {
            min = Math.min(min, f);
            max = Math.max(max, f);
        }
        assertTrue(min >= 0 && min < 0.01 && max < 1 && max > 0.99, min + " " + max);
        for (long v : in.get("ids").toLongs()) {
            assertTrue(v >= 0 && v <= 9, Long.toString(v));
        }
        for (float f : in.get("mask").toFloats()) {
            assertTrue(f >= 0 && f < 1, Float.toString(f));
        }
    }

    @Test
    void unknownDimsAskForInputShape() {
        Graph g = twoInputs(Shape.withSymbols(new long[] {-1, 3, -1, -1}, new String[] {"N", null, "H", "W"}));
        ModelException e = assertThrows(ModelException.class, () -> Inputs.random(g, 1));
        assertEquals("net.onnx: input \"image\" has the shape [N,3,H,W]; give its shape with --input-shape"
                + " image:d0,d1,... (e.g. image:1,3,224,224)", e.getMessage());
        Tensor t = Inputs.random(g, 1, Map.of("image", new long[] {1, 3, 16, 16})).get("image");
        assertArrayEquals(new long[] {1, 3, 16, 16}, t.shape());
        e = assertThrows(ModelException.class, () -> Inputs.random(g, 1, Map.of("img", new long[] {1})));
        assertTrue(e.getMessage().contains("--input-shape names \"img\", which is not an input"), e.getMessage());
    }
}
