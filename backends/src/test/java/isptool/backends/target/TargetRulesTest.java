package isptool.backends.target;

import static isptool.backends.target.OneOp.act;
import static isptool.backends.target.OneOp.constFloat;
import static isptool.backends.target.OneOp.constHalf;
import static isptool.backends.target.OneOp.constOf;
import static isptool.backends.target.OneOp.ints;
import static isptool.backends.target.OneOp.omitted;
import static isptool.backends.tflite.TfliteType.FLOAT16;
import static isptool.backends.tflite.TfliteType.FLOAT32;
import static isptool.backends.tflite.TfliteType.INT16;
import static isptool.backends.tflite.TfliteType.INT32;
import static isptool.backends.tflite.TfliteType.INT8;
import static isptool.backends.tflite.TfliteType.UINT8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import isptool.backends.tflite.TfliteModel;
import isptool.backends.tflite.TfliteType;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.tensorflow.lite.schema.ActivationFunctionType;
import org.tensorflow.lite.schema.BuiltinOperator;
import org.tensorflow.lite.schema.ConcatenationOptionsT;
import org.tensorflow.lite.schema.Conv2DOptionsT;
import org.tensorflow.lite.schema.DepthwiseConv2DOptionsT;
import org.tensorflow.lite.schema.FullyConnectedOptionsT;
import org.tensorflow.lite.schema.MirrorPadMode;
import org.tensorflow.lite.schema.MirrorPadOptionsT;
import org.tensorflow.lite.schema.ResizeBilinearOptionsT;
import org.tensorflow.lite.schema.SoftmaxOptionsT;
import org.tensorflow.lite.schema.StridedSliceOptionsT;

/**
 * One small model per rule and target: refused where the rule's source says (and the refusal
 * says why), taken where it says.
 */
