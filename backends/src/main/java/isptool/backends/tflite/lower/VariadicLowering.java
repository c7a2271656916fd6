package isptool.backends.tflite.lower;

import isptool.graph.Node;
import isptool.graph.Value;
import org.tensorflow.lite.schema.AddNOptionsT;
import org.tensorflow.lite.schema.BuiltinOperator;

/**
 * Min, Max, Sum and Mean of any number of broadcasting inputs: a chain of the binary op (operands
 * in the output's layout, see {@link ElementwiseLowering#operand}); Sum of three or more inputs of
 * the output's shape is one ADD_N; Mean divides the sum by the count.
 */
final class VariadicLowering {
    private VariadicLowering() {
    }

    static Lowering of(int op) {
        return (n, cx) -> fold(n, cx, op, 1);
    }

    static void mean(Node n, LoweringContext cx) {
        fold(n, cx, BuiltinOperator.ADD, n.inputs().size());
    }

    /** The op over all inputs, divided by divisor unless it is 1; one input is the output itself. */
    private static void fold(Node n, LoweringContext cx, int op, int divisor) {
        int count = n.inputs().size();
        if (count == 1) {
            cx.alias(n, n.output(0), n.input(0));
            return;
        }
        Emit e = new Emit(n, cx);
        boolean divide = divisor != 1;
        if (op == BuiltinOperator.ADD && count >= 3 && allOutputShaped(n)) {
            int[] ins = new int[count];
            for (int i = 0; i < count; i++) {
                ins[i] = cx.tensor(n, n.input(i));
            }
            int sum = divide ? e.t() : e.out();
            cx.builder().addOperator(BuiltinOperator.ADD_N, new AddNOptionsT(), ins, new int[] {sum});
            finish(e, sum, divisor);
            return;
        }
        int acc = ElementwiseLowering.operand(n, cx, n.input(0));
        for (int i = 1; i < count; i++) {
            boolean last = i == count - 1 && !divide;
            acc = e.binary(op, last ? e.out() : e.t(), acc, ElementwiseLowering.operand(n, cx, n.input(i)));
        }
        finish(e, acc, divisor);
    }

    private static void finish(Emit e, int sum, int divisor) {
        if (divisor != 1) {
            e.binary(BuiltinOperator.DIV, e.out(), sum, e.scalar(divisor));
        }
    }

    private static boolean allOutputShaped(Node n) {
        for (Value v : n.inputs()) {
            if (v.isConstant() || v.shape() == null || !v.shape().equals(n.output(0).shape())) {
                return false;
            }
        }
        return true;
    }
}
