package isptool.backends.target;

import static isptool.backends.target.Checks.maxRank;
import static isptool.backends.target.Checks.refuseIf;
import static isptool.backends.target.Checks.unsupported;
import static isptool.backends.tflite.TfliteType.INT16;
import static isptool.backends.tflite.TfliteType.INT32;

import isptool.backends.tflite.TfliteModel.TensorInfo;

/**
 * What the TFLite GPU delegate takes: rows paraphrase CheckGpuDelegateCompatibility (the checks
 * the delegate's model builder runs); ops it does not list are refused there ("Not supported op").
 */
final class GpuRules {
    static final String COMPAT = "tensorflow/tensorflow tensorflow/lite/tools/versioning/gpu_compatibility.cc"
            + " CheckGpuDelegateCompatibility";
    static final String FACTS = "shared/docs/FACTS.md §4";

    static final RuleTable TABLE = build();

    private GpuRules() {
    }

    private static RuleTable build() {
        RuleTable.Builder b = RuleTable.builder("gpu", COMPAT);
        b.all(FACTS, maxRank(4));
        b.all(COMPAT + " (DEQUANTIZE: Unsupported dequantization type)", refuseIf((op, t) -> op.activationIs(INT16),
                "int16 tensors (int16x8); the GPU delegate runs float and 8-bit quantized models"));
        Check activation = refuseIf((op, t) -> op.fusedActivation().equals("SIGN_BIT"),
                "fused activation SIGN_BIT is not supported");

        b.op("ADD", inputs(2), broadcast());
        b.op("MUL", inputs(2), broadcast(), refuseIf((op, t) -> eachSmallerSomewhere(op), "MUL where each input is"
                + " smaller than the other in some dimension (an outer product)"), activation);
        b.op("ADD_N", inputs(2));
        b.op("AVERAGE_POOL_2D MAX_POOL_2D", runtimeInputs(1), activation);
        b.op("CONV_2D TRANSPOSE_CONV", refuseIf((op, t) -> runtime(op) > 2, "more than 2 runtime inputs"), activation);
        b.op("DEPTHWISE_CONV_2D", activation, refuseIf((op, t) -> op.intOption("getDepthMultiplier", 1) != 1
                && op.input(0).shape()[3] != 1, "depth_multiplier != 1 with more than one input channel"));
        b.op("DEPTH_TO_SPACE SPACE_TO_DEPTH", refuseIf((op, t) -> op.intOption("getBlockSize", 2) < 2,
                "block_size below 2"));
        b.op("DEQUANTIZE QUANTIZE", inputs(1));
        b.op("FULLY_CONNECTED", refuseIf((op, t) -> op.isConstant(0), "a constant input (input 0)"),
                refuseIf((op, t) -> runtime(op) > 2, "more than 2 runtime inputs"),
                refuseIf((op, t) -> op.flag("getKeepNumDims")
                        && op.input(0).shape().length != op.output(0).shape().length,
                        "keep_num_dims with different input and output ranks"));
        b.op("BATCH_MATMUL", inputs(2));
        b.op("GATHER", refuseIf((op, t) -> op.inputType(0) == INT32, "int32 data"),
                refuseIf((op, t) -> op.input(1).shape().length != 1 || op.inputType(1) != INT32,
                        "indices that are not a 1-D int32 tensor"));
        b.op("HARD_SWISH RELU RELU6 RELU_N1_TO_1 LEAKY_RELU PRELU CONCATENATION SPLIT SPLIT_V");
        b.op("MEAN SUM REDUCE_MAX REDUCE_MIN REDUCE_PROD", runtimeInputs(1), refuseIf((op, t) -> !op.isConstant(1)
                || op.inputType(1) != INT32, "the axes (input 1) are not a constant int32 tensor"));
        b.op("RESHAPE TILE TRANSPOSE RESIZE_NEAREST_NEIGHBOR", runtimeInputs(1));
        b.op("RESIZE_BILINEAR", runtimeInputs(1), refuseIf((op, t) -> op.flag("getAlignCorners")
                && op.flag("getHalfPixelCenters"), "align_corners and half_pixel_centers both set"));
        b.op("SLICE", refuseIf((op, t) -> rank0(op) != 3 && rank0(op) != 4, "SLICE of a tensor that is not 3-D or"
                + " 4-D"));
        b.op("STRIDED_SLICE", refuseIf((op, t) -> rank0(op) != 3 && rank0(op) != 4, "STRIDED_SLICE of a tensor"
                        + " that is not 3-D or 4-D"),
                refuseIf((op, t) -> op.intOption("getEllipsisMask", 0) != 0 || op.intOption("getNewAxisMask", 0) != 0
                        || op.intOption("getShrinkAxisMask", 0) != 0, "ellipsis, new-axis or shrink-axis masks"));
        b.op("SOFTMAX", refuseIf((op, t) -> op.options() != null && softmaxBeta(op) != 1f, "softmax beta != 1"));
        b.op("PAD PADV2 MIRROR_PAD", runtimeInputs(1), refuseIf((op, t) -> op.op().equals("MIRROR_PAD")
                        && op.intOption("getMode", 0) != 0, "MIRROR_PAD mode other than REFLECT"),
                refuseIf((op, t) -> op.input(1).shape().length != 2
                        || op.input(1).shape()[0] != 3 && op.input(1).shape()[0] != 4,
                        "paddings that are not 3x2 or 4x2"));
        b.op("ABS CEIL ELU EXP FLOOR GELU LOG LOGISTIC NEG RSQRT SIGN SQRT SQUARE TANH",
                refuseIf((op, t) -> runtime(op) != 1 || op.isConstant(0), "not exactly one runtime input"));
        b.op("DIV MAXIMUM MINIMUM POW SQUARED_DIFFERENCE SUB", refuseIf((op, t) -> runtime(op) + constants(op) > 2
                || runtime(op) == 0, "not 2 operands with at least one computed"), activation);
        b.op("LOCAL_RESPONSE_NORMALIZATION LOG_SOFTMAX RELU_0_TO_1",
                unsupported("not supported by the GPU delegate (Not supported op)"));
        return b.build();
    }

