package isptool.backends.html;

import java.util.Locale;
import java.util.Set;

/**
 * The colour family of an op box in a graph drawing, for ONNX op types (Conv) and TFLite operator
 * names (CONV_2D) alike: what a reader scans for first is where the convolutions are and what moves
 * data around between them.
 */
public enum OpKind {
    CONV("k-conv", "convolution / matmul"),
    ELEMENTWISE("k-elementwise", "elementwise / reduce"),
    ACTIVATION("k-activation", "activation"),
    DATA("k-data", "data movement / layout"),
    QUANT("k-quant", "quantize / dequantize"),
    OTHER("k-other", "other");

    public final String cssClass;
    public final String meaning;

    OpKind(String cssClass, String meaning) {
        this.cssClass = cssClass;
        this.meaning = meaning;
    }

    // names are compared upper-case without '_', so "DepthToSpace" and "DEPTH_TO_SPACE" are one
    private static final Set<String> CONV_OPS = Set.of("CONV", "CONV2D", "DEPTHWISECONV2D", "CONVTRANSPOSE",
            "TRANSPOSECONV", "MATMUL", "GEMM", "FULLYCONNECTED", "BATCHMATMUL", "CONV3D");
    private static final Set<String> ACTIVATIONS = Set.of("RELU", "RELU6", "RELUN1TO1", "LEAKYRELU", "PRELU",
            "SIGMOID", "LOGISTIC", "TANH", "HARDSIGMOID", "HARDSWISH", "GELU", "ELU", "SELU", "SOFTMAX", "CLIP",
            "SOFTPLUS", "SOFTSIGN", "MISH", "SWISH", "LOGSOFTMAX");
    private static final Set<String> DATA_OPS = Set.of("TRANSPOSE", "RESHAPE", "CONCAT", "CONCATENATION", "SPLIT",
            "SPLITV", "SLICE", "STRIDEDSLICE", "GATHER", "GATHERND", "PAD", "PADV2", "MIRRORPAD", "DEPTHTOSPACE",
            "SPACETODEPTH", "RESIZE", "RESIZEBILINEAR", "RESIZENEARESTNEIGHBOR", "UPSAMPLE", "FLATTEN", "SQUEEZE",
            "UNSQUEEZE", "EXPANDDIMS", "EXPAND", "TILE", "BROADCASTTO", "PACK", "UNPACK", "SHAPE", "IDENTITY",
            "CAST", "CONSTANTOFSHAPE", "PIXELSHUFFLE", "DEPTHTOSPACECRD", "MAXPOOL", "AVERAGEPOOL", "MAXPOOL2D",
            "AVERAGEPOOL2D", "GLOBALAVERAGEPOOL", "GLOBALMAXPOOL");
    private static final Set<String> QUANT_OPS = Set.of("QUANTIZE", "DEQUANTIZE", "QUANTIZELINEAR",
            "DEQUANTIZELINEAR", "DYNAMICQUANTIZELINEAR");

    /** The kind of an ONNX op type or a TFLite operator name. */
    public static OpKind of(String op) {
        String k = op.replace("_", "").toUpperCase(Locale.ROOT);
        if (CONV_OPS.contains(k)) {
            return CONV;
        }
        if (ACTIVATIONS.contains(k)) {
            return ACTIVATION;
        }
        if (DATA_OPS.contains(k)) {
            return DATA;
        }
        if (QUANT_OPS.contains(k)) {
            return QUANT;
        }
        return ELEMENTWISE_OPS.contains(k) ? ELEMENTWISE : OTHER;
    }

    private static final Set<String> ELEMENTWISE_OPS = Set.of("ADD", "SUB", "MUL", "DIV", "POW", "SQRT", "RSQRT",
            "EXP", "LOG", "ABS", "NEG", "MAX", "MIN", "MAXIMUM", "MINIMUM", "SUM", "MEAN", "REDUCEMEAN", "REDUCESUM",
            "REDUCEMAX", "REDUCEMIN", "REDUCEPROD", "SQUAREDDIFFERENCE", "BATCHNORMALIZATION", "INSTANCENORMALIZATION",
            "LAYERNORMALIZATION", "FLOOR", "CEIL", "ROUND", "ERF", "RECIPROCAL", "SQUARE", "EQUAL", "LESS", "GREATER",
            "WHERE", "SELECT", "SELECTV2", "NOT", "AND", "OR", "SIN", "COS", "FLOORDIV", "FLOORMOD", "MOD");
}
