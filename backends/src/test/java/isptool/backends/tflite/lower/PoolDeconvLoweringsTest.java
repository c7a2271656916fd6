package isptool.backends.tflite.lower;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import isptool.graph.ModelException;
import isptool.graph.Node;
import isptool.graph.Value;
import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * MaxPool with dilations and ceil_mode, and ConvTranspose with groups and dilations, in the TFLite
 * interpreter (with and without XNNPACK) against onnxruntime.
 */
class PoolDeconvLoweringsTest extends LoweringTestBase {
    PoolDeconvLoweringsTest() {
        super(17, true);
    }

    private Node maxPool(String name, Value x, long k, long s, long d, long... pads) {
        Node n = node("MaxPool", name, x);
        n.set("kernel_shape", new long[] {k, k}).set("strides", new long[] {s, s}).set("dilations", new long[] {d, d})
                .set("pads", pads);
        return n;
    }

    @Test
    void ceilModeAddsThePartialLastWindow() throws IOException {
        Value x = conv("c", input(1, 3, 11, 10), 4, 3);
        Node ceil = maxPool("ceil", x, 2, 2, 1, 0, 0, 0, 0);
        ceil.set("ceil_mode", 1L);
        Node padded = maxPool("padded", infer(ceil), 3, 2, 1, 1, 1, 1, 1);
        padded.set("ceil_mode", 1L);
        Map<String, Integer> ops = lowerAndCompare(infer(padded));
        assertEquals(Map.of("CONV_2D", 1, "PADV2", 2, "MAX_POOL_2D", 2), ops);
    }

    @Test
    void dilationThatDividesTheStrideIsASlicedPool() throws IOException {
        Value x = conv("c", input(1, 2, 23, 21), 3, 3);
        Node n = maxPool("dil", x, 3, 4, 2, 1, 2, 1, 2);
        Map<String, Integer> ops = lowerAndCompare(infer(n));
        assertEquals(Map.of("CONV_2D", 1, "PADV2", 1, "STRIDED_SLICE", 1, "MAX_POOL_2D", 1), ops);
    }

    @Test
    void refusesDilationThatDoesNotDivideTheStride() {
        Value x = input(1, 2, 12, 12);
        ModelException e = refusal(infer(maxPool("dil", x, 3, 1, 2, 0, 0, 0, 0)));
        assertTrue(e.getMessage().contains("node \"dil\" (MaxPool): dilation 2 with stride 1"), e.getMessage());
    }
}
