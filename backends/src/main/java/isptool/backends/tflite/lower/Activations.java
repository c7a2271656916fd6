package isptool.backends.tflite.lower;

import isptool.graph.Node;
import isptool.graph.Tensor;
import isptool.graph.Value;
import org.tensorflow.lite.schema.ActivationFunctionType;
import org.tensorflow.lite.schema.BuiltinOperator;

/**
 * The clamps TFLite has both as a fused activation of conv/elementwise ops and as standalone ops:
 * Relu and Clip to [0, 6], [-1, 1] or [0, inf).
 */
final class Activations {
    /** A clamp: its fused activation code and its standalone op. */
    record Clamp(byte fused, int op) {
    }

    private Activations() {
    }

    /** The clamp n computes, or null if n is not one TFLite has (any other Clip range). */
    static Clamp of(Node n) {
        if (n.is("Relu")) {
            return new Clamp(ActivationFunctionType.RELU, BuiltinOperator.RELU);
        }
        if (!n.is("Clip")) {
            return null;
        }
        double[] range = clipRange(n);
        if (range == null) {
            return null;
        }
        if (range[0] == 0 && range[1] == 6) {
            return new Clamp(ActivationFunctionType.RELU6, BuiltinOperator.RELU6);
        }
        if (range[0] == -1 && range[1] == 1) {
            return new Clamp(ActivationFunctionType.RELU_N1_TO_1, BuiltinOperator.RELU_N1_TO_1);
        }
        if (range[0] == 0 && range[1] == Double.POSITIVE_INFINITY) {
            return new Clamp(ActivationFunctionType.RELU, BuiltinOperator.RELU);
        }
        return null;
    }

    /** Clip's [min, max]: attributes before opset 11, optional constant inputs since; null if computed. */
    static double[] clipRange(Node n) {
        double lo = n.getFloat("min", Float.NEGATIVE_INFINITY);
        double hi = n.getFloat("max", Float.POSITIVE_INFINITY);
        Double inLo = scalar(n.input(1));
        Double inHi = scalar(n.input(2));
        if (inLo != null && inLo.isNaN() || inHi != null && inHi.isNaN()) {
            return null;
        }
        return new double[] {inLo != null ? inLo : lo, inHi != null ? inHi : hi};
    }

    /** The value of an optional scalar constant input; null if absent; NaN if computed at run time. */
    private static Double scalar(Value v) {
        if (v == null || v.name().isEmpty()) {
            return null;
        }
        Tensor t = v.constant();
        return t == null || t.elementCount() != 1 ? Double.NaN : t.getDouble(0);
    }
}
