package isptool.backends.target;

import static isptool.backends.target.Checks.maxRank;
import static isptool.backends.target.Checks.refuseIf;
import static isptool.backends.target.Checks.unsupported;
import static isptool.backends.tflite.TfliteType.INT16;
import static isptool.backends.tflite.TfliteType.INT8;
import static isptool.backends.tflite.TfliteType.UINT8;

/**
 * Which ops the XNNPACK delegate takes on the CPU; the others run on TFLite's builtin kernels, a
 * CPU island. Rows paraphrase the op switch of the delegate's Subgraph::VisitNode; where the
 * TFLite 2.19 runtime isptool runs on the host (the XNNPACK delegate the interpreter applies by
 * itself) was measured to differ, the measurement wins and the row says so (CpuRulesTest compares
 * every row that the testdata nets reach with that runtime).
 */
final class CpuRules {
    static final String VISIT = "tensorflow/tensorflow tensorflow/lite/delegates/xnnpack/xnnpack_delegate.cc"
            + " Subgraph::VisitNode";
    static final String MEASURED = "measured: TFLite 2.19 interpreter with its default XNNPACK delegate"
            + " (CpuRulesTest)";
    private static final String NOT_VISITED = "not in XNNPACK's op switch; runs on TFLite's builtin kernel";

    static final RuleTable TABLE = build();

    private CpuRules() {
    }

    private static RuleTable build() {
        RuleTable.Builder b = RuleTable.builder("cpu", VISIT);
        b.all(VISIT + " (XNN_MAX_TENSOR_DIMS)", maxRank(6));
        b.all(MEASURED, refuseIf((op, t) -> (op.activationIs(INT8) || op.activationIs(UINT8)),
                "8-bit quantized: the default XNNPACK delegate takes no int8 / uint8 operator (its QS8 / QU8"
                        + " kernels are off unless asked for)"));
        b.all(MEASURED, refuseIf((op, t) -> op.activationIs(INT16) && !op.op().equals("DEPTH_TO_SPACE"),
                "int16 tensors (int16x8): XNNPACK has no 16-bit quantized kernels"));

        b.op("ADD SUB MUL CONCATENATION CONV_2D DEPTHWISE_CONV_2D DEPTH_TO_SPACE DEQUANTIZE QUANTIZE FULLY_CONNECTED"
                + " AVERAGE_POOL_2D MAX_POOL_2D MEAN PAD RESHAPE RESIZE_BILINEAR SOFTMAX SPLIT TRANSPOSE"
                + " TRANSPOSE_CONV LEAKY_RELU LOGISTIC HARD_SWISH PRELU RELU RELU6 RELU_N1_TO_1 ELU ABS CEIL FLOOR"
                + " NEG SQRT SQUARE SQUARED_DIFFERENCE DIV MAXIMUM MINIMUM");
        b.op(MEASURED, "TANH RSQRT SLICE STRIDED_SLICE");
        b.op("EXP LOG POW SIGN GELU BATCH_MATMUL GATHER TILE SPLIT_V SUM REDUCE_MAX REDUCE_MIN REDUCE_PROD ADD_N"
                + " LOG_SOFTMAX LOCAL_RESPONSE_NORMALIZATION RELU_0_TO_1 MIRROR_PAD PADV2 SPACE_TO_DEPTH"
                + " RESIZE_NEAREST_NEIGHBOR", unsupported(NOT_VISITED));
        return b.build();
    }
}
