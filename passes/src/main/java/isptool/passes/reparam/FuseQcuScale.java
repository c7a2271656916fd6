package isptool.passes.reparam;

import isptool.graph.Graph;
import isptool.graph.Node;
import isptool.graph.Tensor;
import isptool.graph.Value;
import isptool.passes.OpRewrite;
import isptool.passes.PassReport;
import isptool.passes.Patterns;
import java.util.List;

/**
 * Moves a constant scale towards the convolution that can absorb it (SYENet's Quadratic
 * Connection Unit, {@code 0.1 * a(x) * b(x) + bias}).
 * Before: Mul(Mul(a, b), s)          After: Mul(Mul(a, s), b) — s then folds into a's last conv.
 * Before: Mul(Relu|PRelu|LeakyRelu(z), s) with every s > 0.  After: act(Mul(z, s)).
 * Math: s*a*b = (s*a)*b; relu(z)*s = relu(s*z) and prelu(z)*s = prelu(s*z) only for s > 0.
 * Never moves a scale through any other activation (Sigmoid, Tanh, ...) or through one when some
 * s <= 0; for a QCU product whose factors both block, the refusal and its reason are reported.
 */
public final class FuseQcuScale extends OpRewrite {
    private static final List<String> POSITIVELY_HOMOGENEOUS = List.of("Relu", "PRelu", "LeakyRelu");

    public FuseQcuScale() {
        super("Mul");
    }

    @Override
    protected boolean rewrite(Graph g, Node mul, PassReport report) {
        Value x = Patterns.variableOperand(mul);
        Tensor s = Patterns.constantOperand(mul);
        int ch = x == null ? -1 : Patterns.channels4d(x);
        double[] scale = ch <= 0 ? null : Patterns.perChannel(s, ch);
        if (scale == null || !g.hasSingleUse(x) || x.producer() == null) {
            return false;
        }
        Node p = x.producer();
        if (p.is("Mul") && Patterns.variableOperand(p) == null && p.inputs().size() == 2) {
            return intoProduct(g, mul, p, s, scale, report);
        }
        if (!POSITIVELY_HOMOGENEOUS.stream().anyMatch(p::is)) {
            return false;
        }
        if (!Patterns.allPositive(scale)) {
            report.refused(name(), mul.name(), "scale is not positive, so it cannot move through "
                    + p.opType() + " \"" + p.name() + "\"");
            return false;
        }
        return absorbable(g, p.input(0), scale) && throughActivation(g, mul, p, s, report);
    }

    /** Mul(Mul(a, b), s) -> Mul(Mul(a, s), b), choosing the factor whose chain ends in a conv. */
    private boolean intoProduct(Graph g, Node mul, Node product, Tensor s, double[] scale, PassReport report) {
        for (int side = 0; side < 2; side++) {
            Value f = product.input(side);
            if (absorbable(g, f, scale)) {
                Value scaled = g.newValue(f.name() + "_scaled", f.dtype(), f.shape());
                Value sc = g.addConstant(mul.name() + "_scale", s);
                g.addNode("Mul", mul.name(), List.of(f, sc), List.of(scaled));
                g.setInput(product, side, scaled);
                g.removeNode(mul);
                g.replaceAllUses(mul.output(0), product.output(0));
                report.applied(name(), mul.name(), "scale moved onto factor \"" + f.name() + "\" of \""
                        + product.name() + "\"");
                return true;
            }
        }
        report.refused(name(), mul.name(), "neither factor of \"" + product.name() + "\" ends in a conv the scale"
                + " can fold into: " + blocker(g, product.input(0), scale) + "; " + blocker(g, product.input(1), scale));
        return false;
    }

    /** Mul(act(z), s) -> act(Mul(z, s)). */
    private boolean throughActivation(Graph g, Node mul, Node act, Tensor s, PassReport report) {
        Value z = act.input(0);
        Value scaled = g.newValue(z.name() + "_scaled", z.dtype(), z.shape());
        Value sc = g.addConstant(mul.name() + "_scale", s);
        g.addNode("Mul", mul.name(), List.of(z, sc), List.of(scaled));
        g.setInput(act, 0, scaled);
        g.removeNode(mul);
        g.replaceAllUses(mul.output(0), act.output(0));
        report.applied(name(), mul.name(), "positive scale moved before " + act.opType() + " \"" + act.name() + "\"");
        return true;
    }

    /** True if a scale on v can reach a conv: v is a single-use conv output, possibly behind positive-homogeneous activations. */
    private static boolean absorbable(Graph g, Value v, double[] scale) {
        while (v != null && g.hasSingleUse(v) && v.producer() != null) {
            Node p = v.producer();
            if (p.is("Conv")) {
                return ConvKernel.of(p) != null;
            }
            if (!POSITIVELY_HOMOGENEOUS.stream().anyMatch(p::is) || !Patterns.allPositive(scale)) {
                return false;
            }
            v = p.input(0);
        }
        return false;
    }

    /** Why a scale on v cannot reach a conv, in the words of the report. */
    private static String blocker(Graph g, Value v, double[] scale) {
        while (v.producer() != null && g.hasSingleUse(v)) {
            Node p = v.producer();
            if (p.is("Conv")) {
                return "\"" + v.name() + "\" comes from a conv with non-constant weights";
            }
            if (!POSITIVELY_HOMOGENEOUS.stream().anyMatch(p::is)) {
                return "\"" + v.name() + "\" comes from " + p.opType() + ", which a scale cannot pass";
            }
            if (!Patterns.allPositive(scale)) {
                return "scale is not positive, so it cannot move through " + p.opType() + " \"" + p.name() + "\"";
            }
            v = p.input(0);
        }
        return "\"" + v.name() + "\" " + (v.producer() == null ? "is a graph input" : "is also read elsewhere");
    }
}
