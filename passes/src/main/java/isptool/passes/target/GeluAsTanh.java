package isptool.passes.target;

import isptool.graph.DType;
import isptool.graph.Graph;
import isptool.graph.Node;
import isptool.graph.Tensor;
import isptool.graph.Value;
import isptool.passes.PassReport;
import isptool.passes.target.TargetCaps.Capability;
import java.util.SplittableRandom;

/**
 * GELU on a target without GELU (the NNAPI delegate rejects it; lowering makes TFLite's GELU of both
 * the Gelu op and PyTorch's exported erf form) as its tanh form from MUL, ADD and TANH.
 *
 * Before: y = Gelu(x, approximate "tanh")                                   -> exact swap
 *         y = Gelu(x) or x * 0.5 * (1 + Erf(x / sqrt(2))) (any order of the two Muls,
 *             x * (1/sqrt(2)) for the Div)                                  -> only with approximations allowed
 * After:  y = x * 0.5 * (1 + tanh(sqrt(2/pi) * (x + 0.044715 x^3)))
 * Math: the tanh form is the definition of Gelu(approximate "tanh"); for the erf GELU it is
 *   Hendrycks and Gimpel's approximation, whose error this pass measures against erf computed in
 *   double (max abs error over [-8, 8] and PSNR on 100000 seeded uniform samples in [-4, 4]) and
 *   reports with the swap.
 * Refuses: the erf GELU unless approximations are allowed (the op stays, check names it);
 *   constants that are not 1/2, 1 and sqrt(2) to float32 precision; intermediate values read
 *   elsewhere.
 */
public final class GeluAsTanh extends TargetSwap {
    private static final double SQRT2 = Math.sqrt(2);
    private static final double K = Math.sqrt(2 / Math.PI);
    private static final double C3 = 0.044715;

    public GeluAsTanh(TargetCaps caps) {
        super(caps, "Gelu", "Erf");
    }

    @Override
    protected boolean rewrite(Graph g, Node n, PassReport report) {
        if (!caps.lacks(Capability.GELU)) {
            return false;
        }
        Node root;
        Value x;
        boolean exact;
        if (n.is("Gelu")) {
            root = n;
            x = n.input(0);
            exact = n.getString("approximate", "none").equals("tanh");
        } else {
            Match m = erfGelu(g, n);
            if (m == null) {
                return false;
            }
            root = m.root();
            x = m.x();
            exact = false;
        }
        if (x.dtype() != DType.FLOAT || x.shape() == null) {
            return keep(report, root, "GELU", FLOAT_ONLY);
        }
        if (!exact && !caps.allowApprox()) {
            return keep(report, root, "GELU", "erf GELU has no exact form in TFLite ops"
                    + " the target runs; allow approximations for its tanh form (" + error() + ")");
        }
        NodeChain c = NodeChain.replacing(g, root);
        Value cube = c.op("Mul", c.op("Mul", x, x), x);
        Value inner = c.mul(c.op("Add", x, c.mul(cube, C3)), K);
        Value half = c.mul(c.add(c.op("Tanh", inner), 1), 0.5);
        c.into("Mul", x, half);
        report.applied(name(), root.name(), "GELU -> tanh form " + c.written() + (exact ? " (exact: Gelu tanh)"
                : " (approximate: " + error() + ")"));
        return true;
    }

    private record Match(Node root, Value x) {
    }

    /** x * 0.5 * (1 + Erf(x / sqrt 2)) around this Erf, or null. */
    private static Match erfGelu(Graph g, Node erf) {
        Node scale = Graph.producer(erf.input(0));
        if (scale == null || !g.hasSingleUse(erf.output(0)) || !g.hasSingleUse(erf.input(0))) {
            return null;
        }
        Value x = scale.is("Div") && isConstant(scale.input(1), SQRT2) ? scale.input(0)
                : scale.is("Mul") ? operandBeside(scale, 1 / SQRT2) : null;
        Node plus = g.soleConsumer(erf.output(0));
        if (x == null || plus == null || !plus.is("Add") || operandBeside(plus, 1) != erf.output(0)
                || !g.hasSingleUse(plus.output(0))) {
            return null;
        }
        Node m1 = g.soleConsumer(plus.output(0));
        if (m1 == null || !m1.is("Mul")) {
            return null;
        }
        Value other = m1.input(0) == plus.output(0) ? m1.input(1) : m1.input(0);
        if (other == x || isConstant(other, 0.5)) {
            // (x * p) * 0.5, or x * (p * 0.5)
            Node m2 = g.hasSingleUse(m1.output(0)) ? g.soleConsumer(m1.output(0)) : null;
            Value rest = m2 == null || !m2.is("Mul") ? null : m2.input(0) == m1.output(0) ? m2.input(1) : m2.input(0);
            boolean ok = other == x ? isConstant(rest, 0.5) : rest == x;
            return ok ? new Match(m2, x) : null;
        }
        Node half = Graph.producer(other);
        // (x * 0.5) * p
        boolean ok = half != null && half.is("Mul") && g.hasSingleUse(other) && operandBeside(half, 0.5) == x;
        return ok ? new Match(m1, x) : null;
    }

    /** The other input of binary n when one input is the constant v (to float32 precision), else null. */
    private static Value operandBeside(Node n, double v) {
        if (n.inputs().size() != 2) {
            return null;
        }
        return isConstant(n.input(1), v) ? n.input(0) : isConstant(n.input(0), v) ? n.input(1) : null;
    }

    private static boolean isConstant(Value c, double v) {
        Tensor t = c == null ? null : Graph.constant(c);
        return t != null && t.elementCount() == 1 && Math.abs(t.getDouble(0) - v) <= 1e-6 * Math.abs(v);
    }

    /** The tanh form's error against the erf GELU, measured in double. */
    static String error() {
        double maxAbs = 0;
        for (int i = -80000; i <= 80000; i++) {
            double v = i / 10000.0;
            maxAbs = Math.max(maxAbs, Math.abs(tanhForm(v) - erfGelu(v)));
        }
        SplittableRandom r = new SplittableRandom(0);
        double se = 0;
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        int n = 100_000;
        for (int i = 0; i < n; i++) {
            double v = r.nextDouble(-4, 4);
            double ref = erfGelu(v);
            se += Math.pow(tanhForm(v) - ref, 2);
            lo = Math.min(lo, ref);
            hi = Math.max(hi, ref);
        }
        double psnr = 10 * Math.log10((hi - lo) * (hi - lo) / (se / n));
        return String.format("max abs error %.2g on [-8, 8], PSNR %.1f dB on uniform [-4, 4]", maxAbs, psnr);
    }

    static double tanhForm(double x) {
        return 0.5 * x * (1 + Math.tanh(K * (x + C3 * x * x * x)));
    }

    static double erfGelu(double x) {
        return 0.5 * x * (1 + erf(x / SQRT2));
    }

    /** erf to about 1e-15: Taylor series for |x| < 3, continued fraction of erfc beyond. */
    static double erf(double x) {
        double a = Math.abs(x);
        double r;
        if (a < 3) {
            double term = a;
            double sum = a;
            for (int k = 1; k < 200 && Math.abs(term) > 1e-17 * Math.abs(sum); k++) {
                term *= -a * a / k;
                sum += term / (2 * k + 1);
            }
            r = 2 / Math.sqrt(Math.PI) * sum;
        } else {
            double f = 0;
            for (int k = 60; k >= 1; k--) {
                f = k / 2.0 / (a + f);
            }
            r = 1 - Math.exp(-a * a) / Math.sqrt(Math.PI) / (a + f);
        }
        return Math.copySign(r, x);
    }
}
