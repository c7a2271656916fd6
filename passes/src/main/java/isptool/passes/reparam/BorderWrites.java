package isptool.passes.reparam;

import isptool.graph.Graph;
import isptool.graph.Node;
import isptool.graph.Shape;
import isptool.graph.Tensor;
import isptool.graph.Value;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads what PyTorch exports for "pad, then overwrite the border" (DBB's BNAndPad, ECBSR's
 * bias padding: {@code out = F.pad(y, p); out[:, :, 0:p, :] = v; ...}): a constant Pad followed
 * by ScatterND writes of constants, possibly between Transposes. The chain is simulated on the
 * border only, in the original NCHW coordinates, to find the value each channel's border holds.
 */
final class BorderWrites {
    /** The chain's nodes after the Pad, its last value, and the per-channel border values. */
    record Result(List<Node> chain, Value end, double[] borderValues) {
    }

    private BorderWrites() {
    }

    /**
     * Follows pad's output through single-use Transpose/ScatterND/Identity nodes whose transposes
     * compose to the identity. Returns null unless every write lands on the border and each
     * channel's border ends up holding one value.
     */
    static Result follow(Graph g, Node pad, PadSpec spec) {
        Shape s = pad.output(0).shape();
        if (s == null || s.rank() != 4 || !s.isStatic() || spec.isZero()) {
            return null;
        }
        int[] dims = s.toIntArray();
        Border border = new Border(dims, spec.pads(), spec.value());
        int[] perm = {0, 1, 2, 3}; // current axis j is original axis perm[j]
        List<Node> chain = new ArrayList<>();
        Value v = pad.output(0);
        boolean wrote = false;
        while (g.hasSingleUse(v)) {
            Node n = g.soleConsumer(v);
            if (n.is("Transpose")) {
                long[] p = n.getInts("perm", null);
                if (p == null || p.length != 4) {
                    return null;
                }
                int[] next = new int[4];
                for (int j = 0; j < 4; j++) {
                    next[j] = perm[(int) p[j]];
                }
                perm = next;
            } else if (n.is("ScatterND") && n.input(0) == v) {
                Tensor idx = Graph.constant(n.input(1));
                Tensor upd = Graph.constant(n.input(2));
                if (idx == null || upd == null || !n.getString("reduction", "none").equals("none")
                        || !border.scatter(idx, upd, perm)) {
                    return null;
                }
                wrote = true;
            } else if (!n.is("Identity")) {
                break;
            }
            chain.add(n);
            v = n.output(0);
        }
        if (!wrote || perm[0] != 0 || perm[1] != 1 || perm[2] != 2 || perm[3] != 3) {
            return null;
        }
        double[] values = border.perChannelValues();
        return values == null ? null : new Result(chain, v, values);
    }

    /** The border of an N x C x H x W padded tensor, one slot per border pixel and (n, c). */
    private static final class Border {
        private final int[] dims;
        private final int[] pads;
        private final int perimeter;
        private final double[] values;

        Border(int[] dims, int[] pads, double fill) {
            this.dims = dims;
            this.pads = pads;
            int h = dims[2];
            int w = dims[3];
            int inner = Math.max(0, h - pads[0] - pads[2]) * Math.max(0, w - pads[1] - pads[3]);
            this.perimeter = h * w - inner;
            this.values = new double[dims[0] * dims[1] * perimeter];
            java.util.Arrays.fill(values, fill);
        }

        /** Slot of pixel (y, x) in the perimeter, or -1 if it is inside the original tensor. */
        private int slot(int y, int x) {
            int h = dims[2];
            int w = dims[3];
            int top = pads[0];
            int bottom = h - pads[2];
            if (y < top) {
                return y * w + x;
            }
            if (y >= bottom) {
                return top * w + (y - bottom) * w + x;
            }
            int rowsAbove = top * w + pads[2] * w;
            int sideWidth = pads[1] + pads[3];
            if (x < pads[1]) {
                return rowsAbove + (y - top) * sideWidth + x;
            }
            if (x >= w - pads[3]) {
                return rowsAbove + (y - top) * sideWidth + pads[1] + (x - (w - pads[3]));
            }
            return -1;
        }

        /** Applies one ScatterND in the permuted frame; false if it writes inside. */
        boolean scatter(Tensor idx, Tensor upd, int[] perm) {
            int k = (int) idx.dim(-1);
            if (idx.rank() < 1 || k < 1 || k > 4) {
                return false;
            }
            int[] cur = new int[4];
            int[] curDims = new int[4];
            for (int j = 0; j < 4; j++) {
                curDims[j] = dims[perm[j]];
            }
            int tuples = idx.elementCount() / k;
            int sliceSize = 1;
            for (int j = k; j < 4; j++) {
                sliceSize *= curDims[j];
            }
            if (upd.elementCount() != tuples * sliceSize) {
                return false;
            }
            int[] orig = new int[4];
            for (int t = 0; t < tuples; t++) {
                for (int j = 0; j < k; j++) {
                    long i = idx.getLong(t * k + j);
                    cur[j] = (int) (i < 0 ? i + curDims[j] : i);
                }
                for (int e = 0; e < sliceSize; e++) {
                    int rest = e;
                    for (int j = 3; j >= k; j--) {
                        cur[j] = rest % curDims[j];
                        rest /= curDims[j];
                    }
                    for (int j = 0; j < 4; j++) {
                        orig[perm[j]] = cur[j];
                    }
                    int sl = slot(orig[2], orig[3]);
                    if (sl < 0) {
                        return false;
                    }
                    values[(orig[0] * dims[1] + orig[1]) * perimeter + sl] = upd.getDouble(t * sliceSize + e);
                }
            }
            return true;
        }

        /** The one value each channel's border holds (the same for every batch item), or null. */
        double[] perChannelValues() {
            int c = dims[1];
            double[] r = new double[c];
            for (int ch = 0; ch < c; ch++) {
                r[ch] = values[ch * perimeter];
                for (int n = 0; n < dims[0]; n++) {
                    int base = (n * c + ch) * perimeter;
                    for (int i = 0; i < perimeter; i++) {
                        if (values[base + i] != r[ch]) {
                            return null;
                        }
                    }
                }
            }
            return r;
        }
    }
}
