package isptool.backends.target;

import static isptool.backends.target.Checks.maxRank;
import static isptool.backends.target.Checks.refuseIf;
import static isptool.backends.target.Checks.unsupported;
import static isptool.backends.tflite.TfliteType.FLOAT16;
import static isptool.backends.tflite.TfliteType.FLOAT32;

import java.util.Set;

/**
 * What the Qualcomm HTP runs, from the QNN op definitions and the HTP supplement as summarised in
 * shared/docs/QNN.md (§5 ops, §6 limits) and FACTS.md §4. Each TFLite op is mapped to the QNN op a
 * converter makes of it; ops with no QNN op in those facts are refused as not known to run there.
 */
final class HtpRules {
    static final String OPS = "shared/docs/QNN.md §5 (QNN MasterOpDef / SupportedOps, SDK 2.13)";
    static final String LIMITS = "shared/docs/QNN.md §6 (HtpOpDefSupplement, SDK 2.13)";
    static final String FACTS = "shared/docs/FACTS.md §4";

    /** Ops whose QNN form takes rank 5 on HTP (QNN.md §6); every other op at most rank 4. */
    private static final Set<String> RANK5 = Set.of("ADD", "MUL", "SUB", "RELU", "RELU6", "RELU_N1_TO_1",
            "RELU_0_TO_1", "STRIDED_SLICE", "CONCATENATION");

    /** The first Hexagon architecture with a floating-point (FP16) path: Snapdragon 8 Gen 1. */
    static final int FIRST_FP16_ARCH = 69;

    static final RuleTable TABLE = build();

    private HtpRules() {
    }

    private static RuleTable build() {
        RuleTable.Builder b = RuleTable.builder("htp", OPS);
        b.all(LIMITS, maxRank(5));
        b.all(LIMITS, refuseIf((op, t) -> op.maxRank() == 5 && !RANK5.contains(op.op()),
                "a 5-D tensor; on HTP only Add/Mul/Sub, ReluMinMax, StridedSlice and Concat take rank 5"));
        b.all(FACTS, (op, t) -> t.htpArch() < FIRST_FP16_ARCH && floatActivations(op)
                ? "float activations: HTP v" + t.htpArch() + " runs quantized 8/16-bit only (FP16 from v"
                        + FIRST_FP16_ARCH + ", Snapdragon 8 Gen 1); convert with --precision int8 or int16x8"
                : null);

        b.op(qnn("Conv2d"), "CONV_2D");
        b.op(qnn("DepthWiseConv2d"), "DEPTHWISE_CONV_2D");
        b.op(LIMITS, "DEPTHWISE_CONV_2D", refuseIf((op, t) -> dilated(op) && strided(op)
                && !(dilation(op) == 2 && stride(op) == 2 && kernel3(op)),
                "dilated depthwise convolution with stride above 1 (HTP takes it with stride 1, or d2 s2 k3)"));
        b.op(qnn("TransposeConv2d"), "TRANSPOSE_CONV");
        b.op(qnn("FullyConnected"), "FULLY_CONNECTED");
        b.op(qnn("MatMul"), "BATCH_MATMUL");
        b.op(qnn("ElementWiseAdd / ElementWiseMultiply / ElementWiseSubtract"), "ADD MUL SUB");
        b.op(HtpQnnOps.SUPPORTED_OPS + ": QNN ElementWiseDivide / ElementWiseMaximum / ElementWiseMinimum",
                "DIV MAXIMUM MINIMUM");
        b.op(HtpQnnOps.SUPPORTED_OPS + ": QNN ElementWiseSquareRoot / ElementWiseRsqrt", "SQRT RSQRT");
        b.op("ELU", unsupported("becomes QNN ElementWiseNeuron, which SupportedOps (2.13) lists for the CPU"
                + " backend only"));
        b.op(qnn("Relu"), "RELU");
        b.op(qnn("ReluMinMax"), "RELU6 RELU_N1_TO_1 RELU_0_TO_1");
        b.op(qnn("Sigmoid"), "LOGISTIC");
        b.op(qnn("Tanh"), "TANH");
        b.op(qnn("Gelu"), "GELU");
        b.op(qnn("HardSwish"), "HARD_SWISH");
        b.op(qnn("Prelu"), "PRELU LEAKY_RELU");
        b.op(qnn("Reshape"), "RESHAPE");
        b.op(qnn("Transpose"), "TRANSPOSE");
        b.op(qnn("DepthToSpace"), "DEPTH_TO_SPACE");
        b.op(qnn("SpaceToDepth"), "SPACE_TO_DEPTH");
        b.op(qnn("ResizeBilinear / ResizeNearestNeighbor"), "RESIZE_BILINEAR RESIZE_NEAREST_NEIGHBOR",
                refuseIf((op, t) -> op.flag("getAlignCorners") && op.flag("getHalfPixelCenters"),
                        "align_corners and half_pixel_centers both set (QNN takes one or the other)"));
        b.op(qnn("Concat"), "CONCATENATION");
        b.op(qnn("ReduceMean"), "MEAN");
        b.op(qnn("PoolAvg2d"), "AVERAGE_POOL_2D");
        b.op(qnn("PoolMax2d"), "MAX_POOL_2D");
        b.op(qnn("Softmax"), "SOFTMAX"); // TFLite's SOFTMAX is over the last axis, the one HTP takes
        b.op(qnn("StridedSlice"), "STRIDED_SLICE SLICE");
        b.op(qnn("Pad"), "PAD PADV2 MIRROR_PAD");
        b.op(qnn("Quantize / Dequantize"), "QUANTIZE DEQUANTIZE");
        b.op("EXP LOG ABS POW NEG FLOOR CEIL SIGN SQUARE SQUARED_DIFFERENCE SUM REDUCE_MAX REDUCE_MIN"
                        + " REDUCE_PROD GATHER TILE SPLIT SPLIT_V ADD_N LOG_SOFTMAX LOCAL_RESPONSE_NORMALIZATION",
                unsupported("no QNN op for it in isptool's QNN facts (QNN.md §5); not known to run on HTP"));
        return b.build();
    }

    /** The source of a row that maps the op to a QNN op the HTP runs (its limits are the general rows). */
    private static String qnn(String qnnOp) {
        return OPS + ": QNN " + qnnOp;
    }

    private static boolean floatActivations(OpView op) {
        return (op.activationIs(FLOAT32) || op.activationIs(FLOAT16)) && !op.op().equals("QUANTIZE")
                && !op.op().equals("DEQUANTIZE");
    }

    private static boolean dilated(OpView op) {
        return dilation(op) != 1 || op.intOption("getDilationWFactor", 1) != 1;
    }

    private static int dilation(OpView op) {
        return op.intOption("getDilationHFactor", 1);
    }

    private static boolean strided(OpView op) {
        return stride(op) != 1 || op.intOption("getStrideW", 1) != 1;
    }

    private static int stride(OpView op) {
        return op.intOption("getStrideH", 1);
    }

    private static boolean kernel3(OpView op) {
        long[] w = op.input(1).shape();
        return w.length == 4 && w[1] == 3 && w[2] == 3;
    }
}
