package isptool.backends.target;

import static isptool.backends.target.Checks.activations;
import static isptool.backends.target.Checks.constant;
import static isptool.backends.target.Checks.flagOffBeforeApi;
import static isptool.backends.target.Checks.inputTypes;
import static isptool.backends.target.Checks.inputTypesBeforeApi;
import static isptool.backends.target.Checks.inputTypesFromApi;
import static isptool.backends.target.Checks.maxRank;
import static isptool.backends.target.Checks.maxVersion;
import static isptool.backends.target.Checks.minApi;
import static isptool.backends.target.Checks.minApiWhen;
import static isptool.backends.target.Checks.refuseIf;
import static isptool.backends.target.Checks.unsupported;
import static isptool.backends.tflite.TfliteType.FLOAT16;
import static isptool.backends.tflite.TfliteType.FLOAT32;
import static isptool.backends.tflite.TfliteType.INT16;
import static isptool.backends.tflite.TfliteType.INT32;
import static isptool.backends.tflite.TfliteType.INT8;
import static isptool.backends.tflite.TfliteType.UINT8;

import isptool.backends.tflite.TfliteType;
import java.util.Set;

/**
 * What the TFLite NNAPI delegate takes, per Android API level (27 = NNAPI 1.0 ... 30 = NNAPI 1.3).
 * Rows paraphrase NNAPIDelegateKernel::Validate; an op Validate does not list is refused there
 * ("Unsupported operation type"), so such ops have an explicit refusing row here.
 */
final class NnapiRules {
    static final String VALIDATE = "tensorflow/tensorflow tensorflow/lite/delegates/nnapi/nnapi_delegate.cc"
            + " NNAPIDelegateKernel::Validate";
    static final String INT8_CONVERSION = "tensorflow/tensorflow tensorflow/lite/delegates/nnapi/nnapi_delegate.cc"
            + " NeedInt8Conversion";
    static final String FP16_DEQUANTIZE = "tensorflow/tensorflow tensorflow/lite/delegates/nnapi/nnapi_delegate.cc"
            + " IsDequantizeConstFloat16";
    static final String FACTS = "shared/docs/FACTS.md §4";

    private static final String NOT_MAPPED = "not mapped by the NNAPI delegate (Validate: Unsupported operation"
            + " type)";

    /** Ops whose int8 tensors the delegate turns into uint8 (zero point + 128) before API 30. */
    static final Set<String> INT8_CONVERTED = Set.of("CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED",
            "TRANSPOSE_CONV", "SELECT", "ADD", "ARG_MAX", "ARG_MIN", "AVERAGE_POOL_2D", "BATCH_TO_SPACE_ND",
            "CONCATENATION", "EQUAL", "EXPAND_DIMS", "GATHER", "GREATER", "GREATER_EQUAL", "HARD_SWISH",
            "L2_NORMALIZATION", "LEAKY_RELU", "LESS", "LESS_EQUAL", "LOGISTIC", "MAXIMUM", "MAX_POOL_2D", "MEAN",
            "MINIMUM", "MUL", "NOT_EQUAL", "PAD", "PADV2", "PRELU", "REDUCE_MAX", "REDUCE_MIN", "RELU",
            "RELU_N1_TO_1", "RELU6", "RESIZE_BILINEAR", "RESIZE_NEAREST_NEIGHBOR", "RESHAPE", "SLICE", "SOFTMAX",
            "SPACE_TO_BATCH_ND", "SPACE_TO_DEPTH", "DEPTH_TO_SPACE", "STRIDED_SLICE", "SUB", "TANH", "TILE",
            "TOPK_V2", "TRANSPOSE");

    private static final TfliteType[] FLOAT_OR_QUANT8 = {FLOAT32, UINT8, INT8};

    static final RuleTable TABLE = build();

    private NnapiRules() {
    }

