package isptool.backends.tflite.lower;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import isptool.backends.tflite.TfliteRunner;
import isptool.graph.ModelException;
import isptool.graph.Node;
import isptool.graph.Tensor;
import isptool.graph.Value;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Pools, reshapes, dense layers, transposed convs and Pow, run in the TFLite interpreter (with and without XNNPACK) against onnxruntime. */
class MoreLoweringsTest extends LoweringTestBase {
    MoreLoweringsTest() {
        super(7, true);
    }

    private Value pool(String op, String name, Value x, long k, long s, long... pads) {
        Node n = node(op, name, x);
        n.set("kernel_shape", new long[] {k, k}).set("strides", new long[] {s, s}).set("pads", pads);
        return infer(n);
    }

    @Test
    void maxPoolsSameValidAndExplicitPads() throws IOException {
        Value x = input(1, 4, 9, 8);
        Value a = pool("MaxPool", "same", conv("c", x, 4, 3), 3, 1, 1, 1, 1, 1);
        Value b = pool("MaxPool", "valid", a, 2, 2, 0, 0, 0, 0);
        Value c = pool("MaxPool", "torch", b, 3, 2, 1, 1, 1, 1);
        Map<String, Integer> ops = lowerAndCompare(c);
        assertEquals(Map.of("CONV_2D", 1, "MAX_POOL_2D", 3, "PADV2", 1), ops);
    }

    /**
     * Divisors TFLite's pool cannot give: GoogLeNet's pads [0,0,1,1] without counting them,
     * ShuffleNet's [1,1,1,1] stride 2 on an even map, and ceil_mode partial windows, counted or not.
     */
    @Test
    void averagePoolsWithPerOutputDivisors() throws IOException {
        Value x = input(1, 4, 7, 8);
        Value a = pool("AveragePool", "googlenet", conv("c", x, 4, 3), 3, 2, 0, 0, 1, 1);
        Node b = node("AveragePool", "ceil", a);
        b.set("kernel_shape", new long[] {2, 2}).set("strides", new long[] {2, 2}).set("pads", new long[] {0, 0, 0, 0})
                .set("ceil_mode", 1);
        Node c = node("AveragePool", "ceil_counted", infer(b));
        c.set("kernel_shape", new long[] {2, 2}).set("strides", new long[] {2, 2}).set("pads", new long[] {1, 1, 1, 1})
                .set("ceil_mode", 1).set("count_include_pad", 1);
        Map<String, Integer> ops = lowerAndCompare(infer(c));
        assertEquals(Map.of("CONV_2D", 1, "PAD", 3, "AVERAGE_POOL_2D", 3, "MUL", 2), ops);
    }

    /** A counted ceil window past the padding: onnxruntime 1.22 and PyTorch disagree, so it is refused. */
    @Test
    void countedCeilWindowPastThePaddingIsRefused() {
        Value x = input(1, 1, 2, 2);
        Node c = node("AveragePool", "ceil_counted", x);
        c.set("kernel_shape", new long[] {3, 3}).set("strides", new long[] {2, 2}).set("pads", new long[] {1, 1, 1, 1})
                .set("ceil_mode", 1).set("count_include_pad", 1);
        String m = refusal(infer(c)).getMessage();
        assertTrue(m.contains("\"ceil_counted\" (AveragePool)") && m.contains("no one answer"), m);
    }

    @Test
    void shufflenetPoolHasNoSamePads() throws IOException {
        Value x = input(1, 3, 8, 8);
        Map<String, Integer> ops = lowerAndCompare(pool("AveragePool", "pool", x, 3, 2, 1, 1, 1, 1));
        assertEquals(Map.of("PAD", 1, "AVERAGE_POOL_2D", 1, "MUL", 1), ops);
    }

    @Test
    void averagePoolsWithAndWithoutCountedPads() throws IOException {
        Value x = input(1, 4, 8, 8);
        Value a = pool("AveragePool", "same", conv("c", x, 4, 3), 3, 1, 1, 1, 1, 1);
        Node counted = node("AveragePool", "counted", a);
        counted.set("kernel_shape", new long[] {3, 3}).set("strides", new long[] {2, 2})
                .set("pads", new long[] {1, 1, 1, 1}).set("count_include_pad", 1L);
        Value b = pool("AveragePool", "valid", infer(counted), 2, 2, 0, 0, 0, 0);
        Map<String, Integer> ops = lowerAndCompare(b);
        assertEquals(Map.of("CONV_2D", 1, "AVERAGE_POOL_2D", 3, "PAD", 1), ops);
    }

    @Test
    void globalMaxPoolIsReduceMax() throws IOException {
        Value x = input(1, 4, 6, 7);
        Value m = infer(node("GlobalMaxPool", "gmp", conv("c", x, 4, 3)));
        Map<String, Integer> ops = lowerAndCompare(infer(node("Mul", "gate", conv("c2", x, 4, 1), m)));
        assertEquals(1, ops.get("REDUCE_MAX"));
    }

