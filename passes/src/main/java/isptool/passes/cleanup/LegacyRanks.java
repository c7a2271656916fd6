package isptool.passes.cleanup;

import isptool.graph.Graph;
import isptool.graph.Node;
import isptool.graph.Tensor;
import isptool.graph.Value;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The ranks of the values of a graph below opset 7, read with the old op semantics (an Add with
 * the legacy broadcast attribute has the rank of its first input) without touching the graph:
 * shape inference works on opset-7 semantics and cannot run before the upgrade. A declared shape
 * wins; a value whose rank does not follow from the rules below is unknown (-1).
 */
final class LegacyRanks {
    /** Ops whose outputs all have the rank of input 0 (for the legacy binary ops: of operand A). */
    private static final Set<String> SAME_AS_FIRST_INPUT = Set.of(
            "Abs", "Ceil", "Exp", "Floor", "Log", "Neg", "Reciprocal", "Relu", "Sigmoid", "Sqrt", "Tanh", "Elu",
            "HardSigmoid", "LeakyRelu", "Selu", "Softsign", "Softplus", "Clip", "Cast", "Identity", "Dropout",
            "PRelu", "InstanceNormalization", "LRN", "Softmax", "LogSoftmax", "Hardmax", "Conv", "ConvTranspose",
            "AveragePool", "MaxPool", "LpPool", "GlobalAveragePool", "GlobalMaxPool", "GlobalLpPool", "Pad",
            "Slice", "Split", "Transpose", "Upsample", "Tile", "DepthToSpace", "SpaceToDepth", "Not",
            "LpNormalization", "TopK", "Add", "Sub", "Mul", "Div", "Pow", "And", "Or", "Xor", "Equal", "Greater",
            "Less", "Concat", "Max", "Min", "Sum", "Mean", "ImageScaler", "Scale", "ScaledTanh", "ThresholdedRelu",
            "Affine", "ParametricSoftplus", "MeanVarianceNormalization");

    private final Map<Value, Integer> ranks = new HashMap<>();

    private LegacyRanks() {
    }

    static LegacyRanks of(Graph g) {
        LegacyRanks r = new LegacyRanks();
        for (Node n : g.nodes()) { // topological order: inputs are ranked before outputs
            for (int i = 0; i < n.outputs().size(); i++) {
                Value o = n.output(i);
                if (o.shape() == null) {
                    r.ranks.put(o, r.outputRank(n, i));
                }
            }
        }
        return r;
    }

    /** The rank of v, or -1 if unknown. */
    int rank(Value v) {
        if (v == null) {
            return -1;
        }
        if (v.shape() != null) {
            return v.shape().rank();
        }
        if (v.isConstant()) {
            return v.constant().rank();
        }
        return ranks.getOrDefault(v, -1);
    }

    private int outputRank(Node n, int output) {
        if (!n.domain().isEmpty() && !n.domain().equals("ai.onnx")) {
            return -1;
        }
        String op = n.opType();
        int r0 = rank(n.input(0));
        if (SAME_AS_FIRST_INPUT.contains(op)) {
            return r0;
        }
        boolean keep = n.getInt("keepdims", 1) != 0;
        switch (op) {
            case "BatchNormalization":
                return output == 0 ? r0 : 1;
            case "Gemm":
            case "Flatten":
                return 2;
            case "Shape":
                return 1;
            case "Size":
                return 0;
            case "MatMul": {
                int r1 = rank(n.input(1));
                return r0 >= 2 && r1 >= 2 ? Math.max(r0, r1) : -1;
            }
            case "Reshape": {
                long[] shape = n.getInts("shape", null);
                Tensor t = Graph.constant(n.input(1));
                return shape != null ? shape.length : t != null && t.rank() == 1 ? (int) t.dim(0) : -1;
            }
            case "Squeeze": {
                long[] axes = n.getInts("axes", null);
                return axes != null && r0 >= 0 ? r0 - axes.length : -1;
            }
            case "Unsqueeze": {
                long[] axes = n.getInts("axes", null);
                return axes != null && r0 >= 0 ? r0 + axes.length : -1;
            }
            case "Gather": {
                int r1 = rank(n.input(1));
                return r0 >= 0 && r1 >= 0 ? r0 + r1 - 1 : -1;
            }
            case "ArgMax":
            case "ArgMin":
                return keep || r0 < 0 ? r0 : r0 - 1;
            default:
                if (op.startsWith("Reduce")) {
                    long[] axes = n.getInts("axes", null);
                    return keep || r0 < 0 ? r0 : axes == null ? 0 : r0 - axes.length;
                }
                return -1;
        }
    }
}
