package isptool.passes.reparam;

import isptool.graph.Graph;
import isptool.graph.Node;
import isptool.graph.Tensor;
import isptool.graph.Value;
import isptool.passes.OpRewrite;
import isptool.passes.PassReport;
import isptool.passes.Patterns;

/**
 * Folds per-channel constant arithmetic into the adjacent convolution.
 * After a conv:  Conv -> Mul(s) | Div(s) | Add(c) | Sub(c) | Sub(c - .)  becomes one Conv:
 *   W'[o] = W[o] * s[o], b' = b * s[o] (+ c[o]).
 * Before a conv: Mul(x, s) -> Conv  becomes Conv with W'[o, i] = W[o, i] * s[i] (zero padding
 * stays zero, so this is exact).
 * Constants must broadcast along the channel axis only and must not enlarge the result.
 */
public final class FoldAffineIntoConv extends OpRewrite {
    public FoldAffineIntoConv() {
        super("Conv", "Mul", "Add", "Sub", "Div");
    }

    @Override
    protected boolean rewrite(Graph g, Node n, PassReport report) {
        if (n.is("Conv")) {
            return foldInputScale(g, n, report);
        }
        Value x = Patterns.variableOperand(n);
        Node conv = x == null ? null : Patterns.soleProducer(g, x, "Conv");
        ConvKernel k = conv == null ? null : ConvKernel.of(conv);
        boolean constFirst = n.input(0) != x;
        if (k == null || n.is("Div") && constFirst) {
            return false;
        }
        double[] c = Patterns.perChannel(Patterns.constantOperand(n), k.outChannels());
        if (c == null || !sameResultShape(x, n.output(0))) {
            return false;
        }
        int ch = k.outChannels();
        double[] s = new double[ch];
        double[] t = new double[ch];
        for (int o = 0; o < ch; o++) {
            switch (n.opType()) {
                case "Mul" -> s[o] = c[o];
                case "Div" -> s[o] = 1.0 / c[o];
                case "Add" -> {
                    s[o] = 1;
                    t[o] = c[o];
                }
                default -> { // Sub: conv - c, or c - conv
                    s[o] = constFirst ? -1 : 1;
                    t[o] = constFirst ? c[o] : -c[o];
                }
            }
        }
        ConvKernel folded = k.affineOutput(s, t);
        String bad = folded.nonFiniteReason();
        if (bad != null) {
            report.refused(name(), n.name(), n.opType() + " by constant not folded into conv \"" + conv.name() + "\": "
                    + bad);
            return false;
        }
        g.removeNode(n);
        g.removeNode(conv);
        folded.emit(g, conv.name(), conv.input(0), n.output(0));
        report.applied(name(), n.name(), n.opType() + " by constant folded into conv \"" + conv.name() + "\"");
        return true;
    }

    private boolean foldInputScale(Graph g, Node conv, PassReport report) {
        Node mul = Patterns.soleProducer(g, conv.input(0), "Mul");
        Value x = mul == null ? null : Patterns.variableOperand(mul);
        ConvKernel k = x == null ? null : ConvKernel.of(conv);
        if (k == null || !sameResultShape(x, mul.output(0))) {
            return false;
        }
        double[] s = Patterns.perChannel(Patterns.constantOperand(mul), k.inChannels());
        if (s == null) {
            return false;
        }
        ConvKernel folded = k.scaleInputs(s);
        String bad = folded.nonFiniteReason();
        if (bad != null) {
            report.refused(name(), mul.name(), "input scale not folded into conv \"" + conv.name() + "\": " + bad);
            return false;
        }
        g.removeNode(conv);
        g.removeNode(mul);
        folded.emit(g, conv.name(), x, conv.output(0));
        report.applied(name(), mul.name(), "input scale folded into conv \"" + conv.name() + "\"");
        return true;
    }

    /** The constant operand must not change the shape (or dtype) of the variable one. */
    private static boolean sameResultShape(Value x, Value y) {
        return x.shape() != null && x.shape().rank() == 4 && (y.shape() == null || x.shape().equals(y.shape()));
    }

}
