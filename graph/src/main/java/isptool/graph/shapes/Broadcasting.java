package isptool.graph.shapes;

import java.util.ArrayList;
import java.util.List;

/**
 * ONNX multidirectional broadcasting (numpy rules): shapes are aligned on their last axis, and
 * on each axis the sizes must be equal or one of them 1.
 */
public final class Broadcasting {
    private Broadcasting() {
    }

    /**
     * The broadcast of two shapes, or null if two static sizes disagree. An unknown size paired
     * with a static size above 1 must be that size (or 1), so the result takes the static size.
     */
    static List<Dim> dims(List<Dim> a, List<Dim> b) {
        int rank = Math.max(a.size(), b.size());
        List<Dim> r = new ArrayList<>(rank);
        for (int i = 0; i < rank; i++) {
            Dim x = at(a, i, rank);
            Dim y = at(b, i, rank);
            Dim d = combine(x, y);
            if (d == null) {
                return null;
            }
            r.add(d);
        }
        return r;
    }

    private static Dim at(List<Dim> dims, int i, int rank) {
        int j = i - (rank - dims.size());
        return j < 0 ? Dim.of(1) : dims.get(j);
    }

    private static Dim combine(Dim x, Dim y) {
        if (x.is(1)) {
            return y;
        }
        if (y.is(1)) {
            return x;
        }
        if (x.known() && y.known()) {
            return x.size() == y.size() ? x : null;
        }
        if (x.known()) {
            return x;
        }
        if (y.known()) {
            return y;
        }
        return x.sameAs(y) ? x : Dim.UNKNOWN;
    }

    /** True if b can be stretched to a without changing a (unidirectional broadcast, Gemm C, PRelu slope). */
    static boolean unidirectional(List<Dim> target, List<Dim> b) {
        if (b.size() > target.size()) {
            return false;
        }
        for (int i = 0; i < b.size(); i++) {
            Dim t = target.get(target.size() - b.size() + i);
            Dim d = b.get(i);
            if (d.known() && t.known() && d.size() != 1 && d.size() != t.size()) {
                return false;
            }
        }
        return true;
    }

    /** The broadcast of static shapes; IllegalArgumentException naming the shapes if they disagree. */
    public static long[] shape(long[]... shapes) {
        int rank = 0;
        for (long[] s : shapes) {
            rank = Math.max(rank, s.length);
        }
        long[] r = new long[rank];
        java.util.Arrays.fill(r, 1);
        for (long[] s : shapes) {
            for (int i = 0; i < s.length; i++) {
                int j = rank - s.length + i;
                if (s[i] == r[j] || s[i] == 1) {
                    continue;
                }
                if (r[j] != 1) {
                    throw new IllegalArgumentException("shapes " + describe(shapes) + " do not broadcast");
                }
                r[j] = s[i];
            }
        }
        return r;
    }

    private static String describe(long[]... shapes) {
        StringBuilder b = new StringBuilder();
        for (long[] s : shapes) {
            if (b.length() > 0) {
                b.append(" and ");
            }
            b.append(java.util.Arrays.toString(s).replace(" ", ""));
        }
        return b.toString();
    }
}
