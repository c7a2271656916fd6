package isptool.backends.reparam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import isptool.graph.Node;
import isptool.graph.Value;
import isptool.passes.Pipelines;
import isptool.passes.target.TargetCaps;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each target swap on a small graph: onnxruntime before vs after Pipelines.targetSwaps (1e-5 of
 * the output range; the PRelu swap is bit-exact), then the swapped graph lowered to TFLite and
 * run in the interpreter, and the op the target lacks gone from the model.
 */
class TargetSwapsTest {
    private static final double TOLERANCE = 1e-5;

    @TempDir
    Path tmp;

    private static Folding swap(SmallGraph s, TargetCaps caps) {
        return Folding.run(s, Pipelines.targetSwaps(caps), TOLERANCE);
    }

    private Map<String, Integer> tflite(Folding f) throws IOException {
        return InTflite.lowerAndCompare(f.graph(), tmp.resolve("m.tflite"));
    }

    private static Value clip(SmallGraph s, String name, Value x, float lo, float hi) {
        return s.node("Clip", name, x, s.scalar(name + ".lo", lo), s.scalar(name + ".hi", hi));
    }

    private static Value withAttr(SmallGraph s, String op, String name, Value x, String attr, long[] v) {
        Value y = s.node(op, name, x);
        Node n = s.g.value(y.name()).producer();
        n.set(attr, v);
        isptool.graph.shapes.ShapeInference.infer(s.g, n);
        return y;
    }

    @Test
    void preluBecomesRelusBitExactlyBeforeApi29() throws IOException {
        SmallGraph s = new SmallGraph(901);
        Value x = s.input("x", 1, 4, 6, 6);
        s.output(s.prelu("act", s.conv("c", x, 4, 3, 3).pad(1).build()), "y");

        Folding f = swap(s, TargetCaps.nnapi(28));

        assertEquals(0, f.count("PRelu"));
        f.assertApplied("PReluAsRelus", "bit-exact");
        assertTrue(f.comparisons().get(0).isExact(), f.describe());
        Map<String, Integer> ops = tflite(f);
        assertFalse(ops.containsKey("PRELU"), ops.toString());
        assertFalse(ops.containsKey("MINIMUM") || ops.containsKey("MAXIMUM") || ops.containsKey("SUB"), ops.toString());
    }

    @Test
    void leakyReluBecomesRelusBeforeApi29AndStaysFrom29() throws IOException {
        SmallGraph s = new SmallGraph(902);
        Value x = s.input("x", 1, 3, 5, 5);
        Value y = s.node("LeakyRelu", "leaky", x);
        s.g.value(y.name()).producer().set("alpha", 0.1f);
        s.output(y, "y");

        Folding kept = swap(s, TargetCaps.nnapi(29));
        assertEquals(1, kept.count("LeakyRelu"));

        Folding f = swap(s, TargetCaps.nnapi(27));
        assertEquals(0, f.count("LeakyRelu"));
        assertTrue(f.comparisons().get(0).isExact(), f.describe());
        assertFalse(tflite(f).containsKey("LEAKY_RELU"));
    }

    @Test
    void preluWithComputedSlopeIsRefused() {
        SmallGraph s = new SmallGraph(903);
        Value x = s.input("x", 1, 2, 4, 4);
        Value slope = s.input("slope", 1, 2, 4, 4);
        s.output(s.node("PRelu", "act", x, slope), "y");

        Folding f = swap(s, TargetCaps.nnapi(27));

        assertEquals(1, f.count("PRelu"));
        f.assertRefused("PReluAsRelus", "slope is computed at run time");
    }

    @Test
    void hardSwishBecomesMulAddClipBeforeApi30() throws IOException {
        SmallGraph s = new SmallGraph(904);
        Value x = s.input("x", 1, 4, 5, 5);
        s.output(s.node("HardSwish", "hs", s.mul("big", x, s.scalar("k", 5f))), "y");

        Folding f = swap(s, TargetCaps.nnapi(29));

        assertEquals(0, f.count("HardSwish"));
        assertEquals(1, f.count("Clip"));
        assertFalse(tflite(f).containsKey("HARD_SWISH"));
    }

