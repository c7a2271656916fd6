package isptool.backends.tflite.lower;

import isptool.graph.Node;
import isptool.graph.Value;
import org.tensorflow.lite.schema.AddOptionsT;
import org.tensorflow.lite.schema.BuiltinOperator;
import org.tensorflow.lite.schema.DivOptionsT;
import org.tensorflow.lite.schema.LeakyReluOptionsT;
import org.tensorflow.lite.schema.MulOptionsT;
import org.tensorflow.lite.schema.SubOptionsT;

/**
 * Elementwise ops: every operand is in the output's stored layout (the plan guarantees it for
 * computed ones); constants are right-aligned and permuted into that layout, so broadcasting
 * works the same as in ONNX.
 */
final class ElementwiseLowering {
    private ElementwiseLowering() {
    }

    static Lowering unary(int op) {
        return (n, cx) -> cx.builder().addOperator(op, null, new int[] {cx.tensor(n, n.input(0))},
                new int[] {cx.tensor(n, n.output(0))});
    }

    static Lowering binary(int op) {
        return (n, cx) -> {
            Object options = switch (op) {
                case BuiltinOperator.ADD -> new AddOptionsT();
                case BuiltinOperator.SUB -> new SubOptionsT();
                case BuiltinOperator.MUL -> new MulOptionsT();
                case BuiltinOperator.DIV -> new DivOptionsT();
                default -> null;
            };
            cx.builder().addOperator(op, options, new int[] {operand(n, cx, n.input(0)), operand(n, cx, n.input(1))},
                    new int[] {cx.tensor(n, n.output(0))});
        };
    }

    /** Relu or Clip to a range TFLite has (RELU, RELU6, RELU_N1_TO_1); unless fused into a conv before. */
    static void clamp(Node n, LoweringContext cx) {
        Activations.Clamp c = Activations.of(n);
        if (c == null) {
            double[] r = Activations.clipRange(n);
            throw cx.refuse(n, "range " + (r == null ? "computed at run time" : "[" + r[0] + ", " + r[1] + "]")
                    + " is not supported; TFLite clamps to [0, 6], [-1, 1] or [0, inf) only");
        }
        unary(c.op()).lower(n, cx);
    }

    static void prelu(Node n, LoweringContext cx) {
        if (!n.input(1).isConstant()) {
            throw cx.refuse(n, "a slope computed at run time is not supported");
        }
        cx.builder().addOperator(BuiltinOperator.PRELU, null,
                new int[] {cx.tensor(n, n.input(0)), cx.constantLike(n, n.input(1), n.output(0))},
                new int[] {cx.tensor(n, n.output(0))});
    }

    static void leakyRelu(Node n, LoweringContext cx) {
        LeakyReluOptionsT o = new LeakyReluOptionsT();
        o.setAlpha(n.getFloat("alpha", 0.01f));
        cx.builder().addOperator(BuiltinOperator.LEAKY_RELU, o, new int[] {cx.tensor(n, n.input(0))},
                new int[] {cx.tensor(n, n.output(0))});
    }

    private static int operand(Node n, LoweringContext cx, Value v) {
        if (v.isConstant()) {
            return cx.constantLike(n, v, n.output(0));
        }
        if (v.shape() != null && v.shape().rank() != n.output(0).shape().rank()) {
            throw cx.refuse(n, "operand \"" + v.name() + "\" of rank " + v.shape().rank() + " broadcast to rank "
                    + n.output(0).shape().rank() + " is not supported yet");
        }
        return cx.tensor(n, v);
    }
}
