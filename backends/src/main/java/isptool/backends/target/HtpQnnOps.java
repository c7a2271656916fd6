package isptool.backends.target;

import static isptool.backends.qnn.QnnDataType.BOOL_8;
import static isptool.backends.qnn.QnnDataType.FLOAT_16;
import static isptool.backends.qnn.QnnDataType.FLOAT_32;
import static isptool.backends.qnn.QnnDataType.INT_32;
import static isptool.backends.qnn.QnnDataType.SFIXED_POINT_16;
import static isptool.backends.qnn.QnnDataType.SFIXED_POINT_32;
import static isptool.backends.qnn.QnnDataType.SFIXED_POINT_8;
import static isptool.backends.qnn.QnnDataType.UFIXED_POINT_16;
import static isptool.backends.qnn.QnnDataType.UFIXED_POINT_8;
import static isptool.backends.qnn.QnnDataType.UINT_32;
import static isptool.backends.qnn.QnnDataType.UINT_8;

import isptool.backends.qnn.QnnDataType;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Per QNN op, the data types the HTP backend takes in each input slot and the output, and the
 * largest rank, as listed by the SDK 2.13 HTP supplement ({@link #SOURCE}); and whether the HTP
 * runs it in float16 ({@link #FP16_SOURCE}: FLOAT_16 or FLOAT_32 in every slot, its own rank
 * limit). An op type with no row is not known to run on HTP: SupportedOps (2.13) marks
 * ElementWiseBinary for no backend and ElementWiseNeuron for the CPU only.
 */
final class HtpQnnOps {
    static final String SOURCE = "peyer/qcom_qnn docs/QNN/OpDef/HtpOpDefSupplement.html (SDK 2.13)";
    static final String FP16_SOURCE = "peyer/qcom_qnn docs/QNN/OpDef/Htp_fp16OpDefSupplement.html (SDK 2.13)";
    static final String SUPPORTED_OPS = "peyer/qcom_qnn docs/QNN/OpDef/SupportedOps.html (SDK 2.13)";

    /**
     * One op: types per input slot (the last set also covers further inputs, as Concat's), output
     * types, largest rank (0: none listed) quantized and in float16 (-1: no float16 form).
     */
    record Row(String op, List<Set<QnnDataType>> inputs, Set<QnnDataType> outputs, int maxRank, int fp16MaxRank) {
        Set<QnnDataType> input(int slot) {
            return inputs.get(Math.min(slot, inputs.size() - 1));
        }
    }

    private static final Set<QnnDataType> A8A16 = EnumSet.of(UFIXED_POINT_8, SFIXED_POINT_8, UFIXED_POINT_16);
    private static final Set<QnnDataType> A8A16_I32 = with(A8A16, INT_32);
    private static final Set<QnnDataType> UNSIGNED = EnumSet.of(UFIXED_POINT_8, UFIXED_POINT_16);
    private static final Set<QnnDataType> CONV_IN = with(A8A16, SFIXED_POINT_16);
    private static final Set<QnnDataType> WEIGHTS = EnumSet.of(UFIXED_POINT_8, SFIXED_POINT_8, SFIXED_POINT_16);
    private static final Set<QnnDataType> BIAS = EnumSet.of(UFIXED_POINT_8, SFIXED_POINT_32);
    private static final Set<QnnDataType> ACTIVATION_16S = with(A8A16, SFIXED_POINT_16);
    private static final Set<QnnDataType> DATA_MOVEMENT = EnumSet.of(SFIXED_POINT_8, UFIXED_POINT_8, SFIXED_POINT_16,
            UFIXED_POINT_16, INT_32, UINT_32, FLOAT_32, UINT_8, BOOL_8);

    static final Map<String, Row> ROWS = build();

    private HtpQnnOps() {
    }

    private static Map<String, Row> build() {
        Map<String, Row> m = new LinkedHashMap<>();
        for (String conv : List.of("Conv2d", "DepthWiseConv2d", "TransposeConv2d")) {
            row(m, conv, List.of(CONV_IN, WEIGHTS, BIAS), A8A16, 0, 0);
        }
        row(m, "FullyConnected", List.of(CONV_IN, WEIGHTS, BIAS), A8A16, 4, 4);
        row(m, "ElementWiseAdd", List.of(A8A16_I32), A8A16_I32, 5, 4);
        row(m, "ElementWiseSubtract", List.of(A8A16_I32), A8A16_I32, 5, 4);
        row(m, "ElementWiseMultiply", List.of(with(A8A16_I32, UINT_32)), with(A8A16_I32, UINT_32), 5, 4);
        row(m, "ElementWiseDivide", List.of(EnumSet.of(UFIXED_POINT_8, UFIXED_POINT_16, INT_32)),
                EnumSet.of(UFIXED_POINT_8, UFIXED_POINT_16, INT_32), 5, 4);
        row(m, "ElementWiseMaximum", List.of(A8A16), A8A16, 5, 4);
        row(m, "ElementWiseMinimum", List.of(A8A16), A8A16, 5, 4);
        row(m, "ElementWiseSquareRoot", List.of(UNSIGNED), UNSIGNED, 4, 4);
        row(m, "ElementWiseRsqrt", List.of(A8A16), A8A16, 4, 4);
        row(m, "Prelu", List.of(A8A16), A8A16, 4, 4);
        row(m, "Relu", List.of(A8A16), A8A16, 5, 4);
        row(m, "ReluMinMax", List.of(A8A16_I32), A8A16_I32, 5, 4);
        row(m, "Sigmoid", List.of(ACTIVATION_16S), ACTIVATION_16S, 5, 4);
        row(m, "Tanh", List.of(ACTIVATION_16S), ACTIVATION_16S, 4, 4);
        row(m, "Gelu", List.of(UNSIGNED), UNSIGNED, 4, 4);
        row(m, "HardSwish", List.of(A8A16), A8A16, 4, 4);
        row(m, "Reshape", List.of(DATA_MOVEMENT), DATA_MOVEMENT, 5, 5);
        row(m, "Transpose", List.of(with(DATA_MOVEMENT, BOOL_8)), with(DATA_MOVEMENT, BOOL_8), 5, 4);
        for (String op : List.of("DepthToSpace", "SpaceToDepth", "ResizeBilinear", "ResizeNearestNeighbor", "PoolAvg2d",
                "PoolMax2d")) {
            row(m, op, List.of(A8A16), A8A16, 0, 0);
        }
        Set<QnnDataType> concat = with(ACTIVATION_16S, UINT_32, INT_32);
        row(m, "Concat", List.of(concat), concat, 5, 5);
        row(m, "ReduceMean", List.of(A8A16), A8A16, 4, 4);
        row(m, "Softmax", List.of(A8A16), with(A8A16, FLOAT_32), 5, 5);
        row(m, "StridedSlice", List.of(A8A16_I32), A8A16_I32, 5, 5);
        row(m, "Pad", List.of(A8A16), A8A16, 5, 4);
        row(m, "Quantize", List.of(EnumSet.of(FLOAT_32)), A8A16, 4, -1);
        row(m, "Dequantize", List.of(A8A16), EnumSet.of(FLOAT_32), 4, -1);
        row(m, "Convert", List.of(with(A8A16, BOOL_8)), A8A16, 4, 4);
        return m;
    }

    private static void row(Map<String, Row> m, String op, List<Set<QnnDataType>> in, Set<QnnDataType> out,
            int maxRank, int fp16MaxRank) {
        m.put(op, new Row(op, in, out, maxRank, fp16MaxRank));
    }

    @SafeVarargs
    private static <T extends Enum<T>> Set<T> with(Set<T> base, T... more) {
        Set<T> s = EnumSet.copyOf(base);
        s.addAll(List.of(more));
        return s;
    }

    static boolean isFloat(QnnDataType t) {
        return t == FLOAT_16 || t == FLOAT_32;
    }
}