    /** HardSigmoid on API 27: Mul, Add, Clip(0, 1), and the Clip as Clip(-1, 1) (RELU_N1_TO_1) scaled: no MIN/MAX. */
    @Test
    void hardSigmoidBecomesRelu1ChainOnApi27() throws IOException {
        SmallGraph s = new SmallGraph(905);
        Value x = s.input("x", 1, 4, 5, 5);
        s.output(s.node("HardSigmoid", "hsig", s.mul("big", x, s.scalar("k", 8f))), "y");

        Folding f = swap(s, TargetCaps.nnapi(27));

        assertEquals(0, f.count("HardSigmoid"));
        f.assertApplied("ClipAsRelus", "Clip(0.0, 1.0)");
        Map<String, Integer> ops = tflite(f);
        assertEquals(1, ops.get("RELU_N1_TO_1"), ops.toString());
        for (String absent : new String[] {"RELU_0_TO_1", "MINIMUM", "MAXIMUM", "HARD_SWISH"}) {
            assertFalse(ops.containsKey(absent), absent + " in " + ops);
        }
    }

    @Test
    void clipWithPowerOfTwoHalfWidthAndOneSidedClipsBecomeRelus() throws IOException {
        SmallGraph s = new SmallGraph(906);
        Value x = s.input("x", 1, 3, 6, 6);
        Value both = clip(s, "both", x, -0.25f, 0.75f);
        Value low = s.node("Clip", "low", both, s.scalar("low.lo", -0.1f));
        s.output(low, "y");

        Folding f = swap(s, TargetCaps.nnapi(28));

        assertEquals(1, f.count("Clip"), f.describe()); // the Clip(-1, 1) (RELU_N1_TO_1) of the two-sided form
        f.assertApplied("ClipAsRelus", "Clip(-0.25, 0.75)");
        f.assertApplied("ClipAsRelus", "Clip(-0.1", "Relu, Add");
        Map<String, Integer> ops = tflite(f);
        assertFalse(ops.containsKey("MINIMUM") || ops.containsKey("MAXIMUM"), ops.toString());
    }

    @Test
    void clipWithUpperBoundOnlyBecomesRelus() throws IOException {
        SmallGraph s = new SmallGraph(907);
        Value x = s.input("x", 1, 3, 6, 6);
        Node n = s.g.addNode("Clip", "high", java.util.List.of(x, s.g.valueNamed(""), s.scalar("hi", 0.4f)),
                java.util.List.of(s.g.newValue("high_out")));
        isptool.graph.shapes.ShapeInference.infer(s.g, n);
        s.output(n.output(0), "y");

        Folding f = swap(s, TargetCaps.nnapi(27));

        assertEquals(0, f.count("Clip"), f.describe());
        f.assertApplied("ClipAsRelus", "Clip(-Infinity, 0.4");
        Map<String, Integer> ops = tflite(f);
        assertFalse(ops.containsKey("MINIMUM") || ops.containsKey("MAXIMUM"), ops.toString());
    }

    @Test
    void clipWhoseHalfWidthIsNotAPowerOfTwoIsRefusedUnlessApproximationsAreAllowed() {
        SmallGraph s = new SmallGraph(908);
        Value x = s.input("x", 1, 3, 6, 6);
        s.output(clip(s, "c", x, -0.3f, 0.3f), "y");

        Folding refused = swap(s, TargetCaps.nnapi(28));
        assertEquals(1, refused.count("Clip"));
        refused.assertRefused("ClipAsRelus", "not a power of two", "allow approximations");

        Folding approx = swap(s, TargetCaps.nnapi(28).withApprox(true));
        approx.assertApplied("ClipAsRelus", "approximate: 1/h relative error");
    }

    @Test
    void nativeClipRangesStay() {
        SmallGraph s = new SmallGraph(909);
        Value x = s.input("x", 1, 3, 6, 6);
        s.output(clip(s, "relu1", clip(s, "relu6", x, 0, 6), -1, 1), "y");

        Folding f = swap(s, TargetCaps.nnapi(27));

        assertEquals(2, f.count("Clip"));
        assertTrue(f.report().applied().isEmpty(), f.describe());
    }

    @Test
    void divisionByAPowerOfTwoBecomesMulAndByThreeIsRefused() throws IOException {
        SmallGraph s = new SmallGraph(910);
        Value x = s.input("x", 1, 3, 6, 6);
        Value quarter = s.node("Div", "by4", x, s.floats("four", new long[] {3, 1, 1}, 4f, 0.5f, -8f));
        s.output(s.node("Div", "by3", quarter, s.scalar("three", 3f)), "y");

        Folding f = swap(s, TargetCaps.nnapi(27));

        assertEquals(1, f.count("Div"));
        assertTrue(f.comparisons().get(0).isExact(), f.describe());
        f.assertApplied("DivByConstantAsMul", "(exact)");
        f.assertRefused("DivByConstantAsMul", "not a power of two", "allow approximations");

        Folding approx = swap(s, TargetCaps.nnapi(27).withApprox(true));
        assertEquals(0, approx.count("Div"));
        approx.assertApplied("DivByConstantAsMul", "approximate: reciprocal relative error up to");
        assertFalse(tflite(approx).containsKey("DIV"));
    }

