package isptool.backends.tflite;

import java.util.Map;
import org.tensorflow.lite.schema.BuiltinOperator;

/**
 * The largest tensor rank each TFLite 2.19 builtin kernel takes. Past it some kernels fail
 * cleanly when tensors are allocated, but others abort the whole process (the interpreter checks
 * with a fatal assertion), so the lowering refuses such operators before anything runs them.
 *
 * <p>Measured with one-operator models (a rank-r input broadcast against a [1,2,1,...] constant,
 * with and without XNNPACK): PRELU, POW and SQUARED_DIFFERENCE abort at rank 5; DIV, MAXIMUM
 * and MINIMUM abort at rank 6 on the builtin kernels; PAD, PADV2, MIRROR_PAD and STRIDED_SLICE
 * refuse rank 6. ADD, SUB, MUL, CONCATENATION, SOFTMAX, LOG_SOFTMAX, TRANSPOSE, the reductions,
 * TILE, GATHER and SPLIT run at rank 6. Nothing is assumed to work above 6.
 */
public final class KernelLimits {
    /** Rank every kernel handles as far as measured. */
    public static final int DEFAULT_MAX_RANK = 6;

    private static final Map<Integer, Integer> MAX_RANK = Map.of(
            BuiltinOperator.PRELU, 4,
            BuiltinOperator.POW, 4,
            BuiltinOperator.SQUARED_DIFFERENCE, 4,
            BuiltinOperator.DIV, 5,
            BuiltinOperator.MAXIMUM, 5,
            BuiltinOperator.MINIMUM, 5,
            BuiltinOperator.PAD, 5,
            BuiltinOperator.PADV2, 5,
            BuiltinOperator.MIRROR_PAD, 5,
            BuiltinOperator.STRIDED_SLICE, 5);

    private KernelLimits() {
    }

    /** The largest rank of any input or output tensor the op's kernel takes. */
    public static int maxRank(int builtinCode) {
        return MAX_RANK.getOrDefault(builtinCode, DEFAULT_MAX_RANK);
    }
}