    @Test
    void refusesDilatedAveragePools() {
        Value x = input(1, 4, 8, 8);
        Node avg = node("AveragePool", "avg", x);
        avg.set("kernel_shape", new long[] {2, 2}).set("dilations", new long[] {2, 2});
        ModelException e = refusal(infer(avg));
        assertTrue(e.getMessage().contains("node \"avg\" (AveragePool): dilations 2x2 are not supported"),
                e.getMessage());
    }

    @Test
    void ceilModeThatChangesNothingIsLowered() throws IOException {
        Value x = input(1, 4, 8, 8);
        Node ceil = node("MaxPool", "ceil", x);
        ceil.set("kernel_shape", new long[] {2, 2}).set("strides", new long[] {2, 2}).set("ceil_mode", 1L);
        assertEquals(Map.of("MAX_POOL_2D", 1), lowerAndCompare(infer(ceil)));
    }

    /** The classifier head of mobilenet: GlobalAveragePool -> Flatten -> Gemm, then Reshape and Unsqueeze/Squeeze. */
    @Test
    void classifierHeadIsReshapeAndFullyConnected() throws IOException {
        Value x = input(1, 8, 5, 5);
        Value p = infer(node("GlobalAveragePool", "gap", conv("c", x, 8, 3)));
        Node flat = node("Flatten", "flat", p);
        flat.set("axis", 1L);
        Node gemm = node("Gemm", "fc", infer(flat), constant("fc.w", 6, 8), constant("fc.b", 6));
        gemm.set("transB", 1L);
        Value f = infer(gemm);
        Value m = infer(node("MatMul", "mm", f, constant("mm.w", 6, 4)));
        Value u = infer(node("Unsqueeze", "unsq", m, ints("axes", 0)));
        Value s = infer(node("Squeeze", "sq", u, ints("sq_axes", 0)));
        Value r = infer(node("Reshape", "r", s, ints("shape", 1, 2, 2)));
        Map<String, Integer> ops = lowerAndCompare(r);
        assertEquals(Map.of("CONV_2D", 1, "MEAN", 1, "RESHAPE", 4, "FULLY_CONNECTED", 2), ops);
    }

    /** Gemm's alpha scales the weights and beta the bias; beta = 0 drops C. */
    @Test
    void gemmAlphaAndBetaFoldIntoTheConstants() throws IOException {
        Value x = input(3, 8);
        Node scaled = node("Gemm", "scaled", x, constant("w1", 8, 5), constant("b1", 5));
        scaled.set("alpha", 0.75f).set("beta", -2f);
        Node noBias = node("Gemm", "no_bias", infer(scaled), constant("w2", 4, 5), constant("b2", 1, 4));
        noBias.set("transB", 1L).set("alpha", 1.5f).set("beta", 0f);
        assertEquals(Map.of("FULLY_CONNECTED", 2), lowerAndCompare(infer(noBias)));
    }

    /** A MatMul of two computed matrices (attention-style) is a BATCH_MATMUL. */
    @Test
    void matMulOfComputedMatricesIsBatchMatMul() throws IOException {
        Value x = input(4, 6);
        Value k = infer(node("Tanh", "k", x));
        Value scores = infer(node("MatMul", "scores", infer(node("Sigmoid", "q", x)), infer(node("Transpose", "kt", k))));
        assertEquals(Map.of("LOGISTIC", 1, "TANH", 1, "TRANSPOSE", 1, "BATCH_MATMUL", 1), lowerAndCompare(scores));
    }

    private Value deconv(String name, Value x, int out, int k, int s, long pad, long outPad) {
        long in = x.shape().dim(1);
        Node n = node("ConvTranspose", name, x, constant(name + ".w", in, out, k, k), constant(name + ".b", out));
        n.set("kernel_shape", new long[] {k, k}).set("strides", new long[] {s, s})
                .set("pads", new long[] {pad, pad, pad, pad});
        if (outPad != 0) {
            n.set("output_padding", new long[] {outPad, outPad});
        }
        return infer(n);
    }

    @Test
    void transposeConvUnetStyleIsValid() throws IOException {
        Value x = input(1, 6, 5, 4);
        Map<String, Integer> ops = lowerAndCompare(deconv("up", x, 3, 2, 2, 0, 0));
        assertEquals(Map.of("TRANSPOSE_CONV", 1), ops);
    }

    @Test
    void transposeConvWithSamePads() throws IOException {
        Value x = input(1, 4, 5, 6);
        assertEquals(ConvTransposeLowering.samePadBefore(10, 4, 2), 1);
        Map<String, Integer> ops = lowerAndCompare(deconv("up", x, 3, 4, 2, 1, 0));
        assertEquals(Map.of("TRANSPOSE_CONV", 1), ops);
    }

    /** FSRCNN's deconv (k9 s2 p4 output_padding 1) and torch's k3 s2 p1 op1: pads TFLite cannot derive, so a crop; k3 s2 p0 op1 grows. */
    @Test
    void transposeConvWithOtherPadsIsCropped() throws IOException {
        Value x = input(1, 4, 5, 6);
        Value a = deconv("fsrcnn", x, 4, 9, 2, 4, 1);
        Value b = deconv("torch", a, 3, 3, 2, 1, 1);
        Value c = deconv("grown", b, 2, 3, 2, 0, 1); // output_padding past the natural size: bias only there
        Map<String, Integer> ops = lowerAndCompare(c);
        assertEquals(Map.of("TRANSPOSE_CONV", 3, "SLICE", 2), ops);
    }

