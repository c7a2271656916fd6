package isptool.passes.target;

import isptool.graph.Graph;
import isptool.graph.Node;
import isptool.graph.Tensor;
import java.util.Arrays;

/** The axes a Reduce* node reduces (attribute, or constant input since opset 13/18), normalized and sorted. */
final class ReduceAxes {
    private ReduceAxes() {
    }

    /** Sorted non-negative axes; all axes when none are given; null if computed at run time. */
    static long[] of(Node n, int rank) {
        long[] axes = n.getInts("axes", null);
        if (axes == null && n.inputs().size() > 1 && n.input(1) != null && !n.input(1).name().isEmpty()) {
            Tensor t = Graph.constant(n.input(1));
            if (t == null) {
                return null;
            }
            axes = t.toLongs();
        }
        if (axes == null || axes.length == 0) {
            if (n.getInt("noop_with_empty_axes", 0) != 0) {
                return new long[0];
            }
            axes = new long[rank];
            Arrays.setAll(axes, i -> i);
        }
        long[] r = new long[axes.length];
        for (int i = 0; i < axes.length; i++) {
            r[i] = axes[i] < 0 ? axes[i] + rank : axes[i];
        }
        Arrays.sort(r);
        return r;
    }

    /** True if axes are exactly H and W of a rank-4 NCHW tensor. */
    static boolean spatial(long[] axes, int rank) {
        return rank == 4 && Arrays.equals(axes, new long[] {2, 3});
    }
}