    @Test
    void reduceSumOverHwBecomesAveragePoolTimesCountOnApi27() throws IOException {
        SmallGraph s = new SmallGraph(911);
        Value x = s.input("x", 1, 4, 6, 5);
        s.output(s.node("ReduceSum", "sum", x, s.ints("axes", 2, 3)), "y");

        Folding f = swap(s, TargetCaps.nnapi(27));

        assertEquals(0, f.count("ReduceSum") + f.count("ReduceMean"), f.describe());
        f.assertApplied("ReduceSumAsMean", "ReduceMean * 30");
        f.assertApplied("MeanAsAveragePool", "AveragePool 6x5");
        Map<String, Integer> ops = tflite(f);
        assertEquals(1, ops.get("AVERAGE_POOL_2D"), ops.toString());
        assertFalse(ops.containsKey("SUM") || ops.containsKey("MEAN"), ops.toString());
    }

    @Test
    void reduceSumOverChannelsBecomesMeanOnApi28() throws IOException {
        SmallGraph s = new SmallGraph(912);
        Value x = s.input("x", 1, 6, 4, 4);
        s.output(s.node("ReduceSum", "sum", x, s.ints("axes", 1)), "y");

        Folding f = swap(s, TargetCaps.nnapi(28));

        assertEquals(1, f.count("ReduceMean"), f.describe());
        Map<String, Integer> ops = tflite(f);
        assertFalse(ops.containsKey("SUM"), ops.toString());
    }

    @Test
    void globalAveragePoolAndSpatialReduceMeanBecomeAveragePoolOnApi27() throws IOException {
        SmallGraph s = new SmallGraph(913);
        Value x = s.input("x", 1, 4, 7, 6);
        Value gap = s.node("GlobalAveragePool", "gap", x);
        Value mean = withAttr(s, "ReduceMean", "mean", x, "axes", new long[] {-2, -1});
        s.output(s.add("sum", gap, mean), "y");

        Folding f = swap(s, TargetCaps.nnapi(27));

        assertEquals(2, f.count("AveragePool"), f.describe());
        Map<String, Integer> ops = tflite(f);
        assertFalse(ops.containsKey("MEAN"), ops.toString());

        SmallGraph kept = new SmallGraph(913);
        Value k = kept.input("x", 1, 4, 7, 6);
        kept.output(kept.node("GlobalAveragePool", "gap", k), "y");
        assertEquals(1, swap(kept, TargetCaps.gpu()).count("GlobalAveragePool"));
    }

    /**
     * On NNAPI at any level (its delegate refuses a quantized MEAN that rescales, and a quantized
     * AVERAGE_POOL_2D over more than 256 pixels) a 32x24 mean is pooled in blocks: 16x12, then 2x2.
     */
    @Test
    void aLargeMeanOnNnapiIsPooledInBlocksOfAtMost256Pixels() throws IOException {
        SmallGraph s = new SmallGraph(914);
        Value x = s.input("x", 1, 16, 32, 24); // 16 means: a range wide enough for a relative comparison
        s.output(s.node("GlobalAveragePool", "gap", x), "y");
        Folding f = swap(s, TargetCaps.nnapi(30));
        assertEquals(2, f.count("AveragePool"), f.describe());
        assertEquals(0, f.count("GlobalAveragePool"));
        assertTrue(f.describe().contains("AveragePool 16x12 then 2x2"), f.describe());
        Map<String, Integer> ops = tflite(f);
        assertEquals(2, ops.get("AVERAGE_POOL_2D"), ops.toString());
        List<long[]> blocks = isptool.passes.target.MeanAsAveragePool.stages(32, 16);
        assertEquals(List.of("16x16", "2x1"), blocks.stream().map(b -> b[0] + "x" + b[1]).toList());
        assertNull(isptool.passes.target.MeanAsAveragePool.stages(257, 1), "a prime side above 256 cannot be split");
    }

