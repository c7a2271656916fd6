package isptool.passes.reparam;

import isptool.graph.Node;
import isptool.graph.Tensor;
import isptool.graph.Value;

/**
 * A constant-mode Pad of a rank-4 NCHW tensor that pads only H and W, read from either Pad form
 * (attributes before opset 11, inputs from 11, the axes input from 18).
 */
record PadSpec(int[] pads, double value) {
    /** Top, left, bottom, right; null if the node is not such a Pad or its pads are not constant. */
    static PadSpec of(Node pad) {
        if (!pad.is("Pad") || !pad.getString("mode", "constant").equals("constant")) {
            return null;
        }
        long[] p;
        double value;
        if (pad.has("pads") || pad.has("paddings")) {
            p = pad.getInts(pad.has("pads") ? "pads" : "paddings", null);
            value = pad.getFloat("value", 0f);
        } else {
            Tensor pt = pad.input(1) == null ? null : pad.input(1).constant();
            if (pt == null) {
                return null;
            }
            p = pt.toLongs();
            Value cv = pad.input(2);
            Tensor ct = cv == null ? null : cv.constant();
            if (cv != null && ct == null) {
                return null;
            }
            value = ct == null || ct.elementCount() == 0 ? 0 : ct.getDouble(0);
            Value axes = pad.input(3);
            if (axes != null) {
                Tensor at = axes.constant();
                if (at == null) {
                    return null;
                }
                p = expandAxes(at.toLongs(), p);
                if (p == null) {
                    return null;
                }
            }
        }
        if (p == null || p.length != 8 || p[0] != 0 || p[1] != 0 || p[4] != 0 || p[5] != 0) {
            return null;
        }
        for (long x : p) {
            if (x < 0) {
                return null;
            }
        }
        return new PadSpec(new int[] {(int) p[2], (int) p[3], (int) p[6], (int) p[7]}, value);
    }

    private static long[] expandAxes(long[] axes, long[] p) {
        long[] full = new long[8];
        for (int i = 0; i < axes.length; i++) {
            int a = (int) (axes[i] < 0 ? axes[i] + 4 : axes[i]);
            if (a < 0 || a > 3) {
                return null;
            }
            full[a] = p[i];
            full[a + 4] = p[i + axes.length];
        }
        return full;
    }

    boolean isZero() {
        return pads[0] == 0 && pads[1] == 0 && pads[2] == 0 && pads[3] == 0;
    }
}
