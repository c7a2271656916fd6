package isptool.passes.target;

import isptool.graph.DType;
import isptool.graph.Graph;
import isptool.graph.Node;
import isptool.graph.Tensor;
import isptool.graph.Value;
import isptool.passes.PassReport;
import isptool.passes.target.TargetCaps.Capability;

/**
 * A subtraction on a target without SUB (NNAPI before API 28) as an addition of the negated operand.
 *
 * Before: y = Sub(a, b)
 * After:  y = Add(a, Mul(b, -1))        or, b constant:  y = Add(a, -b)
 * Math: a - b == a + (-b) exactly in IEEE arithmetic, and negation (b * -1) is exact; broadcasting
 *   is the same for Add as for Sub.
 * Refuses: non-float32 operands or unknown shapes.
 */
public final class SubAsAdd extends TargetSwap {
    public SubAsAdd(TargetCaps caps) {
        super(caps, "Sub");
    }

    @Override
    protected boolean rewrite(Graph g, Node n, PassReport report) {
        if (!caps.lacks(Capability.SUB)) {
            return false;
        }
        Value a = n.input(0);
        Value b = n.input(1);
        if (a.dtype() != DType.FLOAT || b.dtype() != DType.FLOAT || a.shape() == null || b.shape() == null) {
            return keep(report, n, "SUB", FLOAT_ONLY);
        }
        Tensor bc = Graph.constant(b);
        NodeChain c = NodeChain.replacing(g, n);
        if (bc != null) {
            double[] v = bc.toDoubles();
            for (int i = 0; i < v.length; i++) {
                v[i] = -v[i];
            }
            c.into("Add", a, c.constant(Tensor.ofDoublesAsFloat(bc.shape(), v)));
        } else {
            c.into("Add", a, c.mul(b, -1));
        }
        report.applied(name(), n.name(), "Sub -> " + c.written() + " (a + (-b), bit-exact)");
        return true;
    }
}
