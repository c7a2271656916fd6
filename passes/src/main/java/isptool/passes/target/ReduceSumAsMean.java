package isptool.passes.target;

import isptool.graph.Graph;
import isptool.graph.Node;
import isptool.graph.Shape;
import isptool.graph.Tensor;
import isptool.graph.Value;
import isptool.passes.PassReport;
import isptool.passes.target.TargetCaps.Capability;

/**
 * ReduceSum on a target without SUM (NNAPI before API 29) as the mean over the same axes times the
 * number of values summed. MeanAsAveragePool then takes the mean over H and W where MEAN is
 * missing too.
 *
 * Before: y = ReduceSum(x, axes, keepdims)
 * After:  y = ReduceMean(x, axes, keepdims) * n,   n = product of x's reduced dims
 * Math: sum = (sum / n) * n; n is an integer written exactly; the division and the product each
 *   round once (a few ulp of the sum).
 * Refuses: axes computed at run time, noop_with_empty_axes with no axes (nothing to do), an
 *   unknown shape, n beyond 2^24 (not exact in float32).
 */
public final class ReduceSumAsMean extends TargetSwap {
    public ReduceSumAsMean(TargetCaps caps) {
        super(caps, "ReduceSum");
    }

    @Override
    protected boolean rewrite(Graph g, Node n, PassReport report) {
        if (!caps.lacks(Capability.SUM)) {
            return false;
        }
        Value x = NodeChain.floatInput(n);
        long[] axes = x == null ? null : ReduceAxes.of(n, x.shape().rank());
        if (x == null || axes == null || axes.length == 0) {
            return keep(report, n, "SUM", (x == null
                    ? FLOAT_ONLY : axes == null
                    ? "its axes are computed at run time" : "it reduces no axis"));
        }
        long count = 1;
        for (long a : axes) {
            count *= x.shape().dim((int) a);
        }
        if (!NodeChain.isFloat(count)) {
            return keep(report, n, "SUM", count + " values is not exact in float32");
        }
        long keep = n.getInt("keepdims", 1);
        Shape outShape = n.output(0).shape();
        NodeChain c = NodeChain.replacing(g, n);
        Value mean;
        if (g.opset() >= 18) {
            mean = c.op("ReduceMean", outShape, x, c.constant(Tensor.ofLongs(new long[] {axes.length}, axes)));
        } else {
            mean = c.op("ReduceMean", outShape, x);
            Graph.producer(mean).set("axes", axes);
        }
        Graph.producer(mean).set("keepdims", keep);
        c.into("Mul", mean, c.scalar(count));
        report.applied(name(), n.name(), "ReduceSum -> ReduceMean * " + count);
        return true;
    }
}
