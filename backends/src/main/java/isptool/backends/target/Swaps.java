package isptool.backends.target;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The rewrite isptool has (or plans, issue 10) for an op a target refuses, one line each; the
 * rewrites themselves are passes under passes/.../target and run with {@code convert --target}.
 */
public final class Swaps {
    private static final Map<String, String> BY_OP = new LinkedHashMap<>();

    static {
        BY_OP.put("PRELU", "exact: relu(x) - a*relu(-x) from RELU/MUL/SUB");
        BY_OP.put("LEAKY_RELU", "exact: relu(x) - a*relu(-x) from RELU/MUL/SUB");
        BY_OP.put("HARD_SWISH", "exact: x*relu6(x+3)/6 from ADD/RELU6/MUL");
        BY_OP.put("RELU_0_TO_1", "exact: HardSigmoid as relu6(x*a*6+b*6)/6 from MUL/ADD/RELU6");
        BY_OP.put("MINIMUM", "exact: Clip(0,6) -> RELU6, Clip(-1,1) -> RELU_N1_TO_1");
        BY_OP.put("MAXIMUM", "exact: Clip(0,6) -> RELU6, Clip(-1,1) -> RELU_N1_TO_1");
        BY_OP.put("SQUARE", "exact: MUL(x, x)");
        BY_OP.put("SQUARED_DIFFERENCE", "exact: d = SUB(a, b); MUL(d, d)");
        BY_OP.put("DIV", "exact when the divisor is constant: MUL by its reciprocal");
        BY_OP.put("MEAN", "exact: MEAN over H,W -> AVERAGE_POOL_2D");
        BY_OP.put("SUM", "exact: MEAN x n");
        BY_OP.put("BATCH_MATMUL", "exact when one side is constant: FULLY_CONNECTED");
        BY_OP.put("RESIZE_BILINEAR", "exact for integer scales: half-pixel bilinear as a fixed-weight depthwise"
                + " TRANSPOSE_CONV (edge padded)");
        BY_OP.put("GATHER", "exact: a channel permutation folded into the producing convolutions");
        BY_OP.put("GELU", "approximate (--allow-approx): tanh form or x*sigmoid(1.702x), PSNR reported");
        BY_OP.put("QUANTIZE", "uint8 asymmetric model I/O before API 30");
        BY_OP.put("DEQUANTIZE", "uint8 asymmetric model I/O before API 30");
    }

    private Swaps() {
    }

    /** The swap for a refused operator; null when isptool has none. */
    public static String forOp(OpView op, Target target, boolean rankAbove4) {
        if (rankAbove4) {
            return "exact: the rank > 4 pattern as rank-4 ops (LayerNorm over channels, pixel shuffle)";
        }
        if ((op.op().equals("QUANTIZE") || op.op().equals("DEQUANTIZE"))
                && (target.family() != Target.Family.NNAPI || target.apiLevel() >= 30)) {
            return null;
        }
        if (op.op().equals("DIV") && !op.isConstant(1)) {
            return null;
        }
        if (op.op().equals("MEAN") && !java.util.Arrays.equals(op.constantLongs(1), new long[] {1, 2})) {
            return null; // only a mean over H,W is an average pool
        }
        return BY_OP.get(op.op());
    }

    /** Every swap, by op, for documentation and JSON. */
    public static Map<String, String> all() {
        return Map.copyOf(BY_OP);
    }
}
