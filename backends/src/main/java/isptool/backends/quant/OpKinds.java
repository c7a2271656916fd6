package isptool.backends.quant;

import isptool.backends.tflite.Quantization;
import isptool.graph.DType;
import java.util.Map;
import java.util.Set;

/**
 * What the TFLite integer kernels expect of each op, by category: ops with per-channel weights,
 * ops whose output must share the input's scale and zero point, ops with fixed output
 * parameters, ops free to choose their own output parameters; any other op has no integer kernel.
 */
final class OpKinds {
    /** Weighted ops: the weight input, its per-channel axis, the data input and the bias input. */
    record Weighted(int weights, int axis, int data, int bias) {
    }

    private static final Map<String, Weighted> WEIGHTED = Map.of(
            "CONV_2D", new Weighted(1, 0, 0, 2),
            "DEPTHWISE_CONV_2D", new Weighted(1, 3, 0, 2),
            "FULLY_CONNECTED", new Weighted(1, 0, 0, 2),
            "TRANSPOSE_CONV", new Weighted(1, 0, 2, 3));

    /** Output params = params of the data input. */
    private static final Set<String> SAME_AS_INPUT = Set.of("MAX_POOL_2D", "AVERAGE_POOL_2D", "RESHAPE", "SQUEEZE",
            "EXPAND_DIMS", "DEPTH_TO_SPACE", "SPACE_TO_DEPTH", "TRANSPOSE", "PAD", "STRIDED_SLICE", "SLICE", "SPLIT",
            "SPLIT_V", "GATHER", "RESIZE_BILINEAR", "RESIZE_NEAREST_NEIGHBOR", "BROADCAST_TO", "TILE", "UNPACK",
            "REDUCE_MAX", "REDUCE_MIN");

    /** Every input and the output share params. */
    private static final Set<String> ALL_SAME = Set.of("CONCATENATION", "MAXIMUM", "MINIMUM", "PACK");

    /** Own output params, any input params. */
    private static final Set<String> FREE = Set.of("ADD", "SUB", "MUL", "PRELU", "LEAKY_RELU", "RELU", "RELU6",
            "RELU_N1_TO_1", "MEAN", "SUM", "HARD_SWISH", "GELU", "RSQRT", "SQUARED_DIFFERENCE", "ABS", "ELU", "EXP",
            "LOG", "NEG");

    private static final Set<String> FIXED = Set.of("LOGISTIC", "TANH", "SOFTMAX");

    /**
     * The 16x8 kernels TFLite has (int16 activations); the others stay float in INT16X8 models
     * (TFLite 2.19 has no int16 PRELU or DEPTH_TO_SPACE).
     */
    private static final Set<String> INT16 = Set.of("CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED",
            "TRANSPOSE_CONV", "ADD", "SUB", "MUL", "LOGISTIC", "TANH", "SOFTMAX", "CONCATENATION", "RESHAPE",
            "SQUEEZE", "EXPAND_DIMS", "MAX_POOL_2D", "AVERAGE_POOL_2D", "MEAN", "SUM", "PAD", "STRIDED_SLICE",
            "SLICE", "SPLIT", "SPLIT_V", "TRANSPOSE", "RESIZE_BILINEAR", "RESIZE_NEAREST_NEIGHBOR", "LEAKY_RELU",
            "RELU", "RELU6", "MAXIMUM", "MINIMUM", "SPACE_TO_DEPTH", "GATHER", "PACK",
            "UNPACK", "HARD_SWISH", "GELU", "RSQRT", "ABS", "NEG", "REDUCE_MAX", "REDUCE_MIN", "TILE",
            "BROADCAST_TO", "ELU", "EXP", "LOG");

    private OpKinds() {
    }

    static Weighted weighted(String op) {
        return WEIGHTED.get(op);
    }

    static boolean sameAsInput(String op) {
        return SAME_AS_INPUT.contains(op);
    }

    static boolean allSame(String op) {
        return ALL_SAME.contains(op);
    }

    /** True when TFLite has an integer kernel for op at this activation type. */
    static boolean hasIntegerKernel(String op, DType activations) {
        boolean known = WEIGHTED.containsKey(op) || SAME_AS_INPUT.contains(op) || ALL_SAME.contains(op)
                || FREE.contains(op) || FIXED.contains(op);
        return known && (activations == DType.INT8 || INT16.contains(op));
    }

    /** The output params TFLite's kernels require for op, or null when the op chooses freely. */
    static Quantization fixedOutput(String op, DType activations) {
        if (!FIXED.contains(op)) {
            return null;
        }
        if (activations == DType.INT16) {
            return Quantization.perTensor(1.0 / 32768, 0);
        }
        return op.equals("TANH") ? Quantization.perTensor(1.0 / 128, 0) : Quantization.perTensor(1.0 / 256, -128);
    }

    /**
     * The operator version TFLite's converter writes for the integer form of op (the kernels
     * dispatch on tensor types; the version tells runtimes and delegates which form to expect).
     */
    static int version(String op, DType activations, int floatVersion) {
        boolean int16 = activations == DType.INT16;
        int v = switch (op) {
            case "CONV_2D" -> int16 ? 4 : 3;
            case "DEPTHWISE_CONV_2D" -> int16 ? 5 : 3;
            case "FULLY_CONNECTED" -> int16 ? 7 : 4;
            case "TRANSPOSE_CONV" -> int16 ? 3 : 2;
            case "ADD", "SUB", "LOGISTIC", "TANH", "SOFTMAX", "CONCATENATION", "MAX_POOL_2D", "AVERAGE_POOL_2D",
                    "MEAN", "RELU", "MAXIMUM", "MINIMUM" -> int16 ? 3 : 2;
            case "MUL", "PAD", "DEPTH_TO_SPACE", "RESIZE_BILINEAR", "RESIZE_NEAREST_NEIGHBOR", "TRANSPOSE",
                    "STRIDED_SLICE", "LEAKY_RELU", "SPLIT", "SLICE", "GATHER", "SPACE_TO_DEPTH", "RELU6" -> 2;
            default -> 1;
        };
        return Math.max(v, floatVersion);
    }
}
