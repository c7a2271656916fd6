package isptool.backends.tflite;

import static isptool.backends.tflite.TfliteOpTable.QuantKind.ALL_SAME;
import static isptool.backends.tflite.TfliteOpTable.QuantKind.FIXED;
import static isptool.backends.tflite.TfliteOpTable.QuantKind.FREE;
import static isptool.backends.tflite.TfliteOpTable.QuantKind.NONE;
import static isptool.backends.tflite.TfliteOpTable.QuantKind.SAME_AS_INPUT;
import static isptool.backends.tflite.TfliteOpTable.QuantKind.WEIGHTED;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The TFLite side of the op table: for every builtin the lowering and the quantizer write, one row
 * with what the TFLite 2.19 runtime does with it — the largest tensor rank its kernel takes, how
 * its integer form is quantized, whether it has an int16 (16x8) kernel, and the operator versions
 * of its int8 and int16 forms. The ONNX side (lowering, layout class) is
 * {@code tflite.lower.OpTable}; what each accelerator takes is in the target rule tables, one row
 * per op each, and a test fails when an op written here lacks a row there.
 *
 * <p>Ranks, measured with one-operator models (a rank-r input broadcast against a [1,2,1,...]
 * constant, with and without XNNPACK): PRELU, POW and SQUARED_DIFFERENCE abort at rank 5; DIV,
 * MAXIMUM and MINIMUM abort at rank 6 on the builtin kernels; PAD, PADV2, MIRROR_PAD and
 * STRIDED_SLICE refuse rank 6. ADD, SUB, MUL, CONCATENATION, SOFTMAX, LOG_SOFTMAX, TRANSPOSE, the
 * reductions, TILE, GATHER and SPLIT run at rank 6. Nothing is assumed to work above 6. Past its
 * rank some kernels fail cleanly when tensors are allocated, but others abort the whole process,
 * so the lowering refuses such operators before anything runs them.
 *
 * <p>Quantization kinds follow TFLite's integer kernels: per-channel weights (WEIGHTED), output
 * parameters equal to the data input's (SAME_AS_INPUT), every input and the output sharing them
 * (ALL_SAME), free output parameters (FREE), parameters fixed by the kernel (FIXED), no integer
 * kernel (NONE). Versions are what TFLite's converter writes for the integer forms (the kernels
 * dispatch on tensor types; the version tells runtimes and delegates which form to expect).
 */
public final class TfliteOpTable {
    /** Rank every kernel handles as far as measured. */
    public static final int DEFAULT_MAX_RANK = 6;

    /** How an op's integer form is quantized. */
    public enum QuantKind {
        WEIGHTED, SAME_AS_INPUT, ALL_SAME, FREE, FIXED, NONE
    }

    /** Weighted ops: the weight input, its per-channel axis, the data input and the bias input. */
    public record Weighted(int weights, int axis, int data, int bias) {
    }

    /** One builtin: see the class comment for each field. */
    public record Row(String op, int maxRank, QuantKind quant, Weighted weighted, boolean int16Kernel,
            int int8Version, int int16Version) {
    }

