package isptool.passes.target;

import isptool.graph.Graph;
import isptool.graph.Node;
import isptool.graph.Value;
import isptool.passes.PassReport;
import isptool.passes.target.TargetCaps.Capability;

/**
 * A Clip whose range TFLite has no activation for (anything but [0, 6], [-1, 1], [0, inf)), on a
 * target without MINIMUM/MAXIMUM (NNAPI before API 29): written with RELU or RELU_N1_TO_1, MUL and
 * ADD. Clip(0, 6), Clip(-1, 1) and Relu stay: lowering makes them RELU6, RELU_N1_TO_1, RELU (fused
 * into the conv before them where it can).
 *
 * Before: y = Clip(x, lo, hi)
 * After:  both bounds:  y = Clip((x + (-m)) * (1/h), -1, 1) * h + m,  m = (lo + hi)/2, h = (hi - lo)/2
 *         lo only:      y = Relu(x + (-lo)) + lo
 *         hi only:      y = Relu((x + (-hi)) * -1) * -1 + hi
 * Math: clip(x, lo, hi) = m + h * clip((x - m)/h, -1, 1); max(x, lo) = lo + relu(x - lo);
 *   min(x, hi) = hi - relu(hi - x). Scaling by -1, by h and by 1/h is exact when h is a power of
 *   two; the two additions round (at most half an ulp of the larger operand each), which is the
 *   price of having no MINIMUM/MAXIMUM.
 * Refuses: bounds computed at run time; m or h not exact in float32; 1/h not exact (h not a power
 *   of two) unless approximations are allowed, then the relative error of 1/h is reported.
 */
public final class ClipAsRelus extends TargetSwap {
    public ClipAsRelus(TargetCaps caps) {
        super(caps, "Clip");
    }

    @Override
    protected boolean rewrite(Graph g, Node n, PassReport report) {
        if (!caps.lacks(Capability.MIN_MAX)) {
            return false;
        }
        double[] r = ClipRange.of(n);
        if (r != null && ClipRange.isNative(r)) {
            return false;
        }
        Value x = NodeChain.floatInput(n);
        if (x == null || r == null) {
            return keep(report, n, "MINIMUM/MAXIMUM", (r == null
                    ? "its bounds are computed at run time" : FLOAT_ONLY));
        }
        boolean lo = r[0] != Double.NEGATIVE_INFINITY;
        boolean hi = r[1] != Double.POSITIVE_INFINITY;
        if (!lo && !hi) {
            return false;
        }
        double m = (r[0] + r[1]) / 2;
        double h = (r[1] - r[0]) / 2;
        String approx = "";
        if (lo && hi) {
            if (!NodeChain.isFloat(m) || !NodeChain.isFloat(h) || h <= 0) {
                return keep(report, n, "MINIMUM/MAXIMUM", "centre " + m + " or half-width "
                        + h + " of [" + r[0] + ", " + r[1] + "] is not exact in float32");
            }
            if (!NodeChain.reciprocalIsExact(h)) {
                double err = Math.abs((float) (1 / h) * h - 1);
                if (!caps.allowApprox()) {
                    return keep(report, n, "MINIMUM/MAXIMUM", "half-width " + h
                            + " is not a power of two, so 1/h is not exact in float32 (relative error "
                            + String.format("%.2g", err) + "); allow approximations to swap it");
                }
                approx = String.format(" (approximate: 1/h relative error %.2g)", err);
            }
        }
        NodeChain c = NodeChain.replacing(g, n);
        if (lo && hi) {
            Value unit = c.clip(c.mul(c.add(x, -m), 1 / h), -1, 1);
            c.into("Add", c.mul(unit, h), c.scalar(m));
        } else if (lo) {
            c.into("Add", c.op("Relu", c.add(x, -r[0])), c.scalar(r[0]));
        } else {
            Value below = c.op("Relu", c.mul(c.add(x, -r[1]), -1));
            c.into("Add", c.mul(below, -1), c.scalar(r[1]));
        }
        report.applied(name(), n.name(), "Clip(" + r[0] + ", " + r[1] + ") -> " + c.written() + approx);
        return true;
    }
}