    private static RuleTable build() {
        RuleTable.Builder b = RuleTable.builder("nnapi", VALIDATE);
        b.all(FACTS + "; " + VALIDATE + " (rank <= 4 checks)", maxRank(4));
        b.all("tensorflow/tensorflow tensorflow/lite/delegates/nnapi/nnapi_delegate.cc IsQuantized (int16 is not"
                + " a quantized type there)", refuseIf((op, t) -> op.activationIs(INT16) && !op.op().equals("QUANTIZE")
                        && !op.op().equals("DEQUANTIZE"),
                "int16 activations (int16x8); the delegate quantizes to 8 bits only"));
        b.all(FACTS, activations("NONE", "RELU", "RELU_N1_TO_1", "RELU6"));
        b.all(FACTS, refuseIf((op, t) -> t.apiLevel() < 29 && op.activationIs(FLOAT16),
                "float16 tensors need API 29 (feature level 3)"));
        b.all(INT8_CONVERSION, refuseIf((op, t) -> t.apiLevel() < 30 && op.activationIs(INT8)
                        && !INT8_CONVERTED.contains(op.op()) && !op.op().equals("QUANTIZE")
                        && !op.op().equals("DEQUANTIZE"),
                "signed int8 tensors need API 30 (TENSOR_QUANT8_ASYMM_SIGNED); before it the delegate converts"
                        + " int8 to uint8 only for the ops NeedInt8Conversion lists"));

        // elementwise arithmetic
        b.op("ADD", maxVersion(2), inputTypes(FLOAT32, UINT8, INT8, INT32), inputTypesBeforeApi(30, FLOAT_OR_QUANT8));
        b.op("MUL", maxVersion(2), inputTypes(FLOAT32, UINT8, INT8, INT32), inputTypesBeforeApi(30, FLOAT_OR_QUANT8));
        b.op("SUB", maxVersion(3), minApi(28), inputTypes(FLOAT32, UINT8, INT8, INT32),
                minApiWhen(29, "quantized SUB", (op, t) -> op.inputIs(UINT8, INT8)),
                minApiWhen(30, "int32 SUB", (op, t) -> op.inputIs(INT32)));
        b.op("DIV", maxVersion(1), minApi(28), refuseIf((op, t) -> !op.inputIs(FLOAT32),
                "quantized DIV: the delegate takes float32 DIV only (NNAPI only support float div)"));
        b.op("SQUARED_DIFFERENCE", maxVersion(2), minApi(28), inputTypesBeforeApi(29, FLOAT32),
                inputTypesBeforeApi(30, FLOAT32, UINT8), inputTypes(FLOAT32, UINT8, INT8, INT32));
        b.op("MAXIMUM MINIMUM", maxVersion(3), minApi(29), inputTypes(FLOAT32, UINT8, INT8, INT32),
                refuseIf((op, t) -> scalarNonConstant(op), "a scalar operand that is not constant"));
        b.op("ABS EXP LOG RSQRT POW SQRT", maxVersion(1), minApi(29), inputTypes(FLOAT32));
        b.op("NEG", maxVersion(2), minApi(29), inputTypes(FLOAT32, INT32));
        b.op("FLOOR", maxVersion(1));

        // activations
        b.op("RELU RELU_N1_TO_1 RELU6 LOGISTIC", maxVersion(2), inputTypes(FLOAT_OR_QUANT8));
        b.op("TANH", maxVersion(2), inputTypes(FLOAT_OR_QUANT8), minApiWhen(29, "quantized TANH",
                (op, t) -> op.inputIs(UINT8, INT8)));
        b.op("HARD_SWISH", inputTypes(FLOAT_OR_QUANT8)); // decomposed into basic ops by the delegate before API 29
        b.op("PRELU LEAKY_RELU", maxVersion(1), minApi(29), inputTypes(FLOAT_OR_QUANT8));
        b.op("ELU", maxVersion(1), minApi(30), inputTypes(FLOAT32));
        b.op("SOFTMAX", maxVersion(2), inputTypes(FLOAT_OR_QUANT8), maxRank(4), refuseIf(
                (op, t) -> t.apiLevel() < 29 && op.input(0).shape().length != 2 && op.input(0).shape().length != 4,
                "before API 29 SOFTMAX takes only 2-D and 4-D inputs"));
        b.op("LOG_SOFTMAX", maxVersion(1), minApi(29), inputTypes(FLOAT32));
        b.op("LOCAL_RESPONSE_NORMALIZATION", maxVersion(1));

        // convolutions and pooling
        b.op("CONV_2D", maxVersion(5), inputTypesBeforeApi(29, FLOAT32, UINT8),
                refuseIf((op, t) -> op.input(2) == null, "CONV_2D without a bias input (Conv2D with omitted bias not"
                        + " supported)"),
                refuseIf((op, t) -> t.apiLevel() < 29 && perChannel(op, 1), "per-channel quantized CONV_2D needs"
                        + " API 29"),
                minApiWhen(29, "dilated CONV_2D", (op, t) -> dilated(op)));
        b.op("DEPTHWISE_CONV_2D", maxVersion(3), inputTypesBeforeApi(29, FLOAT32, UINT8),
                minApiWhen(29, "dilated DEPTHWISE_CONV_2D", (op, t) -> dilated(op)));
        b.op("TRANSPOSE_CONV", maxVersion(3), minApi(29), constant(0, "output shape"), constant(1, "weights"));
        b.op("FULLY_CONNECTED", maxVersion(5), refuseIf((op, t) -> op.outputType() == INT16,
                        "int16 output (Unsupported output of type kTfLiteInt16)"),
                inputTypesBeforeApi(29, FLOAT32, UINT8),
                minApiWhen(30, "FULLY_CONNECTED with keep_num_dims", (op, t) -> op.flag("getKeepNumDims")));
        b.op("AVERAGE_POOL_2D", maxVersion(2), inputTypes(FLOAT_OR_QUANT8), refuseIf((op, t) -> op.inputIs(UINT8,
                        INT8) && op.intOption("getFilterWidth", 1) * op.intOption("getFilterHeight", 1) > 256,
                "quantized AVERAGE_POOL_2D over more than 256 pixels (would overflow on the reference path)"));
        b.op("MAX_POOL_2D", maxVersion(2), inputTypes(FLOAT_OR_QUANT8));
        b.op("MEAN", maxVersion(2), minApi(28), inputTypesBeforeApi(29, FLOAT32), inputTypes(FLOAT_OR_QUANT8),
                refuseIf((op, t) -> op.output(0).shape().length == 0, "MEAN to a scalar"),
                refuseIf((op, t) -> !sameQuantization(op), "quantized MEAN with different input and output"
                        + " quantization"));
        b.op("SUM REDUCE_PROD", maxVersion(1), minApi(29), refuseIf((op, t) -> !op.inputIs(FLOAT32),
                "quantized " + "reduction: the delegate takes float32 SUM / REDUCE_PROD only"));
        b.op("REDUCE_MAX REDUCE_MIN", maxVersion(2), minApi(29), inputTypes(FLOAT_OR_QUANT8));

        // shape and data movement
        b.op("RESHAPE", maxVersion(1), inputTypes(FLOAT_OR_QUANT8), constant(1, "shape"));
        b.op("TRANSPOSE", maxVersion(2), minApi(28), refuseIf((op, t) -> !op.isConstant(1),
                "the permutation (input 1) is not constant"));
        b.op("CONCATENATION", maxVersion(2), activations("NONE"), inputTypes(FLOAT16, FLOAT32, UINT8, INT8));
        b.op("SPLIT", maxVersion(3), minApi(29), refuseIf((op, t) -> !op.isConstant(0),
                "the axis (input 0) is not constant"), refuseIf((op, t) -> !(op.inputType(1) == FLOAT32
                        || op.inputType(1) == UINT8 || op.inputType(1) == INT32
                        || t.apiLevel() >= 30 && op.inputType(1) == INT8),
                "SPLIT input type; the delegate takes FLOAT32, UINT8, INT32 (INT8 from API 30)"));
        b.op("SPLIT_V", maxVersion(2), minApi(30), inputTypes(FLOAT32, UINT8, INT8, INT32),
                constant(1, "size_splits"), constant(2, "axis"));
        b.op("SLICE", maxVersion(2), minApi(29), inputTypes(FLOAT32, INT32, UINT8, INT8));
        b.op("STRIDED_SLICE", maxVersion(2), minApi(28));
        b.op("PAD PADV2", maxVersion(2), minApi(28), inputTypes(FLOAT_OR_QUANT8),
                minApiWhen(29, "a padding value (PADV2)", (op, t) -> op.inputCount() == 3),
                refuseIf((op, t) -> t.apiLevel() < 29 && op.inputCount() == 2 && !op.inputIs(FLOAT32),
                        "before API 29 PAD takes float32 only"));
        b.op("TILE", maxVersion(1), minApi(29), inputTypes(FLOAT32, INT8, UINT8, INT32));
        b.op("GATHER", maxVersion(2), minApi(29), inputTypes(FLOAT32, FLOAT16, INT32, UINT8, INT8),
                refuseIf((op, t) -> op.inputType(1) != INT32, "GATHER positions are not int32"));
        b.op("DEPTH_TO_SPACE SPACE_TO_DEPTH", maxVersion(2), inputTypes(FLOAT_OR_QUANT8));
        b.op("RESIZE_BILINEAR", maxVersion(3), inputTypes(FLOAT_OR_QUANT8), constant(1, "size"),
                refuseIf((op, t) -> op.input(0).shape().length != 4, "RESIZE_BILINEAR input is not 4-D"),
                flagOffBeforeApi(30, "getHalfPixelCenters", "half_pixel_centers"),
                flagOffBeforeApi(30, "getAlignCorners", "align_corners"),
                inputTypesBeforeApi(29, FLOAT32),
                refuseIf((op, t) -> t.apiLevel() < 29 && op.output(0).shape()[1] != op.output(0).shape()[2],
                        "before API 29 RESIZE_BILINEAR needs width == height"));
        b.op("RESIZE_NEAREST_NEIGHBOR", maxVersion(3), minApi(29), inputTypes(FLOAT_OR_QUANT8),
                constant(1, "size"), flagOffBeforeApi(30, "getHalfPixelCenters", "half_pixel_centers"),
                flagOffBeforeApi(30, "getAlignCorners", "align_corners"));

        // quantization
        b.op("QUANTIZE", maxVersion(2), minApi(29), refuseIf((op, t) -> t.apiLevel() < 30 && op.outputType() != UINT8,
                "QUANTIZE to " + "a signed type: before API 30 the output must be uint8"),
                refuseIf((op, t) -> op.outputType() != UINT8 && op.outputType() != INT8, "QUANTIZE to a type other"
                        + " than uint8 / int8"));
        b.op("DEQUANTIZE", refuseIf((op, t) -> !op.inputIs(FLOAT16) && op.version() > 2,
                        "DEQUANTIZE version " + "above 2"),
                refuseIf((op, t) -> op.inputIs(FLOAT16) && !op.isConstant(0) && t.apiLevel() < 30,
                        "DEQUANTIZE of a computed float16 tensor needs API 30"),
                refuseIf((op, t) -> !op.inputIs(FLOAT16) && !op.inputIs(UINT8) && (t.apiLevel() < 29
                        || !op.inputIs(INT8)), "DEQUANTIZE from " + "this type (uint8; int8 from API 29)"),
                refuseIf((op, t) -> t.apiLevel() == 29 && op.inputIs(INT8) && zeroPoint(op) != 0,
                        "DEQUANTIZE of asymmetric int8 at API 29 (int8 only symmetric before API 30)"));

        // not in Validate at all
        b.op("GELU SQUARE SIGN CEIL RELU_0_TO_1 ADD_N", unsupported(NOT_MAPPED));
        // NNAPI itself has them from feature level 6 / 7 (FACTS.md §4), but the delegate does not map them
        b.op(VALIDATE + "; " + FACTS, "BATCH_MATMUL MIRROR_PAD", unsupported(NOT_MAPPED
                + ", although NNAPI has the operation from feature level 6 (BATCH_MATMUL) / 7 (MIRROR_PAD)"));
        return b.build();
    }

    private static boolean dilated(OpView op) {
        return op.intOption("getDilationHFactor", 1) != 1 || op.intOption("getDilationWFactor", 1) != 1;
    }

    private static boolean perChannel(OpView op, int input) {
        return op.input(input) != null && op.input(input).quantization() != null
                && op.input(input).quantization().isPerChannel();
    }

    private static boolean scalarNonConstant(OpView op) {
        for (int i = 0; i < 2; i++) {
            if (op.input(i) != null && op.input(i).shape().length == 0 && !op.isConstant(i)) {
                return true;
            }
        }
        return false;
    }

    private static boolean sameQuantization(OpView op) {
        var in = op.input(0).quantization();
        var out = op.output(0).quantization();
        return in == null ? out == null : in.equals(out);
    }

    private static long zeroPoint(OpView op) {
        var q = op.input(0).quantization();
        return q == null ? 0 : q.zeroPoint()[0];
    }
}
