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
    void otherDilationsAreMaximaOfSlicesAxisByAxis() throws IOException {
        Value x = conv("c", input(1, 2, 12, 11), 3, 3);
        Node n = maxPool("dil", x, 3, 1, 2, 1, 0, 2, 1);
        n.set("strides", new long[] {1, 2});
        Map<String, Integer> ops = lowerAndCompare(infer(n));
        assertEquals(Map.of("CONV_2D", 1, "PADV2", 1, "STRIDED_SLICE", 6, "MAXIMUM", 4), ops);
    }

    /** ConvTranspose of x to out channels in groups, kxk, stride s, dilation d, pads p on every side. */
    private Node deconv(String name, Value x, int out, int group, int k, int s, int d, long p) {
        long in = x.shape().dim(1);
        Node n = node("ConvTranspose", name, x, constant(name + ".w", in, out / group, k, k), constant(name + ".b", out));
        n.set("kernel_shape", new long[] {k, k}).set("strides", new long[] {s, s}).set("group", group)
                .set("dilations", new long[] {d, d}).set("pads", new long[] {p, p, p, p});
        return n;
    }

    @Test
    void groupedDepthwiseAndDilatedTransposedConvs() throws IOException {
        Value x = conv("c", input(1, 3, 5, 6), 4, 3);
        Value grouped = infer(deconv("grouped", x, 6, 2, 3, 2, 1, 1));
        Value depthwise = infer(deconv("depthwise", grouped, 6, 6, 4, 2, 1, 1));
        Node dilated = deconv("dilated", depthwise, 4, 1, 3, 2, 2, 2);
        dilated.set("output_padding", new long[] {1, 0});
        Map<String, Integer> ops = lowerAndCompare(infer(dilated));
        assertEquals(2 + 6 + 1, ops.get("TRANSPOSE_CONV"));
        assertEquals(2, ops.get("SPLIT"));
        assertEquals(2, ops.get("CONCATENATION"));
    }

    @Test
    void outputShapeAndSameAutoPad() throws IOException {
        Value x = conv("c", input(1, 3, 5, 6), 4, 3);
        Node shaped = deconv("shaped", x, 4, 1, 3, 2, 1, 0);
        shaped.remove("pads");
        shaped.set("output_shape", new long[] {10, 11});
        Node upper = deconv("upper", infer(shaped), 4, 2, 3, 2, 1, 0);
        upper.remove("pads");
        upper.set("auto_pad", "SAME_UPPER");
        Node lower = deconv("lower", infer(upper), 2, 1, 2, 3, 2, 0);
        lower.remove("pads");
        lower.set("auto_pad", "SAME_LOWER");
        Map<String, Integer> ops = lowerAndCompare(infer(lower));
        assertEquals(4, ops.get("TRANSPOSE_CONV"));
    }

    @Test
    void refusesSamePaddingThatWouldBeNegative() {
        Value x = input(1, 4, 5, 6);
        Node n = deconv("d", x, 4, 1, 2, 3, 1, 0);
        n.remove("pads");
        n.set("auto_pad", "SAME_LOWER");
        ModelException e = refusal(infer(n));
        assertTrue(e.getMessage().contains("node \"d\" (ConvTranspose): SAME_LOWER with output size 15 on axis 2 needs"
                + " negative padding"), e.getMessage());
    }

    @Test
    void refusesOneDConvAndThreeDPoolByName() {
        Value x = input(1, 3, 16);
        Node c1 = node("Conv", "conv1d", x, constant("w", 4, 3, 3));
        c1.set("kernel_shape", new long[] {3});
        ModelException e = refusal(infer(c1));
        assertTrue(e.getMessage().contains("node \"conv1d\" (Conv): only 2-D convolutions (rank-4 input)"), e.getMessage());

        Value v = input(1, 2, 4, 4, 4);
        Node p3 = node("MaxPool", "pool3d", v);
        p3.set("kernel_shape", new long[] {2, 2, 2}).set("strides", new long[] {2, 2, 2});
        e = refusal(infer(p3));
        assertTrue(e.getMessage().contains("node \"pool3d\" (MaxPool): only 2-D pooling (rank-4 input)"), e.getMessage());
    }
}
