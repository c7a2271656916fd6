package isptool.backends.tflite.lower;

import isptool.graph.Node;
import org.tensorflow.lite.schema.BuiltinOperator;
import org.tensorflow.lite.schema.LogSoftmaxOptionsT;
import org.tensorflow.lite.schema.SoftmaxOptionsT;

/**
 * Softmax and LogSoftmax. Before opset 13 the input is coerced to 2-D at {@code axis} (default 1):
 * normalised over all axes from axis on; since 13 over the one axis (default -1). When the
 * normalised stored axes are the last stored axis (plus any of size 1) this is TFLite's SOFTMAX or
 * LOG_SOFTMAX; otherwise REDUCE_MAX, SUB, EXP, SUM and DIV (or LOG and SUB) over those stored axes.
 */
final class SoftmaxLowering {
    private SoftmaxLowering() {
    }

    static void softmax(Node n, LoweringContext cx) {
        lower(n, cx, false);
    }

    static void logSoftmax(Node n, LoweringContext cx) {
        lower(n, cx, true);
    }

    private static void lower(Node n, LoweringContext cx, boolean log) {
        Emit e = new Emit(n, cx);
        int rank = e.shape().length;
        boolean coerced = cx.graph().opset() < 13;
        long axis = NormLowerings.axis(n, cx, rank, coerced ? 1 : -1);
        long[] onnxAxes = coerced ? NormLowerings.axesFrom(axis, rank) : new long[] {axis};
        long[] axes = NormLowerings.storedAxes(cx.layoutOf(n.input(0)), onnxAxes);
        if (isLastStoredAxis(axes, e.shape())) {
            if (log) {
                cx.builder().addOperator(BuiltinOperator.LOG_SOFTMAX, new LogSoftmaxOptionsT(), new int[] {e.in(0)},
                        new int[] {e.out()});
            } else {
                SoftmaxOptionsT o = new SoftmaxOptionsT();
                o.setBeta(1f);
                cx.builder().addOperator(BuiltinOperator.SOFTMAX, o, new int[] {e.in(0)}, new int[] {e.out()});
            }
            return;
        }
        long[] kept = e.reducedShape(axes);
        int max = e.reduce(BuiltinOperator.REDUCE_MAX, e.t(kept), e.in(0), axes);
        int d = e.binary(BuiltinOperator.SUB, e.t(), e.in(0), max);
        int exp = e.unary(BuiltinOperator.EXP, e.t(), d);
        int sum = e.reduce(BuiltinOperator.SUM, e.t(kept), exp, axes);
        if (log) {
            e.binary(BuiltinOperator.SUB, e.out(), d, e.unary(BuiltinOperator.LOG, e.t(kept), sum));
        } else {
            e.binary(BuiltinOperator.DIV, e.out(), exp, sum);
        }
    }

    /** True if the stored axes are the last one plus only axes of size 1. */
    private static boolean isLastStoredAxis(long[] axes, long[] storedShape) {
        boolean last = false;
        for (long a : axes) {
            if (a == storedShape.length - 1) {
                last = true;
            } else if (storedShape[(int) a] != 1) {
                return false;
            }
        }
        return last;
    }
}
