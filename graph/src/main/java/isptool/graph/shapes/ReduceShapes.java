package isptool.graph.shapes;

import isptool.graph.DType;
import java.util.ArrayList;
import java.util.List;

/** Reductions along axes: ReduceX, ArgMax/ArgMin, TopK. */
final class ReduceShapes {
    private ReduceShapes() {
    }

    /**
     * ReduceSum/Mean/Max...: axes as attribute (before opset 13 for ReduceSum, 18 for the others)
     * or input 1; no axes means all axes unless noop_with_empty_axes=1. keepdims (default 1)
     * leaves reduced axes as size 1.
     */
    static void reduce(InferContext c) {
        List<Dim> x = c.dims(0);
        boolean keep = c.node.getInt("keepdims", 1) != 0;
        long[] axes = c.intsArg("axes", 1);
        if (x == null) {
            c.set(0, c.dtype(0), (List<Dim>) null);
            return;
        }
        if (axes == null && c.runtime(1)) {
            List<Dim> a = c.dims(1);
            boolean countKnown = a != null && a.size() == 1 && a.get(0).known();
            c.set(0, c.dtype(0), keep ? Dim.unknown(x.size())
                    : countKnown && a.get(0).size() > 0 ? Dim.unknown(x.size() - (int) a.get(0).size()) : null);
            return;
        }
        if (axes == null || axes.length == 0) {
            if (c.node.getInt("noop_with_empty_axes", 0) != 0) {
                c.passThrough(0, 0);
                return;
            }
            axes = new long[x.size()];
            for (int i = 0; i < axes.length; i++) {
                axes[i] = i;
            }
        }
        c.set(0, c.dtype(0), reduced(x, c.axes(axes, x.size(), "axes"), keep));
    }

    private static List<Dim> reduced(List<Dim> x, int[] axes, boolean keep) {
        boolean[] r = new boolean[x.size()];
        for (int a : axes) {
            r[a] = true;
        }
        List<Dim> out = new ArrayList<>();
        for (int i = 0; i < x.size(); i++) {
            if (!r[i]) {
                out.add(x.get(i));
            } else if (keep) {
                out.add(Dim.of(1));
            }
        }
        return out;
    }

    /** ArgMax/ArgMin: one axis (default 0) reduced, int64 indices. */
    static void argReduce(InferContext c) {
        List<Dim> x = c.dims(0);
        if (x == null) {
            c.set(0, DType.INT64, (List<Dim>) null);
            return;
        }
        int axis = c.axis(c.node.getInt("axis", 0), x.size(), "axis");
        c.set(0, DType.INT64, reduced(x, new int[] {axis}, c.node.getInt("keepdims", 1) != 0));
    }

    /** TopK: axis (default -1) becomes K, from attribute k (opset &lt; 10) or input 1; values and int64 indices. */
    static void topK(InferContext c) {
        List<Dim> x = c.dims(0);
        if (x == null) {
            c.set(0, c.dtype(0), (List<Dim>) null);
            c.set(1, DType.INT64, (List<Dim>) null);
            return;
        }
        int axis = c.axis(c.node.getInt("axis", -1), x.size(), "axis");
        long[] k = c.node.has("k") ? new long[] {c.node.getInt("k", 0)} : c.constInts(1);
        Dim kd = k != null && k.length == 1 ? Dim.of(k[0]) : Dim.UNKNOWN;
        if (kd.known() && x.get(axis).known() && kd.size() > x.get(axis).size()) {
            throw c.fail("K = " + kd + " is larger than axis " + axis + " of " + Dim.format(x));
        }
        List<Dim> out = new ArrayList<>(x);
        out.set(axis, kd);
        c.set(0, c.dtype(0), out);
        c.set(1, DType.INT64, out);
    }
}
