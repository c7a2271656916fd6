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
        Map<Integer, double[]> constantRanges = new HashMap<>();
        for (int k = 0; k < m.ops.size(); k++) {
            Op op = m.ops.get(k);
            if (!floatOps.contains(k)) {
                groups.join(m, op, constantRanges);
            }
        }
        Map<Integer, double[]> groupRange = new HashMap<>();
        Map<Integer, double[]> all = new HashMap<>(ranges);
        constantRanges.forEach(all::put);
        all.forEach((t, r) -> groupRange.merge(groups.find(t), r.clone(),
                (a, b) -> new double[] {Math.min(a[0], b[0]), Math.max(a[1], b[1])}));
        Map<Integer, Quantization> fixed = new HashMap<>();
        for (int k = 0; k < m.ops.size(); k++) {
            Quantization f = OpKinds.fixedOutput(m.ops.get(k).opName(), act);
            if (f != null && !floatOps.contains(k)) {
                fixed.putIfAbsent(groups.find(m.ops.get(k).outputs[0]), f);
            }
        }
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

    /** Joins the tensors op requires to share parameters; constants it shares with widen the group's range. */
    private void join(QModel m, Op op, Map<Integer, double[]> constantRanges) {
        boolean all = OpKinds.allSame(op.opName());
        if (!all && !OpKinds.sameAsInput(op.opName())) {
            return;
        }
        int first = -1;
        for (int t : op.inputs) {
            if (t < 0 || m.tensor(t).isConstant()) {
                if (all && t >= 0 && m.tensor(t).isFloatConstant()) {
                    constantRanges.merge(op.outputs[0], range(m.tensor(t).data),
                            (a, b) -> new double[] {Math.min(a[0], b[0]), Math.max(a[1], b[1])});
                }
                continue;
            }
            if (first < 0) {
                first = t;
            } else if (all) {
                union(first, t);
            }
        }
        for (int o : op.outputs) {
            if (first >= 0) {
                union(first, o);
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

    private void union(int a, int b) {
        parent[find(a)] = find(b);
    }
}