class TargetRulesTest {
    /** A one-operator model checked on a target: runs or not, and a phrase the refusal must contain. */
    record Case(String name, Supplier<TfliteModel> model, String target, boolean runs, String why) {
        @Override
        public String toString() {
            return target + ": " + name + (runs ? " runs" : " refused");
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                // NNAPI, NNAPIDelegateKernel::Validate
                refused("PRELU", TargetRulesTest::prelu, "nnapi-28", "not in NNAPI before API 29"),
                runs("PRELU", TargetRulesTest::prelu, "nnapi-29"),
                refused("LEAKY_RELU", () -> unary(BuiltinOperator.LEAKY_RELU, FLOAT32), "nnapi-28", "before API 29"),
                runs("LEAKY_RELU", () -> unary(BuiltinOperator.LEAKY_RELU, FLOAT32), "nnapi-29"),
                runs("HARD_SWISH (decomposed by the delegate)", () -> unary(BuiltinOperator.HARD_SWISH, FLOAT32),
                        "nnapi-27"),
                refused("half-pixel RESIZE_BILINEAR", () -> resize(false, true, true), "nnapi-29",
                        "half_pixel_centers = true needs API 30"),
                runs("half-pixel RESIZE_BILINEAR", () -> resize(false, true, true), "nnapi-30"),
                refused("align-corners RESIZE_BILINEAR", () -> resize(true, false, true), "nnapi-29",
                        "align_corners = true needs API 30"),
                refused("RESIZE_BILINEAR computed size", () -> resize(false, false, false), "nnapi-30",
                        "size (input 1) is not constant"),
                runs("RESIZE_BILINEAR", () -> resize(false, false, true), "nnapi-27"),
                refused("RESHAPE computed shape", () -> reshape(false), "nnapi-30", "shape (input 1) is not"
                        + " constant"),
                runs("RESHAPE", () -> reshape(true), "nnapi-27"),
                refused("TRANSPOSE computed perm", () -> transpose(false), "nnapi-30", "permutation"),
                refused("TRANSPOSE", () -> transpose(true), "nnapi-27", "not in NNAPI before API 28"),
                runs("TRANSPOSE", () -> transpose(true), "nnapi-28"),
                refused("TRANSPOSE_CONV computed weights", () -> transposeConv(false), "nnapi-30", "weights"),
                refused("TRANSPOSE_CONV", () -> transposeConv(true), "nnapi-28", "before API 29"),
                runs("TRANSPOSE_CONV", () -> transposeConv(true), "nnapi-29"),
                refused("CONV_2D without bias", () -> conv(FLOAT32, false, 1, 1), "nnapi-35", "without a bias"),
                runs("CONV_2D", () -> conv(FLOAT32, true, 1, 1), "nnapi-27"),
                refused("CONV_2D with fused TANH", TargetRulesTest::convTanh, "nnapi-30", "fused activation TANH"),
                runs("CONV_2D with fused TANH", TargetRulesTest::convTanh, "gpu"),
                refused("float16 RELU", () -> unary(BuiltinOperator.RELU, FLOAT16), "nnapi-28",
                        "float16 tensors need API 29"),
                refused("dilated CONV_2D", () -> conv(FLOAT32, true, 2, 1), "nnapi-28", "dilated CONV_2D needs API"
                        + " 29"),
                runs("dilated CONV_2D", () -> conv(FLOAT32, true, 2, 1), "nnapi-29"),
                refused("grouped CONV_2D (version 6)", () -> conv(FLOAT32, true, 1, 6), "nnapi-35", "version 6"),
                refused("int8 CONV_2D", () -> conv(INT8, true, 1, 3), "nnapi-28", "before API 29"),
                runs("int8 CONV_2D", () -> conv(INT8, true, 1, 3), "nnapi-29"),
                refused("quantized DIV", () -> binary(BuiltinOperator.DIV, UINT8, 4), "nnapi-30", "quantized DIV"),
                runs("DIV", () -> binary(BuiltinOperator.DIV, FLOAT32, 4), "nnapi-28"),
                refused("DIV", () -> binary(BuiltinOperator.DIV, FLOAT32, 4), "nnapi-27", "before API 28"),
                refused("5-D ADD", () -> binary(BuiltinOperator.ADD, FLOAT32, 5), "nnapi-30", "5-D tensor"),
                refused("GELU", () -> unary(BuiltinOperator.GELU, FLOAT32), "nnapi-35", "Unsupported operation"),
                refused("SQUARE", () -> unary(BuiltinOperator.SQUARE, FLOAT32), "nnapi-35", "Unsupported operation"),
                refused("BATCH_MATMUL", TargetRulesTest::batchMatmul, "nnapi-35", "feature level 6"),
                refused("CONCATENATION with RELU", () -> concat(ActivationFunctionType.RELU), "nnapi-30",
                        "fused activation RELU"),
                runs("CONCATENATION", () -> concat(ActivationFunctionType.NONE), "nnapi-27"),
                refused("QUANTIZE to int8", () -> quantize(INT8), "nnapi-29", "must be uint8"),
                runs("QUANTIZE to int8", () -> quantize(INT8), "nnapi-30"),
                runs("QUANTIZE to uint8", () -> quantize(UINT8), "nnapi-29"),
                runs("DEQUANTIZE of constant fp16 weights", TargetRulesTest::dequantizeHalf, "nnapi-27"),
                refused("int16 ADD", () -> binary(BuiltinOperator.ADD, INT16, 4), "nnapi-30", "int16"),
                refused("int8 FLOOR (no int8 conversion)", () -> unary(BuiltinOperator.FLOOR, INT8), "nnapi-29",
                        "signed int8 tensors need API 30"),
                runs("int8 FLOOR", () -> unary(BuiltinOperator.FLOOR, INT8), "nnapi-30"),
                runs("int8 ADD (converted to uint8)", () -> binary(BuiltinOperator.ADD, INT8, 4), "nnapi-29"),
                refused("ELU", () -> unary(BuiltinOperator.ELU, FLOAT32), "nnapi-29", "before API 30"),
                runs("ELU", () -> unary(BuiltinOperator.ELU, FLOAT32), "nnapi-30"),
                refused("quantized SUM", () -> sum(UINT8), "nnapi-30", "float32 SUM"),
                runs("SUM", () -> sum(FLOAT32), "nnapi-29"),
                // GPU, CheckGpuDelegateCompatibility
                refused("5-D ADD", () -> binary(BuiltinOperator.ADD, FLOAT32, 5), "gpu", "at most 4-D"),
                refused("LOG_SOFTMAX", () -> unary(BuiltinOperator.LOG_SOFTMAX, FLOAT32), "gpu", "Not supported op"),
                refused("SOFTMAX beta 0.5", () -> softmax(0.5f), "gpu", "beta"),
                runs("SOFTMAX", () -> softmax(1f), "gpu"),
                refused("outer-product MUL", TargetRulesTest::outerMul, "gpu", "outer product"),
                refused("DEPTHWISE_CONV_2D multiplier 2 on 3 channels", TargetRulesTest::depthwiseMultiplier, "gpu",
                        "depth_multiplier"),
                refused("MIRROR_PAD symmetric", () -> mirrorPad(MirrorPadMode.SYMMETRIC), "gpu", "REFLECT"),
                runs("MIRROR_PAD reflect", () -> mirrorPad(MirrorPadMode.REFLECT), "gpu"),
                refused("FULLY_CONNECTED of a constant", TargetRulesTest::fullyConnectedOfConstant, "gpu",
                        "constant input"),
                refused("RESHAPE computed shape", () -> reshape(false), "gpu", "runtime"),
                refused("int16 ADD", () -> binary(BuiltinOperator.ADD, INT16, 4), "gpu", "int16"),
                refused("STRIDED_SLICE shrinking an axis", () -> stridedSlice(1), "gpu", "shrink-axis"),
                runs("STRIDED_SLICE", () -> stridedSlice(0), "gpu"),
                refused("RESIZE_BILINEAR align_corners and half_pixel_centers", () -> resize(true, true, true), "gpu",
                        "both set"),
                refused("ADD broadcasting 3-D into 4-D with batch 2", TargetRulesTest::broadcastBatch2, "gpu",
                        "broadcast"),
                runs("PRELU", TargetRulesTest::prelu, "gpu"),
                runs("GELU", () -> unary(BuiltinOperator.GELU, FLOAT32), "gpu"),
                // HTP, QNN.md / FACTS.md
                refused("float CONV_2D", () -> conv(FLOAT32, true, 1, 1), "htp-v68", "quantized 8/16-bit only"),
                refused("float CONV_2D", () -> conv(FLOAT32, true, 1, 1), "htp", "quantized 8/16-bit only"),
                runs("float CONV_2D (FP16)", () -> conv(FLOAT32, true, 1, 1), "htp-v69"),
                runs("int8 CONV_2D", () -> conv(INT8, true, 1, 3), "htp-v68"),
                runs("int8 DIV (ElementWiseDivide)", () -> binary(BuiltinOperator.DIV, INT8, 4), "htp-v73"),
                runs("int8 RSQRT (ElementWiseRsqrt)", () -> unary(BuiltinOperator.RSQRT, INT8), "htp-v68"),
                refused("ELU", () -> unary(BuiltinOperator.ELU, INT8), "htp-v73", "ElementWiseNeuron"),
                refused("5-D PRELU", () -> prelu5(), "htp-v73", "take rank 5"),
                runs("5-D ADD", () -> binary(BuiltinOperator.ADD, INT8, 5), "htp-v73"),
                refused("6-D ADD", () -> binary(BuiltinOperator.ADD, INT8, 6), "htp-v73", "at most 5-D"),
                refused("EXP", () -> unary(BuiltinOperator.EXP, INT8), "htp-v75", "no QNN op"),
                runs("depthwise d2 s2 k3", () -> depthwiseDilated(3), "htp-v73"),
                refused("depthwise d2 s2 k5", () -> depthwiseDilated(5), "htp-v73", "dilated depthwise"),
                // CPU, XNNPACK (measured rows in CpuRulesTest)
                runs("TANH", () -> unary(BuiltinOperator.TANH, FLOAT32), "cpu"),
                refused("int8 ADD", () -> binary(BuiltinOperator.ADD, INT8, 4), "cpu", "8-bit quantized"),
                refused("EXP", () -> unary(BuiltinOperator.EXP, FLOAT32), "cpu", "op switch"),
                runs("int16 DEPTH_TO_SPACE", TargetRulesTest::depthToSpace16, "cpu"),
                refused("int16 ADD", () -> binary(BuiltinOperator.ADD, INT16, 4), "cpu", "int16"),
                refused("7-D ADD", () -> binary(BuiltinOperator.ADD, FLOAT32, 7), "cpu", "at most 6-D"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void ruleHolds(Case c) {
        TfliteModel m = c.model().get();
        OpVerdict v = TargetCheck.run(m, Target.byName(c.target()), List.of()).operators().get(0);
        assertEquals(c.runs(), v.runs(), v.reasons());
        if (!c.runs()) {
            assertTrue(v.reasons().contains(c.why()), "\"" + c.why() + "\" not in: " + v.reasons());
            v.refusals().forEach(r -> assertTrue(!r.source().isBlank(), "a refusal without its source"));
        }
    }

    private static Case runs(String name, Supplier<TfliteModel> m, String target) {
        return new Case(name, m, target, true, null);
    }

    private static Case refused(String name, Supplier<TfliteModel> m, String target, String why) {
        return new Case(name, m, target, false, why);
    }

    private static long[] shape(int rank) {
        long[] s = new long[rank];
        java.util.Arrays.fill(s, 2);
        s[0] = 1;
        return s;
    }

    private static TfliteModel unary(int op, TfliteType type) {
        return OneOp.of(op, null, act(type, 1, 4, 4, 3), act(type, 1, 4, 4, 3));
    }

    private static TfliteModel binary(int op, TfliteType type, int rank) {
        Object options = switch (op) {
            case BuiltinOperator.ADD -> new org.tensorflow.lite.schema.AddOptionsT();
            case BuiltinOperator.DIV -> new org.tensorflow.lite.schema.DivOptionsT();
            default -> null;
        };
        return OneOp.of(op, options, act(type, shape(rank)), act(type, shape(rank)), act(type, shape(rank)));
    }

    private static TfliteModel prelu() {
        return OneOp.of(BuiltinOperator.PRELU, null, act(FLOAT32, 1, 4, 4, 3), act(FLOAT32, 1, 4, 4, 3),
                constFloat(1, 1, 3));
    }

    private static TfliteModel prelu5() {
        return OneOp.of(BuiltinOperator.PRELU, null, act(INT8, shape(5)), act(INT8, shape(5)), constOf(INT8, 2));
    }

    private static TfliteModel resize(boolean alignCorners, boolean halfPixel, boolean constantSize) {
        ResizeBilinearOptionsT o = new ResizeBilinearOptionsT();
        o.setAlignCorners(alignCorners);
        o.setHalfPixelCenters(halfPixel);
        return OneOp.of(BuiltinOperator.RESIZE_BILINEAR, 3, o, act(FLOAT32, 1, 8, 8, 3), act(FLOAT32, 1, 4, 4, 3),
                constantSize ? ints(8, 8) : act(INT32, 2));
    }

    private static TfliteModel reshape(boolean constantShape) {
        return OneOp.of(BuiltinOperator.RESHAPE, null, act(FLOAT32, 1, 48), act(FLOAT32, 1, 4, 4, 3),
                constantShape ? ints(1, 48) : act(INT32, 2));
    }

    private static TfliteModel transpose(boolean constantPerm) {
        return OneOp.of(BuiltinOperator.TRANSPOSE, null, act(FLOAT32, 1, 3, 4, 4), act(FLOAT32, 1, 4, 4, 3),
                constantPerm ? ints(0, 3, 1, 2) : act(INT32, 4));
    }

    private static TfliteModel transposeConv(boolean constantWeights) {
        org.tensorflow.lite.schema.TransposeConvOptionsT o = new org.tensorflow.lite.schema.TransposeConvOptionsT();
        o.setStrideH(2);
        o.setStrideW(2);
        return OneOp.of(BuiltinOperator.TRANSPOSE_CONV, o, act(FLOAT32, 1, 8, 8, 3), ints(1, 8, 8, 3),
                constantWeights ? constFloat(3, 2, 2, 3) : act(FLOAT32, 3, 2, 2, 3), act(FLOAT32, 1, 4, 4, 3));
    }

    private static TfliteModel conv(TfliteType type, boolean bias, int dilation, int version) {
        Conv2DOptionsT o = new Conv2DOptionsT();
        o.setStrideH(1);
        o.setStrideW(1);
        o.setDilationHFactor(dilation);
        o.setDilationWFactor(dilation);
        OneOp.Spec w = type == FLOAT32 ? constFloat(4, 3, 3, 3) : constOf(INT8, 4, 3, 3, 3);
        OneOp.Spec b = !bias ? omitted() : type == FLOAT32 ? constFloat(4) : constOf(INT32, 4);
        return OneOp.of(BuiltinOperator.CONV_2D, version, o, act(type, 1, 8, 8, 4), act(type, 1, 8, 8, 3), w, b);
    }

    private static TfliteModel convTanh() {
        Conv2DOptionsT o = new Conv2DOptionsT();
        o.setStrideH(1);
        o.setStrideW(1);
        o.setFusedActivationFunction((byte) ActivationFunctionType.TANH);
        return OneOp.of(BuiltinOperator.CONV_2D, o, act(FLOAT32, 1, 8, 8, 4), act(FLOAT32, 1, 8, 8, 3),
                constFloat(4, 3, 3, 3), constFloat(4));
    }

    private static TfliteModel batchMatmul() {
        return OneOp.of(BuiltinOperator.BATCH_MATMUL, null, act(FLOAT32, 1, 4, 5), act(FLOAT32, 1, 4, 3),
                constFloat(1, 3, 5));
    }

    private static TfliteModel concat(int activation) {
        ConcatenationOptionsT o = new ConcatenationOptionsT();
        o.setAxis(3);
        o.setFusedActivationFunction((byte) activation);
        return OneOp.of(BuiltinOperator.CONCATENATION, o, act(FLOAT32, 1, 4, 4, 6), act(FLOAT32, 1, 4, 4, 3),
                act(FLOAT32, 1, 4, 4, 3));
    }

    private static TfliteModel quantize(TfliteType to) {
        return OneOp.of(BuiltinOperator.QUANTIZE, null, act(to, 1, 4, 4, 3), act(FLOAT32, 1, 4, 4, 3));
    }

    private static TfliteModel dequantizeHalf() {
        return OneOp.of(BuiltinOperator.DEQUANTIZE, null, act(FLOAT32, 4, 3, 3, 3), constHalf(4, 3, 3, 3));
    }

    private static TfliteModel sum(TfliteType type) {
        return OneOp.of(BuiltinOperator.SUM, new org.tensorflow.lite.schema.ReducerOptionsT(), act(type, 1, 1, 1, 3),
                act(type, 1, 4, 4, 3), ints(1, 2));
    }

    private static TfliteModel softmax(float beta) {
        SoftmaxOptionsT o = new SoftmaxOptionsT();
        o.setBeta(beta);
        return OneOp.of(BuiltinOperator.SOFTMAX, o, act(FLOAT32, 1, 10), act(FLOAT32, 1, 10));
    }

    private static TfliteModel outerMul() {
        return OneOp.of(BuiltinOperator.MUL, new org.tensorflow.lite.schema.MulOptionsT(), act(FLOAT32, 1, 1, 4, 4),
                act(FLOAT32, 1, 1, 4, 1), act(FLOAT32, 1, 1, 1, 4));
    }

    private static TfliteModel depthwiseMultiplier() {
        DepthwiseConv2DOptionsT o = new DepthwiseConv2DOptionsT();
        o.setStrideH(1);
        o.setStrideW(1);
        o.setDepthMultiplier(2);
        return OneOp.of(BuiltinOperator.DEPTHWISE_CONV_2D, 2, o, act(FLOAT32, 1, 8, 8, 6), act(FLOAT32, 1, 8, 8, 3),
                constFloat(1, 3, 3, 6), constFloat(6));
    }

    private static TfliteModel depthwiseDilated(int k) {
        DepthwiseConv2DOptionsT o = new DepthwiseConv2DOptionsT();
        o.setStrideH(2);
        o.setStrideW(2);
        o.setDilationHFactor(2);
        o.setDilationWFactor(2);
        o.setDepthMultiplier(1);
        return OneOp.of(BuiltinOperator.DEPTHWISE_CONV_2D, 2, o, act(INT8, 1, 4, 4, 3), act(INT8, 1, 8, 8, 3),
                constOf(INT8, 1, k, k, 3), constOf(INT32, 3));
    }

    private static TfliteModel mirrorPad(int mode) {
        MirrorPadOptionsT o = new MirrorPadOptionsT();
        o.setMode((byte) mode);
        return OneOp.of(BuiltinOperator.MIRROR_PAD, o, act(FLOAT32, 1, 6, 6, 3), act(FLOAT32, 1, 4, 4, 3),
                ints(new long[] {4, 2}, 0, 0, 1, 1, 1, 1, 0, 0));
    }

    private static TfliteModel fullyConnectedOfConstant() {
        return OneOp.of(BuiltinOperator.FULLY_CONNECTED, new FullyConnectedOptionsT(), act(FLOAT32, 1, 4),
                constFloat(1, 3), act(FLOAT32, 4, 3));
    }

    private static TfliteModel stridedSlice(int shrinkMask) {
        StridedSliceOptionsT o = new StridedSliceOptionsT();
        o.setShrinkAxisMask(shrinkMask);
        return OneOp.of(BuiltinOperator.STRIDED_SLICE, o, act(FLOAT32, 1, 2, 4, 3), act(FLOAT32, 1, 4, 4, 3),
                ints(0, 0, 0, 0), ints(1, 2, 4, 3), ints(1, 1, 1, 1));
    }

    private static TfliteModel broadcastBatch2() {
        return OneOp.of(BuiltinOperator.ADD, new org.tensorflow.lite.schema.AddOptionsT(), act(FLOAT32, 2, 4, 4, 3),
                act(FLOAT32, 2, 4, 4, 3), act(FLOAT32, 4, 4, 3));
    }

    private static TfliteModel depthToSpace16() {
        org.tensorflow.lite.schema.DepthToSpaceOptionsT o = new org.tensorflow.lite.schema.DepthToSpaceOptionsT();
        o.setBlockSize(2);
        return OneOp.of(BuiltinOperator.DEPTH_TO_SPACE, o, act(INT16, 1, 8, 8, 1), act(INT16, 1, 4, 4, 4));
    }

}