    /** A grouped conv on NNAPI (its delegate refuses CONV_2D version 6) becomes one dense conv with zero blocks. */
    @Test
    void aGroupedConvOnNnapiBecomesDenseWithBlockDiagonalWeights() throws IOException {
        Folding f = swap(groupedThenDepthwise(), TargetCaps.nnapi(30));
        assertEquals(2, f.count("Conv"));
        assertTrue(f.describe().contains("Conv group 2 -> a dense Conv with block-diagonal weights"), f.describe());
        Map<String, Integer> ops = tflite(f);
        assertEquals(1, ops.get("CONV_2D"), ops.toString());
        assertEquals(1, ops.get("DEPTHWISE_CONV_2D"), "the depthwise conv stays: " + ops);
        assertEquals(1, swap(groupedThenDepthwise(), TargetCaps.gpu()).graph().nodes().stream()
                .filter(n -> n.is("Conv") && n.getInt("group", 1) == 2).count(), "the GPU takes grouped convs");
    }

    private static SmallGraph groupedThenDepthwise() {
        SmallGraph s = new SmallGraph(915);
        Value x = s.input("x", 1, 8, 6, 6);
        Value y = s.conv("gconv", x, 6, 3, 3).group(2).pads(1, 1, 1, 1).build();
        s.output(s.conv("dw", y, 6, 3, 3).group(6).pads(1, 1, 1, 1).build(), "y");
        return s;
    }

