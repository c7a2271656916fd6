package isptool.backends.quant;

import isptool.backends.quant.QModel.Op;
import isptool.backends.tflite.Quantization;
import isptool.graph.DType;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The scale and zero point of every integer activation. Tensors an integer operator requires to
 * share parameters (pooling, reshapes, concatenation, ...) form one group whose range is the union
 * of its members' ranges (and of constants it compares with); ops with fixed output parameters
 * (LOGISTIC, TANH, SOFTMAX) fix their group's.
 */
final class ActivationParams {
    private final int[] parent;

    private ActivationParams(int n) {
        parent = new int[n];
        for (int i = 0; i < n; i++) {
            parent[i] = i;
        }
    }

    static Map<Integer, Quantization> choose(QModel m, Set<Integer> floatOps, Map<Integer, double[]> ranges,
            DType act) {
        ActivationParams groups = new ActivationParams(m.tensors.size());
        Map<Integer, double[]> extra = new HashMap<>();
        for (int k = 0; k < m.ops.size(); k++) {
            if (!floatOps.contains(k) && OpKinds.sameAsInput(m.ops.get(k).opName())) {
                groups.joinFirst(m, m.ops.get(k));
            }
        }
        Map<Integer, Quantization> fixed = new HashMap<>();
        for (int k = 0; k < m.ops.size(); k++) {
            Quantization f = OpKinds.fixedOutput(m.ops.get(k).opName(), act);
            if (f != null && !floatOps.contains(k)) {
                fixed.putIfAbsent(groups.find(m.ops.get(k).outputs[0]), f);
            }
        }
        for (int k = 0; k < m.ops.size(); k++) {
            if (!floatOps.contains(k) && OpKinds.allSame(m.ops.get(k).opName())) {
                groups.joinAll(m, m.ops.get(k), fixed.keySet(), ranges, extra);
            }
        }
        Map<Integer, double[]> groupRange = new HashMap<>();
        Map<Integer, double[]> all = new HashMap<>(ranges);
        extra.forEach((t, r) -> all.merge(t, r, ActivationParams::union));
        all.forEach((t, r) -> groupRange.merge(groups.find(t), r.clone(), ActivationParams::union));
        Map<Integer, Quantization> params = new HashMap<>();
        for (int t = 0; t < m.tensors.size(); t++) {
            if (m.tensor(t).isConstant()) {
                continue;
            }
            int root = groups.find(t);
            double[] r = groupRange.get(root);
            Quantization q = fixed.get(root);
            if (q == null && r != null) {
                q = QuantMath.activation(r[0], r[1], act);
            }
            if (q != null) {
                params.put(t, q);
            }
        }
        return params;
    }

    private static double[] union(double[] a, double[] b) {
        return new double[] {Math.min(a[0], b[0]), Math.max(a[1], b[1])};
    }

    /** Output params = the data input's (the first activation input). */
    private void joinFirst(QModel m, Op op) {
        for (int t : op.inputs) {
            if (t >= 0 && !m.tensor(t).isConstant()) {
                for (int o : op.outputs) {
                    union(t, o);
                }
                return;
            }
        }
    }

    /**
     * Every input and the output share params. An input whose group has fixed params (a LOGISTIC
     * output, say) is not joined: its range widens the group and the rewrite requantizes it; float
     * constants widen the group too.
     */
    private void joinAll(QModel m, Op op, Set<Integer> fixedRoots, Map<Integer, double[]> ranges,
            Map<Integer, double[]> extra) {
        int out = op.outputs[0];
        for (int t : op.inputs) {
            if (t < 0 || m.tensor(t).isConstant() && !m.tensor(t).isFloatConstant()) {
                continue;
            }
            if (m.tensor(t).isFloatConstant()) {
                extra.merge(out, range(m.tensor(t).data), ActivationParams::union);
            } else if (fixedRoots.contains(find(t))) {
                if (ranges.containsKey(t)) {
                    extra.merge(out, ranges.get(t), ActivationParams::union);
                }
            } else {
                union(t, out);
            }
        }
    }

    private static double[] range(isptool.graph.Tensor c) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (int i = 0, n = c.elementCount(); i < n; i++) {
            lo = Math.min(lo, c.getDouble(i));
            hi = Math.max(hi, c.getDouble(i));
        }
        return new double[] {lo, hi};
    }

    private int find(int t) {
        while (parent[t] != t) {
            parent[t] = parent[parent[t]];
            t = parent[t];
        }
        return t;
    }

    /** Joins b's group into a's. */
    private void union(int a, int b) {
        int ra = find(a);
        int rb = find(b);
        if (ra != rb) {
            parent[rb] = ra;
        }
    }
}
