package isptool.backends.tflite.lower;

import isptool.graph.Node;
import isptool.graph.Value;
import org.tensorflow.lite.schema.BuiltinOperator;
import org.tensorflow.lite.schema.MulOptionsT;

/** Pow: a constant exponent 2 is MUL(x, x), 0.5 is SQRT; anything else (a computed exponent too) POW. */
final class PowLowering {
    private PowLowering() {
    }

    static void lower(Node n, LoweringContext cx) {
        Value x = n.input(0);
        Value e = n.input(1);
        if (!e.isConstant()) {
            cx.builder().addOperator(BuiltinOperator.POW, null, new int[] {ElementwiseLowering.operand(n, cx, x),
                ElementwiseLowering.operand(n, cx, e)}, new int[] {cx.tensor(n, n.output(0))});
            return;
        }
        int in = cx.tensor(n, x);
        int out = cx.tensor(n, n.output(0));
        boolean sameShape = x.shape() != null && x.shape().equals(n.output(0).shape());
        if (sameShape && e.constant().isUniform(2)) {
            cx.builder().addOperator(BuiltinOperator.MUL, new MulOptionsT(), new int[] {in, in}, new int[] {out});
        } else if (sameShape && e.constant().isUniform(0.5)) {
            cx.builder().addOperator(BuiltinOperator.SQRT, null, new int[] {in}, new int[] {out});
        } else {
            cx.builder().addOperator(BuiltinOperator.POW, null, new int[] {in, cx.constantLike(n, e, n.output(0))},
                    new int[] {out});
        }
    }
}
