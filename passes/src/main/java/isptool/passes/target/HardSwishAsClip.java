package isptool.passes.target;

import isptool.graph.Graph;
import isptool.graph.Node;
import isptool.graph.Value;
import isptool.passes.PassReport;
import isptool.passes.target.TargetCaps.Capability;

/**
 * HardSigmoid and HardSwish for a target without RELU_0_TO_1 (TFLite's HardSigmoid, no NNAPI
 * operation) or HARD_SWISH (NNAPI before API 30), as MUL, ADD and a Clip(0, 1) that ClipAsRelus
 * rewrites further where the target lacks MINIMUM/MAXIMUM too.
 *
 * Before: y = HardSigmoid(x; alpha, beta)        y = HardSwish(x)
 * After:  y = Clip(x*alpha + beta, 0, 1)          y = x * Clip(x*(1/6) + 0.5, 0, 1)
 * Math:   ONNX defines HardSigmoid as max(0, min(1, alpha*x + beta)) and HardSwish as
 *   x * HardSigmoid(x; 1/6, 0.5); the Mul and Add round as onnxruntime's kernel does (alpha*x,
 *   then + beta), so the rewrite differs from the op only where a kernel fuses them (a few ulp).
 * Refuses: a non-float32 tensor or an unknown shape.
 */
public final class HardSwishAsClip extends TargetSwap {
    public HardSwishAsClip(TargetCaps caps) {
        super(caps, "HardSigmoid", "HardSwish");
    }

    @Override
    protected boolean rewrite(Graph g, Node n, PassReport report) {
        boolean swish = n.is("HardSwish");
        if (!caps.lacks(swish ? Capability.HARD_SWISH : Capability.RELU_0_TO_1)) {
            return false;
        }
        Value x = NodeChain.floatInput(n);
        if (x == null) {
            return keep(report, n, swish ? "HARD_SWISH" : "RELU_0_TO_1", FLOAT_ONLY);
        }
        double alpha = swish ? 1 / 6.0 : n.getFloat("alpha", 0.2f);
        double beta = swish ? 0.5 : n.getFloat("beta", 0.5f);
        NodeChain c = NodeChain.replacing(g, n);
        Value linear = c.add(c.mul(x, alpha), beta);
        if (swish) {
            c.into("Mul", x, c.clip(linear, 0, 1));
        } else {
            c.clipInto(linear, 0, 1);
        }
        report.applied(name(), n.name(), n.opType() + " -> " + c.written());
        return true;
    }
}
