package isptool.passes.target;

import isptool.graph.Node;
import isptool.graph.Tensor;
import isptool.graph.Value;

/** A Clip's constant [min, max] (attributes before opset 11, optional inputs since), and the ranges TFLite has ops for. */
final class ClipRange {
    private ClipRange() {
    }

    /** [lo, hi] with infinities for absent bounds; null if a bound is computed at run time. */
    static double[] of(Node n) {
        double lo = n.getFloat("min", Float.NEGATIVE_INFINITY);
        double hi = n.getFloat("max", Float.POSITIVE_INFINITY);
        if (n.inputs().size() > 1 && present(n.input(1))) {
            Tensor t = n.input(1).constant();
            if (t == null || t.elementCount() != 1) {
                return null;
            }
            lo = t.getDouble(0);
        }
        if (n.inputs().size() > 2 && present(n.input(2))) {
            Tensor t = n.input(2).constant();
            if (t == null || t.elementCount() != 1) {
                return null;
            }
            hi = t.getDouble(0);
        }
        return new double[] {lo, hi};
    }

    /** [0, 6], [-1, 1] and [0, inf) are TFLite's RELU6, RELU_N1_TO_1 and RELU, on every target. */
    static boolean isNative(double[] r) {
        return r[0] == 0 && (r[1] == 6 || r[1] == Double.POSITIVE_INFINITY) || r[0] == -1 && r[1] == 1;
    }

    private static boolean present(Value v) {
        return v != null && !v.name().isEmpty();
    }
}