    @Test
    void powBecomesMulSqrtOrPowAndSqrtIsSqrt() throws IOException {
        Value x = input(1, 3, 4, 5);
        Value c = conv("c", x, 3, 3);
        Value sq = infer(node("Pow", "sq", c, g.addConstant("two", Tensor.scalar(2))));
        Value rt = infer(node("Pow", "rt", sq, g.addConstant("half", Tensor.scalar(0.5f))));
        Value cube = infer(node("Pow", "cube", rt, g.addConstant("three", Tensor.scalar(3))));
        Value root = infer(node("Sqrt", "root", cube));
        Map<String, Integer> ops = lowerAndCompare(root);
        assertEquals(Map.of("CONV_2D", 1, "MUL", 1, "SQRT", 2, "POW", 1), ops);
    }

    /** A computed exponent (a positive base from Sigmoid, an exponent from a conv) is POW of two tensors. */
    @Test
    void powWithAComputedExponent() throws IOException {
        Value x = input(1, 3, 4, 5);
        Value base = infer(node("Sigmoid", "base", x));
        Value p = infer(node("Pow", "p", base, conv("e", x, 3, 3)));
        assertEquals(Map.of("CONV_2D", 1, "LOGISTIC", 1, "POW", 1), lowerAndCompare(p));
    }

    private Value resize(String name, Value x, String mode, String ctm, float[] scales, long[] sizes) {
        Value sc = scales == null ? null : g.addConstant(name + ".scales", Tensor.ofFloats(new long[] {4}, scales));
        Value sz = sizes == null ? null : g.addConstant(name + ".sizes", Tensor.ofLongs(new long[] {4}, sizes));
        Node n = g.addNode("Resize", name, Arrays.asList(x, null, sc, sz), List.of(g.newValue(name + "_out")));
        n.set("mode", mode).set("coordinate_transformation_mode", ctm);
        if (mode.equals("nearest")) {
            n.set("nearest_mode", "floor");
        }
        return infer(n);
    }

    @Test
    void resizesBilinearAndNearest() throws IOException {
        Value x = input(1, 3, 4, 5);
        Value a = resize("half", conv("c", x, 3, 3), "linear", "half_pixel", new float[] {1, 1, 2, 2}, null);
        Value b = resize("torch", a, "linear", "pytorch_half_pixel", null, new long[] {1, 3, 11, 7});
        Value c = resize("corners", b, "linear", "align_corners", null, new long[] {1, 3, 15, 9});
        Value d = resize("asym", c, "linear", "asymmetric", null, new long[] {1, 3, 9, 18});
        Value e = resize("nearest", d, "nearest", "asymmetric", new float[] {1, 1, 2, 3}, null);
        Map<String, Integer> ops = lowerAndCompare(e);
        assertEquals(Map.of("CONV_2D", 1, "RESIZE_BILINEAR", 4, "RESIZE_NEAREST_NEIGHBOR", 1), ops);
    }

    @Test
    void refusesResizesTfliteMapsDifferently() {
        Value x = input(1, 3, 4, 5);
        Node n = g.addNode("Resize", "rz", Arrays.asList(x, null, g.addConstant("s", Tensor.ofFloats(new long[] {4},
                new float[] {1, 1, 2, 2}))), List.of(g.newValue("rz_out")));
        n.set("mode", "nearest");
        ModelException e = refusal(infer(n));
        assertTrue(e.getMessage().contains("node \"rz\" (Resize): nearest with half_pixel and nearest_mode"
                + " round_prefer_floor is not supported"), e.getMessage());

        Value x2 = input(1, 3, 4, 5);
        e = refusal(resize("odd", x2, "linear", "half_pixel", new float[] {1, 1, 1.3f, 1}, null));
        assertTrue(e.getMessage().contains("node \"odd\" (Resize): scale 1.3 on axis 2 is not 5/4"), e.getMessage());
    }

    /** 1 < group < Cin: one CONV_2D with filter [Cout, kh, kw, Cin/group]; XNNPACK takes it too. */
    @Test
    void groupedConvIsOneConv2d() throws IOException {
        Value x = input(1, 8, 6, 7);
        Node n = node("Conv", "gc", x, constant("gc.w", 12, 2, 3, 3), constant("gc.b", 12));
        n.set("kernel_shape", new long[] {3, 3}).set("pads", new long[] {1, 1, 1, 1}).set("group", 4L);
        Node relu = node("Relu", "relu", infer(n));
        assertEquals(Map.of("CONV_2D", 1), lowerAndCompare(infer(relu)));
        try (TfliteRunner r = TfliteRunner.open(tmp.resolve("m.tflite"))) {
            r.run(Map.of("x", Tensor.ofFloats(new long[] {1, 6, 7, 8}, new float[6 * 7 * 8])));
            assertEquals(1, r.delegatedOperatorCount());
        }
    }
}
