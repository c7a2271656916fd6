package isptool.passes.cleanup;

import java.util.Map;

/**
 * The ONNX default-domain operators that exist at opset 7 or earlier, each with the opsets in which
 * it was (re)defined (ONNX Changelog.md; e.g. Add: 1, 6, 7). The op version a node of an opset-N
 * graph runs is the last of these that is at most N.
 */
final class OpsetHistory {
    static final int TARGET = 7;

    private static final Map<String, int[]> SINCE = Map.ofEntries(
            Map.entry("Abs", v(1, 6)), Map.entry("Acos", v(7)), Map.entry("Add", v(1, 6, 7)),
            Map.entry("And", v(1, 7)), Map.entry("ArgMax", v(1)), Map.entry("ArgMin", v(1)),
            Map.entry("Asin", v(7)), Map.entry("Atan", v(7)), Map.entry("AveragePool", v(1, 7)),
            Map.entry("BatchNormalization", v(1, 6, 7)), Map.entry("Cast", v(1, 6)), Map.entry("Ceil", v(1, 6)),
            Map.entry("Clip", v(1, 6)), Map.entry("Concat", v(1, 4)), Map.entry("Constant", v(1)),
            Map.entry("Conv", v(1)), Map.entry("ConvTranspose", v(1)), Map.entry("Cos", v(7)),
            Map.entry("DepthToSpace", v(1)), Map.entry("Div", v(1, 6, 7)), Map.entry("Dropout", v(1, 6, 7)),
            Map.entry("Elu", v(1, 6)), Map.entry("Equal", v(1, 7)), Map.entry("Exp", v(1, 6)),
            Map.entry("Flatten", v(1)), Map.entry("Floor", v(1, 6)), Map.entry("GRU", v(1, 3, 7)),
            Map.entry("Gather", v(1)), Map.entry("Gemm", v(1, 6, 7)), Map.entry("GlobalAveragePool", v(1)),
            Map.entry("GlobalLpPool", v(1, 2)), Map.entry("GlobalMaxPool", v(1)), Map.entry("Greater", v(1, 7)),
            Map.entry("HardSigmoid", v(1, 6)), Map.entry("Hardmax", v(1)), Map.entry("Identity", v(1)),
            Map.entry("If", v(1)), Map.entry("InstanceNormalization", v(1, 6)), Map.entry("LRN", v(1)),
            Map.entry("LSTM", v(1, 7)), Map.entry("LeakyRelu", v(1, 6)), Map.entry("Less", v(1, 7)),
            Map.entry("Log", v(1, 6)), Map.entry("LogSoftmax", v(1)), Map.entry("Loop", v(1)),
            Map.entry("LpNormalization", v(1)), Map.entry("LpPool", v(1, 2)), Map.entry("MatMul", v(1)),
            Map.entry("Max", v(1, 6)), Map.entry("MaxPool", v(1)), Map.entry("MaxRoiPool", v(1)),
            Map.entry("Mean", v(1, 6)), Map.entry("Min", v(1, 6)), Map.entry("Mul", v(1, 6, 7)),
            Map.entry("Multinomial", v(7)), Map.entry("Neg", v(1, 6)), Map.entry("Not", v(1)),
            Map.entry("Or", v(1, 7)), Map.entry("PRelu", v(1, 6, 7)), Map.entry("Pad", v(1, 2)),
            Map.entry("Pow", v(1, 7)), Map.entry("RNN", v(1, 7)), Map.entry("RandomNormal", v(1)),
            Map.entry("RandomNormalLike", v(1)), Map.entry("RandomUniform", v(1)),
            Map.entry("RandomUniformLike", v(1)), Map.entry("Reciprocal", v(1, 6)), Map.entry("ReduceL1", v(1)),
            Map.entry("ReduceL2", v(1)), Map.entry("ReduceLogSum", v(1)), Map.entry("ReduceLogSumExp", v(1)),
            Map.entry("ReduceMax", v(1)), Map.entry("ReduceMean", v(1)), Map.entry("ReduceMin", v(1)),
            Map.entry("ReduceProd", v(1)), Map.entry("ReduceSum", v(1)), Map.entry("ReduceSumSquare", v(1)),
            Map.entry("Relu", v(1, 6)), Map.entry("Reshape", v(1, 5)), Map.entry("Selu", v(1, 6)),
            Map.entry("Shape", v(1)), Map.entry("Sigmoid", v(1, 6)), Map.entry("Sin", v(7)),
            Map.entry("Size", v(1)), Map.entry("Slice", v(1)), Map.entry("Softmax", v(1)),
            Map.entry("Softplus", v(1)), Map.entry("Softsign", v(1)), Map.entry("SpaceToDepth", v(1)),
            Map.entry("Split", v(1, 2)), Map.entry("Sqrt", v(1, 6)), Map.entry("Squeeze", v(1)),
            Map.entry("Sub", v(1, 6, 7)), Map.entry("Sum", v(1, 6)), Map.entry("Tan", v(7)),
            Map.entry("Tanh", v(1, 6)), Map.entry("Tile", v(1, 6)), Map.entry("TopK", v(1)),
            Map.entry("Transpose", v(1)), Map.entry("Unsqueeze", v(1)), Map.entry("Upsample", v(1, 7)),
            Map.entry("Xor", v(1, 7)),
            // experimental ops of opsets 1..9, unchanged until their removal in opset 10
            Map.entry("Affine", v(1)), Map.entry("ConstantFill", v(1)), Map.entry("Crop", v(1)),
            Map.entry("GRUUnit", v(1)), Map.entry("GivenTensorFill", v(1)), Map.entry("ImageScaler", v(1)),
            Map.entry("MeanVarianceNormalization", v(1)), Map.entry("ParametricSoftplus", v(1)),
            Map.entry("Scale", v(1)), Map.entry("ScaledTanh", v(1)), Map.entry("ThresholdedRelu", v(1)));

    private OpsetHistory() {
    }

    private static int[] v(int... since) {
        return since;
    }

    /** The version of op in force in a graph of this opset, or 0 if the op does not exist there (or is unknown). */
    static int versionAt(String op, long opset) {
        int[] since = SINCE.get(op);
        int r = 0;
        if (since != null) {
            for (int s : since) {
                if (s <= opset) {
                    r = s;
                }
            }
        }
        return r;
    }
}
