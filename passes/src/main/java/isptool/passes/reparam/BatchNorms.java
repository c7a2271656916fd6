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

    /** {t, shift}, or null if the node is not an inference-mode BN with constant parameters. */
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
        return new double[][] {t, shift};
    }
}
