package isptool.backends.tflite.lower;

import isptool.backends.layout.Layout;
import isptool.graph.DType;
import isptool.graph.Node;
import isptool.graph.Tensor;
import isptool.graph.Value;
import java.util.ArrayList;
import java.util.List;
import org.tensorflow.lite.schema.BuiltinOperator;
import org.tensorflow.lite.schema.LeakyReluOptionsT;

/**
 * Elementwise ops: every operand is in the output's stored layout (the plan guarantees it for
 * computed ones of the output's rank; lower-rank ones are reshaped into it); constants are
 * right-aligned and permuted into that layout, so broadcasting works the same as in ONNX.
 */
final class ElementwiseLowering {
    private ElementwiseLowering() {
    }

    static Lowering unary(int op) {
        return (n, cx) -> new Emit(n, cx).unary(op, cx.tensor(n, n.output(0)), cx.tensor(n, n.input(0)));
    }

    /** A broadcasting binary op; a Mul or Div that starts PyTorch's exact GELU lowers the whole pattern instead. */
    static Lowering binary(int op) {
        return (n, cx) -> {
            if ((op == BuiltinOperator.MUL || op == BuiltinOperator.DIV) && GeluPattern.lowerFrom(n, cx)) {
                return;
            }
            new Emit(n, cx).binary(op, cx.tensor(n, n.output(0)), operand(n, cx, n.input(0)),
                    operand(n, cx, n.input(1)));
        };
    }

    /**
     * Relu, and Clip to a range TFLite has as an op (RELU, RELU6, RELU_N1_TO_1) unless fused into a
     * conv before; any other constant range is MAXIMUM and/or MINIMUM with the bounds.
     */
    static void clamp(Node n, LoweringContext cx) {
        Activations.Clamp c = Activations.of(n);
        if (c != null) {
            unary(c.op()).lower(n, cx);
            return;
        }
        double[] r = Activations.clipRange(n);
        if (r == null) {
            throw cx.refuse(n, "attribute/input min or max is computed at run time; convert needs constant Clip"
                    + " bounds (fold them to constants first)");
        }
        boolean lo = r[0] != Double.NEGATIVE_INFINITY;
        boolean hi = r[1] != Double.POSITIVE_INFINITY;
        if (!lo && !hi) {
            cx.alias(n, n.output(0), n.input(0));
            return;
        }
        Emit e = new Emit(n, cx);
        int x = e.in(0);
        if (lo) {
            x = e.binary(BuiltinOperator.MAXIMUM, hi ? e.t() : e.out(), x, e.scalar(r[0]));
        }
        if (hi) {
            e.binary(BuiltinOperator.MINIMUM, e.out(), x, e.scalar(r[1]));
        }
    }

    static void prelu(Node n, LoweringContext cx) {
        if (!n.input(1).isConstant()) {
            throw cx.refuse(n, "a slope computed at run time is not supported");
        }
        long[] stored = cx.storedShape(n, n.output(0));
        if (stored.length > 4 && cx.layoutOf(n.output(0)).isIdentity() && perChannelOrScalar(n.input(1), stored)) {
            preluAsFourAxes(n, cx, stored);
            return;
        }
        cx.builder().addOperator(BuiltinOperator.PRELU, null,
                new int[] {cx.tensor(n, n.input(0)), cx.constantLike(n, n.input(1), n.output(0))},
                new int[] {cx.tensor(n, n.output(0))});
    }

    /**
     * TFLite's PRELU takes at most 4 axes. A 3-D PRelu [N, C, D, H, W] whose slope is per channel
     * (or one value) is the same PRELU on [N, C, D*H*W, 1], reshaped there and back (no data moves).
     */
    private static void preluAsFourAxes(Node n, LoweringContext cx, long[] stored) {
        long rest = 1;
        for (int i = 2; i < stored.length; i++) {
            rest *= stored[i];
        }
        long[] four = {stored[0], stored[1], rest, 1};
        Tensor slope = n.input(1).constant().cast(DType.FLOAT);
        long[] slopeShape = slope.elementCount() == 1 ? new long[] {1} : new long[] {stored[1], 1, 1};
        int x = cx.scratch(n.name() + "/as4d", four);
        cx.reshape(n.name(), cx.tensor(n, n.input(0)), four, x);
        int y = cx.scratch(n.name() + "/prelu4d", four);
        cx.builder().addOperator(BuiltinOperator.PRELU, null,
                new int[] {x, cx.constant(n.name() + "/slope", slope.reshape(slopeShape))}, new int[] {y});
        cx.reshape(n.name(), y, stored, cx.tensor(n, n.output(0)));
    }

    /** The slope, right-aligned to the output's axes, varies at most along axis 1. */
    private static boolean perChannelOrScalar(Value slope, long[] out) {
        long[] d = slope.constant().shape();
        int lead = out.length - d.length;
        for (int i = 0; i < d.length; i++) {
            if (d[i] != 1 && i + lead != 1) {
                return false;
            }
        }
        return true;
    }

    static void leakyRelu(Node n, LoweringContext cx) {
        LeakyReluOptionsT o = new LeakyReluOptionsT();
        o.setAlpha(n.getFloat("alpha", 0.01f));
        cx.builder().addOperator(BuiltinOperator.LEAKY_RELU, o, new int[] {cx.tensor(n, n.input(0))},
                new int[] {cx.tensor(n, n.output(0))});
    }

    /**
     * Operand v of n in the output's stored layout: constants right-aligned and permuted; computed
     * values of lower rank RESHAPEd to the output's rank (leading 1s, then the output's axis order),
     * which moves no data when v's non-unit axes keep their order; otherwise refused.
     */
    static int operand(Node n, LoweringContext cx, Value v) {
        Value out = n.output(0);
        if (v.isConstant()) {
            return cx.constantLike(n, v, out);
        }
        int rank = out.shape().rank();
        if (v.shape() == null || v.shape().rank() == rank) {
            return cx.tensor(n, v);
        }
        cx.storedShape(n, v); // refuses a shape that is not static
        long[] dims = v.shape().dims();
        int lead = rank - dims.length;
        long[] aligned = new long[rank];
        for (int i = 0; i < rank; i++) {
            aligned[i] = i < lead ? 1 : dims[i - lead];
        }
        Layout lv = cx.layoutOf(v);
        Layout lo = cx.layoutOf(out);
        List<Integer> have = new ArrayList<>();
        for (int a : lv.perm()) {
            if (dims[a] != 1) {
                have.add(a + lead);
            }
        }
        List<Integer> want = new ArrayList<>();
        for (int a : lo.perm()) {
            if (aligned[a] != 1) {
                want.add(a);
            }
        }
        if (!have.equals(want)) {
            throw cx.refuse(n, "operand \"" + v.name() + "\" of rank " + dims.length + " broadcast to the stored"
                    + " layout " + lo + " of rank " + rank + " would move data (needs a TRANSPOSE); convert does not"
                    + " emit TRANSPOSE yet");
        }
        long[] stored = lo.stored(aligned);
        int r = cx.scratch(v.name() + "/rank" + rank, stored);
        cx.reshape(v.name() + "/rank" + rank, cx.tensor(n, v), stored, r);
        return r;
    }
}
