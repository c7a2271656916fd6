package isptool.passes.target;

import isptool.graph.Graph;
import isptool.graph.Node;
import isptool.graph.Tensor;
import isptool.graph.Value;
import isptool.passes.PassReport;
import isptool.passes.target.TargetCaps.Capability;

/**
 * PRelu and LeakyRelu for a target without PRELU / LEAKY_RELU (NNAPI before API 29, which has no
 * MINIMUM/MAXIMUM and no NEG either), from RELU, MUL and ADD only.
 *
 * Before: y = PRelu(x, a)          (or LeakyRelu(x, alpha), a = alpha)
 * After:  y = Relu(x) + (-a) * Relu(x * -1)
 * Math:   x >= 0: x + (-a)*0 = x;   x < 0: 0 + (-a)*(-x) = a*x.
 *   Bit-exact in float32: x * -1, Relu and negating a are exact, and (-a)*(-x) rounds exactly as
 *   a*x does; adding a zero changes nothing.
 * Refuses: a slope computed at run time, a slope that does not broadcast to x's shape (it would
 *   widen the result), a non-float32 tensor.
 */
public final class PReluAsRelus extends TargetSwap {
    public PReluAsRelus(TargetCaps caps) {
        super(caps, "PRelu", "LeakyRelu");
    }

    @Override
    protected boolean rewrite(Graph g, Node n, PassReport report) {
        boolean leaky = n.is("LeakyRelu");
        if (!caps.lacks(leaky ? Capability.LEAKY_RELU : Capability.PRELU)) {
            return false;
        }
        Value x = NodeChain.floatInput(n);
        if (x == null) {
            return keep(report, n, leaky ? "LEAKY_RELU" : "PRELU", FLOAT_ONLY);
        }
        Tensor negSlope;
        if (leaky) {
            negSlope = Tensor.scalar(-n.getFloat("alpha", 0.01f));
        } else {
            Tensor a = Graph.constant(n.input(1));
            if (a == null || !x.shape().equals(n.output(0).shape())) {
                return keep(report, n, "PRELU", a == null ? "its slope is computed at run time"
                        : "its slope broadcasts x to a larger shape");
            }
            double[] v = a.toDoubles();
            for (int i = 0; i < v.length; i++) {
                v[i] = -v[i];
            }
            negSlope = Tensor.ofDoublesAsFloat(a.shape(), v);
        }
        NodeChain c = NodeChain.replacing(g, n);
        Value positive = c.op("Relu", x);
        Value negative = c.op("Relu", c.mul(x, -1));
        c.into("Add", positive, c.op("Mul", negative, c.constant(negSlope)));
        report.applied(name(), n.name(), n.opType() + " -> " + c.written() + " (relu(x) - a*relu(-x), bit-exact)");
        return true;
    }
}