    private static Check inputs(int n) {
        return refuseIf((op, t) -> op.inputCount() != n, "not exactly " + n + " inputs");
    }

    private static Check runtimeInputs(int n) {
        return refuseIf((op, t) -> runtime(op) != n, "not exactly " + n + " runtime (non-constant) input");
    }

    /** Without the enhanced-broadcast flag: different ranks (both above 1) broadcast only 3-D or 2-D into 4-D. */
    private static Check broadcast() {
        return refuseIf((op, t) -> !broadcastable(op.input(0), op.input(1)), "broadcast between these ranks is"
                + " not supported (only 3-D to 4-D with batch 1, [1,1] or [b,c] to [b,h,w,c])");
    }

    static boolean broadcastable(TensorInfo a, TensorInfo b) {
        if (a == null || b == null) {
            return true;
        }
        long[] x = a.shape();
        long[] y = b.shape();
        if (x.length <= 1 || y.length <= 1 || x.length == y.length) {
            return true;
        }
        long[] longer = x.length > y.length ? x : y;
        long[] shorter = x.length > y.length ? y : x;
        if (longer.length != 4) {
            return false;
        }
        return shorter.length == 3 && longer[0] == 1
                || shorter.length == 2 && longer[0] == 1 && shorter[0] == 1 && shorter[1] == 1
                || shorter.length == 2 && longer[0] == shorter[0] && longer[3] == shorter[1];
    }

    private static boolean eachSmallerSomewhere(OpView op) {
        long[] a = op.input(0).shape();
        long[] b = op.input(1).shape();
        if (a.length != b.length) {
            return false;
        }
        boolean aSmaller = false;
        boolean bSmaller = false;
        for (int i = 0; i < a.length; i++) {
            aSmaller |= a[i] < b[i];
            bSmaller |= b[i] < a[i];
        }
        return aSmaller && bSmaller;
    }

    private static int runtime(OpView op) {
        return op.runtimeInputs();
    }

    private static int constants(OpView op) {
        return op.constantInputs();
    }

    private static int rank0(OpView op) {
        return op.input(0).shape().length;
    }

    private static float softmaxBeta(OpView op) {
        return op.options() instanceof org.tensorflow.lite.schema.SoftmaxOptionsT s ? s.getBeta() : 1f;
    }
}