    @Test
    void unknownTargetNamesTheValidOnes() {
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> TargetCaps.named("nnapi-26"));
        assertTrue(e.getMessage().contains("nnapi-27, nnapi-28"), e.getMessage());
        assertTrue(TargetCaps.named("gpu").missing().isEmpty());
        assertTrue(TargetCaps.named("nnapi-29").lacks(TargetCaps.Capability.HARD_SWISH));
        assertFalse(TargetCaps.named("nnapi-30").lacks(TargetCaps.Capability.HALF_PIXEL_RESIZE));
    }

    /** Bilinear half-pixel Resize to the given size (sizes input), as PyTorch's F.interpolate exports it. */
    private static Value resize(SmallGraph s, String name, Value x, String ctm, long... size) {
        Value y = s.node("Resize", name, x, s.g.valueNamed(""), s.g.valueNamed(""), s.ints(name + ".sizes", size));
        Node n = y.producer();
        n.set("mode", "linear");
        n.set("coordinate_transformation_mode", ctm);
        isptool.graph.shapes.ShapeInference.infer(s.g, n);
        return y;
    }

    @Test
    void bilinearHalfPixelResizeBy2And4BecomesEdgePadAndConvTransposeBeforeApi30() throws IOException {
        SmallGraph s = new SmallGraph(914);
        Value x = s.input("x", 1, 3, 5, 7);
        Value up2 = resize(s, "up2", x, "half_pixel", 1, 3, 10, 14);
        s.output(resize(s, "up4", up2, "pytorch_half_pixel", 1, 3, 40, 28), "y");

        Folding f = swap(s, TargetCaps.nnapi(29));

        assertEquals(0, f.count("Resize"), f.describe());
        assertEquals(2, f.count("ConvTranspose"), f.describe());
        f.assertApplied("BilinearResizeAsConvTranspose", "bilinear x2x2", "4x4 stride 2x2");
        f.assertApplied("BilinearResizeAsConvTranspose", "bilinear x4x2", "8x4 stride 4x2");
        Map<String, Integer> ops = tflite(f);
        assertFalse(ops.containsKey("RESIZE_BILINEAR"), ops.toString());
        assertEquals(2, ops.get("TRANSPOSE_CONV"), ops.toString());
    }

    @Test
    void bilinearResizeBy3IsRefusedUnlessApproximationsAreAllowed() throws IOException {
        SmallGraph s = new SmallGraph(915);
        Value x = s.input("x", 1, 2, 4, 4);
        s.output(resize(s, "up3", x, "half_pixel", 1, 2, 12, 12), "y");

        Folding refused = swap(s, TargetCaps.nnapi(29));
        assertEquals(1, refused.count("Resize"));
        refused.assertRefused("BilinearResizeAsConvTranspose", "not a power of two", "allow approximations");

        Folding approx = swap(s, TargetCaps.nnapi(29).withApprox(true));
        assertEquals(0, approx.count("Resize"));
        approx.assertApplied("BilinearResizeAsConvTranspose", "weights rounded to float32");
        assertFalse(tflite(approx).containsKey("RESIZE_BILINEAR"));
    }

    /** PyTorch's erf GELU export: x * (1 + Erf(x / sqrt 2)) * 0.5. */
    private static Value erfGelu(SmallGraph s, Value x) {
        Value erf = s.node("Erf", "erf", s.node("Div", "div", x, s.scalar("sqrt2", (float) Math.sqrt(2))));
        Value p = s.mul("mul", x, s.add("plus", erf, s.scalar("one", 1f)));
        return s.mul("half", p, s.scalar("half.c", 0.5f));
    }

    @Test
    void geluWithTanhApproximationBecomesItsTanhFormExactly() throws IOException {
        SmallGraph s = new SmallGraph(916, 20);
        Value x = s.input("x", 1, 3, 5, 5);
        Value y = s.node("Gelu", "gelu", s.mul("wide", x, s.scalar("k", 4f)));
        y.producer().set("approximate", "tanh");
        s.output(y, "y");

        Folding f = swap(s, TargetCaps.nnapi(30));

        assertEquals(0, f.count("Gelu"));
        f.assertApplied("GeluAsTanh", "(exact: Gelu tanh)");
        assertFalse(tflite(f).containsKey("GELU"));
    }

    /**
     * The erf GELU: refused without approximations; with them the tanh form, whose measured error in
     * onnxruntime on inputs in [-4, 4] is about the size the pass reports (measured max abs 4.7e-4, PSNR 84.4 dB).
     */
    @Test
    void erfGeluIsRefusedUnlessApproximationsAreAllowedThenReportsItsError() throws IOException {
        SmallGraph s = new SmallGraph(917);
        Value x = s.input("x", 1, 3, 8, 8);
        s.output(erfGelu(s, s.mul("wide", x, s.scalar("k", 4f))), "y");

        Folding refused = swap(s, TargetCaps.nnapi(30));
        assertEquals(1, refused.count("Erf"));
        refused.assertRefused("GeluAsTanh", "no exact form", "PSNR");

        Folding f = Folding.run(s, Pipelines.targetSwaps(TargetCaps.nnapi(30).withApprox(true)), 1e-3);
        assertEquals(0, f.count("Erf"));
        f.assertApplied("GeluAsTanh", "approximate: max abs error", "dB");
        isptool.backends.verify.Comparison c = f.comparisons().get(0);
        assertTrue(c.maxAbs() < 5e-4 && c.psnr() > 80, c.toString()); // measured: 4.7e-4, 84.4 dB
        assertFalse(tflite(f).containsKey("GELU"));
    }

    @Test
    void subtractionBecomesAdditionOfTheNegationBitExactlyOnApi27() throws IOException {
        SmallGraph s = new SmallGraph(918);
        Value x = s.input("x", 1, 3, 5, 5);
        Value shifted = s.node("Sub", "shift", x, s.random("mean", -0.5, 0.5, 1, 3, 1, 1));
        s.output(s.node("Sub", "diff", shifted, s.node("Tanh", "t", x)), "y");

        Folding kept = swap(s, TargetCaps.nnapi(28));
        assertEquals(2, kept.count("Sub"));

        Folding f = swap(s, TargetCaps.nnapi(27));
        assertEquals(0, f.count("Sub"));
        assertTrue(f.comparisons().get(0).isExact(), f.describe());
        assertFalse(tflite(f).containsKey("SUB"));
    }

    /** NAFNet's LayerNorm2d mean over 16 channels: a 1x1 conv with weights 1/16; over 12 refused (1/12 inexact). */
    @Test
    void channelMeanBecomesOneByOneConvOnApi27WhenTheCountIsAPowerOfTwo() throws IOException {
        SmallGraph s = new SmallGraph(919);
        Value x = s.input("x", 1, 16, 5, 5);
        Value mean = withAttr(s, "ReduceMean", "mean", x, "axes", new long[] {1});
        Value twelve = withAttr(s, "ReduceMean", "mean12", s.conv("c", x, 12, 1, 1).build(), "axes", new long[] {1});
        s.output(s.add("both", mean, twelve), "y");

        Folding f = swap(s, TargetCaps.nnapi(27));

        assertEquals(1, f.count("ReduceMean"), f.describe());
        f.assertApplied("ChannelMeanAsConv", "mean over 16 channels", "(exact)");
        f.assertRefused("ChannelMeanAsConv", "1/12 is not exact");
        assertEquals(1, tflite(f).get("MEAN"), "only the 12-channel mean stays MEAN");
    }
}
