package isptool.backends.tflite.lower;

import isptool.graph.Node;
import isptool.graph.Tensor;
import isptool.graph.Value;
import java.util.ArrayList;
import java.util.List;
import org.tensorflow.lite.schema.BuiltinOperator;
import org.tensorflow.lite.schema.GeluOptionsT;

/**
 * PyTorch's exact GELU as exported, {@code x * 0.5 * (1 + Erf(x / sqrt2))}: x scaled by Div(sqrt2)
 * or Mul(1/sqrt2), Erf, Add 1, and the product with x and 0.5 in any operand order and grouping
 * ({@code (x * e) * 0.5}, {@code (e * 0.5) * x}, {@code (x * 0.5) * e}). TFLite has no ERF, but its
 * GELU computes exactly this, so the whole pattern becomes one GELU; every intermediate must be read
 * only inside the pattern.
 */
final class GeluPattern {
    private static final double SQRT2 = Math.sqrt(2);

    /** The pattern's input, its nodes and the value it computes. */
    record Match(Value x, List<Node> nodes, Value out) {
    }

    private GeluPattern() {
    }

    /** Lowers the GELU n belongs to, when n is its first node in graph order; false if n is in none. */
    static boolean lowerFrom(Node n, LoweringContext cx) {
        Match m = containing(n, cx);
        if (m == null) {
            return false;
        }
        for (Node p : m.nodes()) {
            if (p != n) {
                cx.fused(p);
            }
        }
        GeluOptionsT o = new GeluOptionsT();
        o.setApproximate(false);
        cx.builder().addOperator(BuiltinOperator.GELU, o, new int[] {cx.tensor(n, m.x())},
                new int[] {cx.tensor(n, m.out())});
        return true;
    }

    /** The GELU pattern containing n (its scaling, its Erf, or its x * 0.5), or null. */
    static Match containing(Node n, LoweringContext cx) {
        Node erf = null;
        if (n.is("Erf")) {
            erf = n;
        } else if (n.is("Div") || n.is("Mul")) {
            Node r = cx.soleReader(n.output(0));
            if (r != null && r.is("Erf")) {
                erf = r;
            } else if (r != null && r.is("Mul") && n.is("Mul") && halfOf(n) != null) {
                erf = erfOf(cx, r, n.output(0));
            }
        }
        Match m = erf == null ? null : at(erf, cx);
        return m != null && m.nodes().contains(n) ? m : null;
    }

    /** The Erf whose 1 + Erf is mul's operand other than {@code other}, or null. */
    private static Node erfOf(LoweringContext cx, Node mul, Value other) {
        Value e = otherOperand(mul, other);
        Node add = e == null ? null : e.producer();
        if (add == null || !add.is("Add") || cx.soleReader(add.output(0)) != mul) {
            return null;
        }
        for (Value v : add.inputs()) {
            if (v.producer() != null && v.producer().is("Erf")) {
                return v.producer();
            }
        }
        return null;
    }

    /** The full pattern around erf, or null if erf is not the Erf of an exact GELU. */
    private static Match at(Node erf, LoweringContext cx) {
        Node scale = erf.input(0).producer();
        if (scale == null || cx.soleReader(scale.output(0)) != erf) {
            return null;
        }
        Value x = scale.is("Div") ? scaled(scale, SQRT2) : scale.is("Mul") ? scaled(scale, 1 / SQRT2) : null;
        Node add = cx.soleReader(erf.output(0));
        if (x == null || add == null || !add.is("Add") || !isConstant(otherOperand(add, erf.output(0)), 1)) {
            return null;
        }
        Node m1 = cx.soleReader(add.output(0));
        if (m1 == null || !m1.is("Mul")) {
            return null;
        }
        List<Node> nodes = new ArrayList<>(List.of(scale, erf, add, m1));
        Value o = otherOperand(m1, add.output(0));
        Node h = o == null ? null : o.producer();
        Value out;
        if (h != null && h.is("Mul") && halfOf(h) == x && cx.soleReader(h.output(0)) == m1) {
            nodes.add(h);
            out = m1.output(0);
        } else if (o == x || isConstant(o, 0.5)) {
            Node m2 = cx.soleReader(m1.output(0));
            Value last = m2 == null || !m2.is("Mul") ? null : otherOperand(m2, m1.output(0));
            if (last == null || !(o == x ? isConstant(last, 0.5) : last == x)) {
                return null;
            }
            nodes.add(m2);
            out = m2.output(0);
        } else {
            return null;
        }
        boolean sameShape = x.shape() != null && x.shape().equals(out.shape());
        return sameShape ? new Match(x, nodes, out) : null;
    }

    /** x of {@code x * 0.5} (either order), or null. */
    private static Value halfOf(Node mul) {
        return isConstant(mul.input(1), 0.5) ? mul.input(0) : isConstant(mul.input(0), 0.5) ? mul.input(1) : null;
    }

    /** x of {@code x / c} or {@code x * c} (either order for Mul) with the single constant c = want, or null. */
    private static Value scaled(Node n, double want) {
        if (isConstant(n.input(1), want)) {
            return n.input(0);
        }
        return n.is("Mul") && isConstant(n.input(0), want) ? n.input(1) : null;
    }

    /** The operand of binary node n that is not v (null if both or neither are v). */
    private static Value otherOperand(Node n, Value v) {
        if (n.inputs().size() != 2 || n.input(0) == n.input(1)) {
            return null;
        }
        return n.input(0) == v ? n.input(1) : n.input(1) == v ? n.input(0) : null;
    }

    /** True if v is a one-element constant equal to want to float precision. */
    private static boolean isConstant(Value v, double want) {
        if (v == null || !v.isConstant()) {
            return false;
        }
        Tensor t = v.constant();
        return t.elementCount() == 1 && Math.abs(t.getDouble(0) - want) <= 1e-6 * Math.abs(want);
    }
}