    private static final Map<String, Row> ROWS = rows(
            row("CONV_2D", 6, WEIGHTED, new Weighted(1, 0, 0, 2), true, 3, 4),
            row("DEPTHWISE_CONV_2D", 6, WEIGHTED, new Weighted(1, 3, 0, 2), true, 3, 5),
            row("FULLY_CONNECTED", 6, WEIGHTED, new Weighted(1, 0, 0, 2), true, 4, 7),
            row("TRANSPOSE_CONV", 6, WEIGHTED, new Weighted(1, 0, 2, 3), true, 2, 3),
            row("MAX_POOL_2D", 6, SAME_AS_INPUT, null, true, 2, 3),
            row("AVERAGE_POOL_2D", 6, SAME_AS_INPUT, null, true, 2, 3),
            row("RESHAPE", 6, SAME_AS_INPUT, null, true, 1, 1),
            row("SQUEEZE", 6, SAME_AS_INPUT, null, true, 1, 1),
            row("EXPAND_DIMS", 6, SAME_AS_INPUT, null, true, 1, 1),
            row("DEPTH_TO_SPACE", 6, SAME_AS_INPUT, null, false, 2, 2),
            row("SPACE_TO_DEPTH", 6, SAME_AS_INPUT, null, true, 2, 2),
            row("TRANSPOSE", 6, SAME_AS_INPUT, null, true, 2, 2),
            row("PAD", 5, SAME_AS_INPUT, null, true, 2, 2),
            row("STRIDED_SLICE", 5, SAME_AS_INPUT, null, true, 2, 2),
            row("SLICE", 6, SAME_AS_INPUT, null, true, 2, 2),
            row("SPLIT", 6, SAME_AS_INPUT, null, true, 2, 2),
            row("SPLIT_V", 6, SAME_AS_INPUT, null, true, 1, 1),
            row("GATHER", 6, SAME_AS_INPUT, null, true, 2, 2),
            row("RESIZE_BILINEAR", 6, SAME_AS_INPUT, null, true, 2, 2),
            row("RESIZE_NEAREST_NEIGHBOR", 6, SAME_AS_INPUT, null, true, 2, 2),
            row("BROADCAST_TO", 6, SAME_AS_INPUT, null, true, 1, 1),
            row("TILE", 6, SAME_AS_INPUT, null, true, 1, 1),
            row("UNPACK", 6, SAME_AS_INPUT, null, true, 1, 1),
            row("REDUCE_MAX", 6, SAME_AS_INPUT, null, true, 1, 1),
            row("REDUCE_MIN", 6, SAME_AS_INPUT, null, true, 1, 1),
            row("CONCATENATION", 6, ALL_SAME, null, true, 2, 3),
            row("MAXIMUM", 5, ALL_SAME, null, true, 2, 3),
            row("MINIMUM", 5, ALL_SAME, null, true, 2, 3),
            row("PACK", 6, ALL_SAME, null, true, 1, 1),
            row("ADD", 6, FREE, null, true, 2, 3),
            row("SUB", 6, FREE, null, true, 2, 3),
            row("MUL", 6, FREE, null, true, 2, 2),
            row("PRELU", 4, FREE, null, false, 1, 1),
            row("LEAKY_RELU", 6, FREE, null, true, 2, 2),
            row("RELU", 6, FREE, null, true, 2, 3),
            row("RELU6", 6, FREE, null, true, 2, 2),
            row("RELU_N1_TO_1", 6, FREE, null, false, 1, 1),
            row("MEAN", 6, FREE, null, true, 2, 3),
            row("SUM", 6, FREE, null, true, 1, 1),
            row("HARD_SWISH", 6, FREE, null, true, 1, 1),
            row("GELU", 6, FREE, null, true, 1, 1),
            row("RSQRT", 6, FREE, null, true, 1, 1),
            row("SQUARED_DIFFERENCE", 4, FREE, null, false, 1, 1),
            row("ABS", 6, FREE, null, true, 1, 1),
            row("ELU", 6, FREE, null, true, 1, 1),
            row("EXP", 6, FREE, null, true, 1, 1),
            row("LOG", 6, FREE, null, true, 1, 1),
            row("NEG", 6, FREE, null, true, 1, 1),
            row("LOGISTIC", 6, FIXED, null, true, 2, 3),
            row("TANH", 6, FIXED, null, true, 2, 3),
            row("SOFTMAX", 6, FIXED, null, true, 2, 3),
            row("POW", 4, NONE, null, false, 1, 1),
            row("DIV", 5, NONE, null, false, 1, 1),
            row("PADV2", 5, NONE, null, false, 1, 1),
            row("MIRROR_PAD", 5, NONE, null, false, 1, 1),
            row("ADD_N", 6, NONE, null, false, 1, 1),
            row("BATCH_MATMUL", 6, NONE, null, false, 1, 1),
            row("CEIL", 6, NONE, null, false, 1, 1),
            row("DEQUANTIZE", 6, NONE, null, false, 1, 1),
            row("FLOOR", 6, NONE, null, false, 1, 1),
            row("LOCAL_RESPONSE_NORMALIZATION", 6, NONE, null, false, 1, 1),
            row("LOG_SOFTMAX", 6, NONE, null, false, 1, 1),
            row("QUANTIZE", 6, NONE, null, false, 1, 1),
            row("REDUCE_PROD", 6, NONE, null, false, 1, 1),
            row("RELU_0_TO_1", 6, NONE, null, false, 1, 1),
            row("SIGN", 6, NONE, null, false, 1, 1),
            row("SQRT", 6, NONE, null, false, 1, 1));

    private TfliteOpTable() {
    }

    private static Row row(String op, int maxRank, QuantKind quant, Weighted weighted, boolean int16Kernel,
            int int8Version, int int16Version) {
        return new Row(op, maxRank, quant, weighted, int16Kernel, int8Version, int16Version);
    }

    private static Map<String, Row> rows(Row... rows) {
        return byOp(Row::op, rows);
    }

    /** An op table's rows by op name, in their order; two rows for one op are a programming error. */
    @SafeVarargs
    public static <R> Map<String, R> byOp(java.util.function.Function<R, String> op, R... rows) {
        Map<String, R> m = new LinkedHashMap<>();
        for (R r : rows) {
            if (m.put(op.apply(r), r) != null) {
                throw new IllegalStateException("two rows for " + op.apply(r));
            }
        }
        return java.util.Collections.unmodifiableMap(m);
    }

    /** The row of a builtin by name (CONV_2D), or null for one isptool does not write. */
    public static Row find(String op) {
        return ROWS.get(op);
    }

    /** Every row, in table order. */
    public static java.util.Collection<Row> rows() {
        return ROWS.values();
    }

    /** The largest rank of any input or output tensor the op's kernel takes. */
    public static int maxRank(int builtinCode) {
        Row r = ROWS.get(TfliteOps.name(builtinCode));
        return r == null ? DEFAULT_MAX_RANK : r.maxRank();
    }

    /** The quantization kind of op (NONE for an op without a row). */
    public static QuantKind quant(String op) {
        Row r = ROWS.get(op);
        return r == null ? NONE : r.quant();
    }
}
