package isptool.passes.cleanup;

import isptool.graph.Node;
import isptool.graph.Shape;
import isptool.graph.Tensor;
import isptool.graph.Value;
import java.util.Arrays;

/**
 * The opset-7 rewrites of the ops whose broadcasting changed: the binary ops with the legacy
 * broadcast/axis attributes, Gemm's broadcast flag and PRelu's per-channel slope.
 */
final class LegacyBroadcast {
    private LegacyBroadcast() {
    }

    /**
     * Add, Sub, Mul, Div, Pow, And, Or, Xor, Equal, Greater, Less (opset 1/6 -> 7).
     * Legacy: broadcast=0 means equal shapes; broadcast=1 lays B (an exact contiguous sub-shape of
     * A, or one element) over A starting at `axis`, or right-aligned (suffix matching) without
     * axis. Opset 7: numpy broadcasting, always right-aligned. So B gets rank(A) - axis - rank(B)
     * trailing 1-axes, and both attributes go. A dim of B that is 1 where A's is not (PyTorch wrote
     * such models; the old text says "1-dim expansion doesn't work yet") is broadcast like numpy
     * does; a dim of B larger than A's would make the output larger than A: refused.
     */
    static void binary(Node n, int from, UpgradePlan p) {
        Value a = n.input(0);
        Value b = n.input(1);
        if (a == null || b == null || n.inputs().size() != 2) {
            p.refuse(n, "needs two inputs");
            return;
        }
        if (n.getInt("broadcast", 0) == 0) {
            Shape sa = a.shape();
            Shape sb = b.shape() != null ? b.shape() : b.isConstant() ? Shape.of(b.constant().shape()) : null;
            if (sa != null && sb != null && sa.isStatic() && sb.isStatic() && !sa.equals(sb)) {
                p.refuse(n, "broadcast=0 requires equal shapes before opset 7, but A is " + sa + " and B is " + sb);
                return;
            }
            if (n.has("broadcast") || n.has("axis")) {
                p.drop(n, "broadcast=0 removed (equal shapes)", "broadcast", "axis");
            }
            return;
        }
        int ra = p.rank(a);
        int rb = p.rank(b);
        if (ra >= 0 && rb > ra) {
            p.refuse(n, "legacy broadcast of B (rank " + rb + ") over A (rank " + ra + ") is not defined");
            return;
        }
        if (rb == 0 || b.isConstant() && b.constant().elementCount() == 1) {
            p.drop(n, "legacy broadcast of one element -> numpy broadcast", "broadcast", "axis");
            return;
        }
        if (!n.has("axis")) {
            if (!fits(n, a, b, ra - rb, rb, p)) {
                return;
            }
            p.drop(n, "legacy suffix broadcast -> numpy broadcast", "broadcast", "axis");
            return;
        }
        long axis = n.getInt("axis", 0);
        if (axis < 0) {
            p.refuse(n, "negative broadcast axis " + axis + " is not defined before opset 7");
            return;
        }
        if (ra < 0 || rb < 0) {
            p.refuse(n, "broadcast axis " + axis + " needs the ranks of A and B, which are unknown (A: "
                    + rank(ra) + ", B: " + rank(rb) + "); give the model's value shapes");
            return;
        }
        long ones = ra - axis - rb;
        if (ones < 0) {
            p.refuse(n, "B of rank " + rb + " does not fit into A of rank " + ra + " at broadcast axis " + axis);
            return;
        }
        if (!fits(n, a, b, (int) axis, rb, p)) {
            return;
        }
        p.drop(n, "legacy broadcast at axis -> numpy broadcast", "broadcast", "axis");
        if (ones > 0) {
            p.appendOnes(n, 1, b, rb, (int) ones, "B given trailing 1-axes to align at the axis");
        }
    }

    /** False (and refuses) if a known dim of B, laid over A from axis `at`, is neither A's dim nor 1. */
    private static boolean fits(Node n, Value a, Value b, int at, int rb, UpgradePlan p) {
        Shape sa = a.shape();
        long[] db = b.isConstant() ? b.constant().shape() : b.shape() != null ? b.shape().dims() : null;
        if (sa == null || db == null || at < 0 || at + rb > sa.rank() || db.length != rb) {
            return true;
        }
        for (int i = 0; i < rb; i++) {
            long da = sa.dim(at + i);
            if (db[i] >= 0 && da >= 0 && db[i] != da && db[i] != 1) {
                p.refuse(n, "B " + Arrays.toString(db) + " does not match A " + sa + " at axis " + (at + i));
                return false;
            }
        }
        return true;
    }

    /**
     * Gemm (opset 1/6 -> 7). Legacy: with broadcast=1 C is broadcast to (M, N) by suffix matching;
     * with broadcast=0 it is (M, N). Opset 7: C is unidirectionally (numpy) broadcast to (M, N),
     * which agrees in both cases, so the attribute goes.
     */
    static void gemm(Node n, int from, UpgradePlan p) {
        if (n.has("broadcast")) {
            p.drop(n, "broadcast attribute removed (C broadcasts like numpy)", "broadcast");
        }
    }

    /**
     * PRelu (opset 1/6 -> 7). Legacy: a slope of one element is shared, otherwise it holds one
     * value per channel (axis 1). Opset 7: the slope is broadcast unidirectionally, aligned from
     * the right, so a per-channel slope [C] on an input of rank r becomes [C, 1, ..., 1] (r - 1
     * dims); on a rank-2 input [N, C] it already lines up.
     */
    static void prelu(Node n, int from, UpgradePlan p) {
        Value x = n.input(0);
        Value slope = n.input(1);
        int rx = p.rank(x);
        Tensor t = slope == null ? null : slope.constant();
        if (t != null && t.elementCount() == 1) {
            if (t.rank() > 1) {
                p.setConstantInput(n, 1, slope.name() + "_shared", t.reshape(1), "one-element slope kept shared");
            }
            return;
        }
        if (rx < 2) {
            p.refuse(n, "a per-channel slope needs an input of known rank >= 2 (rank: " + rank(rx) + ")");
            return;
        }
        long channels = x.shape() != null ? x.shape().dim(1) : -1;
        int rs = p.rank(slope);
        if (t != null) {
            if (channels >= 0 && t.elementCount() != channels || channels < 0 && t.rank() != 1) {
                p.refuse(n, "slope " + t + " is neither one element nor one per channel of input " + x.shape());
                return;
            }
            long[] dims = new long[rx - 1];
            Arrays.fill(dims, 1);
            dims[0] = t.elementCount();
            if (!Arrays.equals(dims, t.shape())) {
                p.setConstantInput(n, 1, slope.name() + "_per_channel", t.reshape(dims), "slope reshaped to [C,1,..]");
            }
            return;
        }
        if (rs != 1) {
            p.refuse(n, "a computed slope must be of rank 1 to be aligned with the channel axis (rank: " + rank(rs) + ")");
            return;
        }
        if (rx > 2) {
            p.appendOnes(n, 1, slope, 1, rx - 2, "computed slope unsqueezed to [C,1,..]");
        }
    }

    private static String rank(int r) {
        return r < 0 ? "unknown" : Integer.toString(r);
    }
}
