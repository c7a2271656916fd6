package isptool.backends.tflite.lower;

import isptool.graph.Node;
import isptool.graph.Tensor;
import java.util.Arrays;
import org.tensorflow.lite.schema.AddOptionsT;
import org.tensorflow.lite.schema.BuiltinOperator;
import org.tensorflow.lite.schema.DivOptionsT;
import org.tensorflow.lite.schema.MulOptionsT;
import org.tensorflow.lite.schema.SubOptionsT;

/**
 * One node's decomposition into several TFLite operators: each call adds one operator writing
 * either the node's output ({@link #out()}) or a new intermediate ({@link #t()}, the output's
 * stored shape), so a decomposition reads as the formula it computes.
 */
final class Emit {
    private final Node n;
    private final LoweringContext cx;

    Emit(Node n, LoweringContext cx) {
        this.n = n;
        this.cx = cx;
    }

    /** The TFLite tensor of input i. */
    int in(int i) {
        return cx.tensor(n, n.input(i));
    }

    /** The TFLite tensor of output 0. */
    int out() {
        return cx.tensor(n, n.output(0));
    }

    /** Output 0's stored shape. */
    long[] shape() {
        return cx.storedShape(n, n.output(0));
    }

    /** A new intermediate of the output's stored shape. */
    int t() {
        return t(shape());
    }

    /** A new intermediate of the given stored shape. */
    int t(long[] storedShape) {
        return cx.scratch(n.name() + "/t", storedShape);
    }

    /** A float constant of all-1 dims at the output's rank (broadcasts against every operand). */
    int scalar(double v) {
        long[] ones = new long[shape().length];
        Arrays.fill(ones, 1);
        return cx.constant(n.name() + "/c", Tensor.ofFloats(ones, new float[] {(float) v}));
    }

    int unary(int op, int out, int x) {
        cx.builder().addOperator(op, null, new int[] {x}, new int[] {out});
        return out;
    }

    /** A binary operator with its options (ADD, SUB, MUL, DIV need them; MAXIMUM, MINIMUM, POW do not). */
    int binary(int op, int out, int a, int b) {
        cx.builder().addOperator(op, options(op), new int[] {a, b}, new int[] {out});
        return out;
    }

    /** A reduction (MEAN, SUM, REDUCE_MAX) over stored axes, keeping them as size 1. */
    int reduce(int op, int out, int x, long[] storedAxes) {
        cx.reduce(n.name(), op, x, storedAxes, true, out);
        return out;
    }

    /** The output's stored shape with the given stored axes reduced to 1. */
    long[] reducedShape(long[] storedAxes) {
        long[] s = shape();
        for (long a : storedAxes) {
            s[(int) a] = 1;
        }
        return s;
    }

    static Object options(int op) {
        return switch (op) {
            case BuiltinOperator.ADD -> new AddOptionsT();
            case BuiltinOperator.SUB -> new SubOptionsT();
            case BuiltinOperator.MUL -> new MulOptionsT();
            case BuiltinOperator.DIV -> new DivOptionsT();
            default -> null;
        };
    }
}
