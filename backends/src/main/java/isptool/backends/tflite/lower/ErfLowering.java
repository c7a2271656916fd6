package isptool.backends.tflite.lower;

import isptool.graph.Node;
import org.tensorflow.lite.schema.BuiltinOperator;

/**
 * A standalone Erf (TFLite has no ERF; inside PyTorch's GELU it becomes GELU, see {@link GeluPattern}):
 * Abramowitz and Stegun's formula 7.1.26, {@code erf(x) = sign(x) (1 - t (a1 + t (a2 + t (a3 + t (a4 +
 * t a5)))) exp(-x^2))} with {@code t = 1 / (1 + p |x|)}, whose error is at most 1.5e-7 for every x;
 * evaluated in float32 the total stays below 1e-6 absolute (ErfLoweringTest measures it against
 * onnxruntime over [-4, 4]).
 */
final class ErfLowering {
    private static final double P = 0.3275911;
    private static final double[] A = {0.254829592, -0.284496736, 1.421413741, -1.453152027, 1.061405429};

    private ErfLowering() {
    }

    static void lower(Node n, LoweringContext cx) {
        Emit e = new Emit(n, cx);
        int x = e.in(0);
        int abs = e.unary(BuiltinOperator.ABS, e.t(), x);
        int den = e.binary(BuiltinOperator.ADD, e.t(), e.binary(BuiltinOperator.MUL, e.t(), abs, e.scalar(P)),
                e.scalar(1));
        int t = e.binary(BuiltinOperator.DIV, e.t(), e.scalar(1), den);
        int poly = e.binary(BuiltinOperator.MUL, e.t(), t, e.scalar(A[A.length - 1]));
        for (int i = A.length - 2; i >= 0; i--) {
            poly = e.binary(BuiltinOperator.MUL, e.t(), t, e.binary(BuiltinOperator.ADD, e.t(), poly, e.scalar(A[i])));
        }
        int negSquare = e.binary(BuiltinOperator.MUL, e.t(), e.unary(BuiltinOperator.NEG, e.t(), abs), abs);
        int tail = e.binary(BuiltinOperator.MUL, e.t(), poly, e.unary(BuiltinOperator.EXP, e.t(), negSquare));
        int magnitude = e.binary(BuiltinOperator.SUB, e.t(), e.scalar(1), tail);
        e.binary(BuiltinOperator.MUL, e.out(), magnitude, e.unary(BuiltinOperator.SIGN, e.t(), x));
    }
}
