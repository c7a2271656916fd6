package isptool.passes.target;

import isptool.graph.Graph;
import isptool.graph.Node;
import isptool.graph.Tensor;
import isptool.graph.Value;
import isptool.passes.PassReport;
import isptool.passes.target.TargetCaps.Capability;

/**
 * A division by a constant, on a target without DIV (NNAPI before API 28), as a multiplication by
 * the constant's reciprocal.
 *
 * Before: y = Div(x, c)         (c constant)
 * After:  y = Mul(x, 1/c)
 * Math: x / c == x * (1/c) exactly, in float32 too, when every 1/c is exact in float32, which
 *   holds when every element of c is a power of two (and 1/c stays in float32's range).
 * Refuses: c computed at run time or x constant; some 1/c not exact (c = 3, 10, ...) unless
 *   approximations are allowed, then the largest relative error of a written reciprocal is
 *   reported (at most half an ulp, 6e-8, plus the product's own rounding).
 */
public final class DivByConstantAsMul extends TargetSwap {
    public DivByConstantAsMul(TargetCaps caps) {
        super(caps, "Div");
    }

    @Override
    protected boolean rewrite(Graph g, Node n, PassReport report) {
        if (!caps.lacks(Capability.DIV)) {
            return false;
        }
        Value x = NodeChain.floatInput(n);
        Tensor c = Graph.constant(n.input(1));
        if (x == null || c == null || x.isConstant()) {
            return keep(report, n, "DIV", (x == null
                    ? FLOAT_ONLY : "the divisor is not a constant"));
        }
        double[] v = c.toDoubles();
        double worst = 0;
        for (int i = 0; i < v.length; i++) {
            double r = 1 / v[i];
            if (!NodeChain.reciprocalIsExact(v[i])) {
                worst = Math.max(worst, Double.isFinite(r) && r != 0 ? Math.abs((float) r - r) / Math.abs(r)
                        : Double.POSITIVE_INFINITY);
            }
            v[i] = r;
        }
        if (worst > 0 && (!caps.allowApprox() || !Double.isFinite(worst))) {
            return keep(report, n, "DIV", "1/c is not exact in float32 (the divisor is"
                    + " not a power of two; relative error up to " + String.format("%.2g", worst)
                    + "); allow approximations to swap it");
        }
        NodeChain ch = NodeChain.replacing(g, n);
        ch.into("Mul", x, ch.constant(Tensor.ofDoublesAsFloat(c.shape(), v)));
        report.applied(name(), n.name(), "Div by constant -> Mul by its reciprocal" + (worst > 0
                ? String.format(" (approximate: reciprocal relative error up to %.2g)", worst) : " (exact)"));
        return true;
    }
}
