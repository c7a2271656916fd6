package isptool.backends.tflite;

import static org.bytedeco.tensorflowlite.global.tensorflowlite.kTfLiteBuiltinStablehloCase;

import isptool.backends.tflite.TfliteModel.OperatorInfo;
import isptool.backends.tflite.TfliteModel.TensorInfo;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import org.tensorflow.lite.schema.BuiltinOperator;

/**
 * What the TFLite runtime would refuse in a file whose tables read fine: negative dims, element
 * counts past a 64-bit integer, builtin codes it does not know, and convolution and dense
 * operators without the operands their kernels (and MAC counts) need. Each problem is one
 * phrase naming the tensor, or the operator's index, op and output tensor.
 */
final class TfliteProblems {
    /** The last builtin code of the TFLite runtime isptool runs (2.19); the schema classes stop earlier. */
    static final int LAST_RUNTIME_CODE = kTfLiteBuiltinStablehloCase;

    /** Operand counts and the weight's rank of the ops whose MACs inspect counts; the weight is input 1. */
    private record Operands(int minInputs, int maxInputs, int maxOutputs, int weightRank, int dataInput,
            String inputNames) {
    }

    private static final Map<Integer, Operands> MAC_OPS = Map.of(
            BuiltinOperator.CONV_2D, new Operands(2, 3, 1, 4, 0, "input, weights, optional bias"),
            BuiltinOperator.DEPTHWISE_CONV_2D, new Operands(2, 3, 1, 4, 0, "input, weights, optional bias"),
            BuiltinOperator.TRANSPOSE_CONV, new Operands(3, 4, 1, 4, 2, "output shape, weights, input, optional bias"),
            // a shuffled-weights FULLY_CONNECTED has a second output (its shuffled input)
            BuiltinOperator.FULLY_CONNECTED, new Operands(2, 3, 2, 2, 0, "input, weights, optional bias"));

    final List<String> problems = new ArrayList<>();
    /** Tensors, and operators, that have a problem themselves or through an operand. */
    final BitSet badTensors = new BitSet();
    final BitSet badOperators = new BitSet();

    TfliteProblems(List<TensorInfo> tensors, List<OperatorInfo> operators) {
        for (TensorInfo t : tensors) {
            String p = problem(t);
            if (p != null) {
                problems.add(p);
                badTensors.set(t.index());
            }
        }
        for (OperatorInfo op : operators) {
            String p = problem(tensors, op);
            if (p != null) {
                problems.add(where(tensors, op) + " " + p);
                badOperators.set(op.index());
            } else if (usesBadTensor(op)) {
                badOperators.set(op.index());
            }
        }
    }

    /** {@code operator 3 (CONV_2D, output "conv/out")}: TFLite operators have no names of their own. */
    static String where(List<TensorInfo> tensors, OperatorInfo op) {
        int out = op.outputs().isEmpty() ? -1 : op.outputs().get(0);
        return "operator " + op.index() + " (" + op.opName()
                + (out >= 0 && out < tensors.size() ? ", output \"" + tensors.get(out).name() + "\")" : ")");
    }

    private static String problem(TensorInfo t) {
        String what = "tensor \"" + t.name() + "\" " + t.type() + dims(t.shape());
        long n = 1;
        for (int d = 0; d < t.shape().length; d++) {
            if (t.shape()[d] < 0) {
                return what + " has the negative dim " + t.shape()[d] + " (a dynamic dim is stored as 1, with -1"
                        + " in shape_signature)";
            }
            if (t.shapeSignature()[d] < -1) {
                return what + " has " + t.shapeSignature()[d] + " in its shape signature " + dims(t.shapeSignature())
                        + " (only -1, dynamic, may be negative)";
            }
            try {
                n = Math.multiplyExact(n, t.shape()[d]);
            } catch (ArithmeticException e) {
                return what + " has more elements than a 64-bit integer counts";
            }
        }
        return null;
    }

    private static String problem(List<TensorInfo> tensors, OperatorInfo op) {
        int code = op.builtinCode();
        if (code < 0 || code > LAST_RUNTIME_CODE) {
            return "has builtin code " + code + ", which TFLite does not know (its builtin codes are 0.."
                    + LAST_RUNTIME_CODE + ")";
        }
        if (code == BuiltinOperator.CUSTOM && op.opName().equals("CUSTOM:null")) {
            return "is a custom operator without a custom code naming it";
        }
        Operands need = MAC_OPS.get(code);
        if (need == null) {
            return null;
        }
        int ins = op.inputs().size();
        int outs = op.outputs().size();
        if (ins < need.minInputs() || ins > need.maxInputs()) {
            return "has " + count(ins, "input") + "; it takes " + need.minInputs() + " to " + need.maxInputs() + " ("
                    + need.inputNames() + ")";
        }
        if (outs < 1 || outs > need.maxOutputs()) {
            return "has " + count(outs, "output") + "; it writes " + (need.maxOutputs() == 1 ? "one" : "one or two");
        }
        int w = op.inputs().get(1);
        if (w < 0 || op.inputs().get(need.dataInput()) < 0 || op.outputs().get(0) < 0) {
            return "has no " + (w < 0 ? "weights" : op.outputs().get(0) < 0 ? "output" : "input")
                    + " tensor (index -1); only the bias may be omitted";
        }
        TensorInfo weights = tensors.get(w);
        if (weights.shape().length != need.weightRank()) {
            return "has weights \"" + weights.name() + "\" " + weights.type() + dims(weights.shape()) + " of rank "
                    + weights.shape().length + "; its weights are " + need.weightRank() + "-D";
        }
        for (long d : weights.shape()) {
            if (d == 0) {
                return "has weights \"" + weights.name() + "\" " + weights.type() + dims(weights.shape())
                        + " with a zero dim; a kernel needs at least one weight";
            }
        }
        return null;
    }

    private boolean usesBadTensor(OperatorInfo op) {
        for (List<Integer> list : List.of(op.inputs(), op.outputs())) {
            for (int t : list) {
                if (t >= 0 && badTensors.get(t)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static String count(int n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }

    /** {@code [1,-3,4,4]}: dims as stored. */
    static String dims(long[] shape) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < shape.length; i++) {
            sb.append(i > 0 ? "," : "").append(shape[i]);
        }
        return sb.append(']').toString();
    }
}
