package isptool.passes.reparam;

import isptool.graph.Node;
import isptool.graph.Tensor;
import isptool.graph.Value;

/**
 * Inference-mode BatchNormalization as a per-channel affine map y = t*x + shift with
 * t = gamma / sqrt(var + eps) and shift = beta - mean * t (computed in double).
 */
final class BatchNorms {
    private BatchNorms() {
    }

    /**
     * {t, shift, var, {eps}}, or null if the node is not an inference-mode BN with constant
     * parameters; see {@link #nonFiniteReason} before using t and shift.
     */
    static double[][] affine(Node bn) {
        if (!bn.is("BatchNormalization") || bn.inputs().size() < 5 || bn.getInt("training_mode", 0) != 0
                || bn.getInt("spatial", 1) != 1) {
            return null;
        }
        for (int i = 1; i < bn.outputs().size(); i++) {
            Value o = bn.output(i);
            if (!o.users().isEmpty()) {
                return null;
            }
        }
        Tensor[] p = new Tensor[4];
        for (int i = 0; i < 4; i++) {
            p[i] = bn.input(i + 1) == null ? null : bn.input(i + 1).constant();
            if (p[i] == null || p[i].rank() != 1) {
                return null;
            }
        }
        double eps = bn.getFloat("epsilon", 1e-5f);
        double[] gamma = p[0].toDoubles();
        double[] beta = p[1].toDoubles();
        double[] mean = p[2].toDoubles();
        double[] var = p[3].toDoubles();
        int c = gamma.length;
        if (beta.length != c || mean.length != c || var.length != c) {
            return null;
        }
        double[] t = new double[c];
        double[] shift = new double[c];
        for (int i = 0; i < c; i++) {
            t[i] = gamma[i] / Math.sqrt(var[i] + eps);
            shift[i] = beta[i] - mean[i] * t[i];
        }
        return new double[][] {t, shift, var, new double[] {eps}};
    }

    /**
     * Why the affine map of a BN (from {@link #affine}) has no finite float32 form: variance + eps
     * at or below zero (1/sqrt is inf or NaN), or a scale or shift that is NaN or overflows float32;
     * null if every channel is fine.
     */
    static String nonFiniteReason(double[][] affine) {
        double[] var = affine[2];
        double eps = affine[3][0];
        for (int c = 0; c < var.length; c++) {
            if (!(var[c] + eps > 0)) {
                return String.format(java.util.Locale.ROOT, "channel %d has variance + epsilon = %s (variance %s,"
                        + " epsilon %s), so 1/sqrt(variance + epsilon) is not finite", c, var[c] + eps, var[c], eps);
            }
        }
        for (int c = 0; c < var.length; c++) {
            if (!Float.isFinite((float) affine[0][c]) || !Float.isFinite((float) affine[1][c])) {
                return String.format(java.util.Locale.ROOT, "channel %d gives scale gamma/sqrt(variance + epsilon)"
                        + " = %.3g and shift %.3g, not finite in float32", c, affine[0][c], affine[1][c]);
            }
        }
        return null;
    }
}
