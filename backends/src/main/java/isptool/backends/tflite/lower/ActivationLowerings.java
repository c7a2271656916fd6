package isptool.backends.tflite.lower;

import isptool.graph.Node;
import org.tensorflow.lite.schema.BuiltinOperator;
import org.tensorflow.lite.schema.GeluOptionsT;

/** Activations TFLite has no single builtin for (or only for some attribute values), as short exact formulas. */
final class ActivationLowerings {
    private ActivationLowerings() {
    }

    /** max(0, min(1, alpha x + beta)): MUL, ADD, RELU_0_TO_1. */
    static void hardSigmoid(Node n, LoweringContext cx) {
        Emit e = new Emit(n, cx);
        int ax = e.binary(BuiltinOperator.MUL, e.t(), e.in(0), e.scalar(n.getFloat("alpha", 0.2f)));
        int y = e.binary(BuiltinOperator.ADD, e.t(), ax, e.scalar(n.getFloat("beta", 0.5f)));
        e.unary(BuiltinOperator.RELU_0_TO_1, e.out(), y);
    }

    static void elu(Node n, LoweringContext cx) {
        scaledElu(n, cx, n.getFloat("alpha", 1f), 1);
    }

    static void selu(Node n, LoweringContext cx) {
        scaledElu(n, cx, n.getFloat("alpha", 1.67326319217681884765625f), n.getFloat("gamma", 1.05070102214813232421875f));
    }

    /**
     * gamma * (x > 0 ? x : alpha (exp(x) - 1)) from TFLite's ELU (alpha 1), e = ELU(x): e alone when
     * alpha = gamma = 1, else g + (alpha - 1) min(g, 0) with g = gamma e.
     */
    private static void scaledElu(Node n, LoweringContext cx, double alpha, double gamma) {
        Emit e = new Emit(n, cx);
        if (alpha == 1 && gamma == 1) {
            e.unary(BuiltinOperator.ELU, e.out(), e.in(0));
            return;
        }
        int g = e.unary(BuiltinOperator.ELU, e.t(), e.in(0));
        if (gamma != 1) {
            g = e.binary(BuiltinOperator.MUL, e.t(), g, e.scalar(gamma));
        }
        int neg = e.binary(BuiltinOperator.MINIMUM, e.t(), g, e.scalar(0));
        e.binary(BuiltinOperator.ADD, e.out(), g, e.binary(BuiltinOperator.MUL, e.t(), neg, e.scalar(alpha - 1)));
    }

    /** Gelu-20: TFLite's GELU, approximate for "tanh". */
    static void gelu(Node n, LoweringContext cx) {
        String approximate = n.getString("approximate", "none");
        if (!approximate.equals("none") && !approximate.equals("tanh")) {
            throw cx.refuse(n, "attribute approximate=\"" + approximate + "\" is not an ONNX value (none or tanh)");
        }
        GeluOptionsT o = new GeluOptionsT();
        o.setApproximate(approximate.equals("tanh"));
        cx.builder().addOperator(BuiltinOperator.GELU, o, new int[] {cx.tensor(n, n.input(0))},
                new int[] {cx.tensor(n, n.output(0))});
    }

    /** log(1 + exp(x)) without overflow: max(x, 0) + log(1 + exp(-|x|)). */
    static void softplus(Node n, LoweringContext cx) {
        Emit e = new Emit(n, cx);
        int x = e.in(0);
        int negAbs = e.unary(BuiltinOperator.NEG, e.t(), e.unary(BuiltinOperator.ABS, e.t(), x));
        int exp = e.unary(BuiltinOperator.EXP, e.t(), negAbs);
        int log = e.unary(BuiltinOperator.LOG, e.t(), e.binary(BuiltinOperator.ADD, e.t(), exp, e.scalar(1)));
        e.binary(BuiltinOperator.ADD, e.out(), e.unary(BuiltinOperator.RELU, e.t(), x), log);
    }

    /** x / (1 + |x|). */
    static void softsign(Node n, LoweringContext cx) {
        Emit e = new Emit(n, cx);
        int x = e.in(0);
        int den = e.binary(BuiltinOperator.ADD, e.t(), e.unary(BuiltinOperator.ABS, e.t(), x), e.scalar(1));
        e.binary(BuiltinOperator.DIV, e.out(), x, den);
    }

    /** 1 / x. */
    static void reciprocal(Node n, LoweringContext cx) {
        Emit e = new Emit(n, cx);
        e.binary(BuiltinOperator.DIV, e.out(), e.scalar(1), e.in(0));
    }
}
