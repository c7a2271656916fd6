package isptool.passes;

import isptool.graph.Graph;
import isptool.graph.Node;
import isptool.graph.Shape;
import isptool.graph.Tensor;
import isptool.graph.Value;

/** Small questions passes ask when matching: "is v made by a single-use Conv?", "is c per-channel?". */
public final class Patterns {
    private Patterns() {
    }

    /** The producer of v if it is an op of this type, else null. */
    public static Node producer(Value v, String op) {
        Node p = Graph.producer(v);
        return p != null && p.is(op) ? p : null;
    }

    /** The producer of v if it is an op of this type and v is read by exactly one node; else null. */
    public static Node soleProducer(Graph g, Value v, String op) {
        Node p = producer(v, op);
        return p != null && g.hasSingleUse(v) ? p : null;
    }

    /** The input of a binary node that is not constant, when the other one is; else null. */
    public static Value variableOperand(Node n) {
        if (n.inputs().size() != 2) {
            return null;
        }
        boolean c0 = n.input(0).isConstant();
        boolean c1 = n.input(1).isConstant();
        return c0 == c1 ? null : c0 ? n.input(1) : n.input(0);
    }

    /** The constant input of a binary node whose other input is variable; else null. */
    public static Tensor constantOperand(Node n) {
        Value v = variableOperand(n);
        if (v == null) {
            return null;
        }
        return n.input(0) == v ? n.input(1).constant() : n.input(0).constant();
    }

    /**
     * The values of a constant broadcast along the channel axis of an NCHW tensor with the given
     * channel count (shapes [], [1], [C,1,1], [1,C,1,1], ...), expanded to C values; null if the
     * constant varies along any other axis or would enlarge the result by broadcasting.
     */
    public static double[] perChannel(Tensor t, int channels) {
        long[] s = t.shape();
        if (s.length > 4) {
            return null;
        }
        int channelAxis = s.length - 3; // axis 1 of the rank-4 result, aligned from the right
        long c = 1;
        for (int i = 0; i < s.length; i++) {
            if (i == channelAxis) {
                c = s[i];
            } else if (s[i] != 1) {
                return null;
            }
        }
        if (c != 1 && c != channels) {
            return null;
        }
        double[] v = t.toDoubles();
        double[] r = new double[channels];
        for (int i = 0; i < channels; i++) {
            r[i] = v[c == 1 ? 0 : i];
        }
        return r;
    }

    /** Channel count (axis 1) of a rank-4 value, or -1 if unknown. */
    public static int channels4d(Value v) {
        Shape s = v.shape();
        return s != null && s.rank() == 4 ? (int) s.dim(1) : -1;
    }

    public static boolean allPositive(double[] v) {
        for (double x : v) {
            if (!(x > 0)) {
                return false;
            }
        }
        return true;
    }

    public static boolean allZero(double[] v) {
        for (double x : v) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }

    /** The node's output 0, if the node's other outputs (if any) are unused. */
    public static boolean onlyFirstOutputUsed(Graph g, Node n) {
        for (int i = 1; i < n.outputs().size(); i++) {
            Value o = n.output(i);
            if (!o.users().isEmpty() || g.isGraphOutput(o)) {
                return false;
            }
        }
        return true;
    }
}
