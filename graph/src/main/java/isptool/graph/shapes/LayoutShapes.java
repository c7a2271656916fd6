package isptool.graph.shapes;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Ops that keep the elements and change the shape: Reshape, Flatten, (Un)Squeeze, Transpose, Depth/SpaceToDepth. */
final class LayoutShapes {
    private LayoutShapes() {
    }

    /**
     * Reshape: 0 copies the input's size on that axis (unless allowzero=1), -1 takes what is left.
     * The -1 size is the element count of the input axes that are not copied divided by the
     * product of the other target sizes, so an unknown batch axis copied by 0 does not hide it.
     */
    static void reshape(InferContext c) {
        List<Dim> x = c.dims(0);
        long[] shape = c.intsArg("shape", 1);
        if (shape == null) {
            List<Dim> s = c.dims(1);
            c.set(0, c.dtype(0), s != null && s.size() == 1 && s.get(0).known() ? Dim.unknown((int) s.get(0).size()) : null);
            return;
        }
        boolean allowZero = c.node.getInt("allowzero", 0) != 0;
        List<Dim> out = new ArrayList<>();
        boolean[] copied = new boolean[x == null ? 0 : x.size()];
        int inferred = -1;
        for (int i = 0; i < shape.length; i++) {
            long s = shape[i];
            if (s == 0 && !allowZero) {
                if (x != null && i >= x.size()) {
                    throw c.fail("shape " + Arrays.toString(shape) + " copies axis " + i + " (0) but the input " + Dim.format(x)
                            + " has rank " + x.size());
                }
                out.add(x == null ? Dim.UNKNOWN : x.get(i));
                if (x != null) {
                    copied[i] = true;
                }
            } else if (s == -1) {
                if (inferred >= 0) {
                    throw c.fail("shape " + Arrays.toString(shape) + " has more than one -1");
                }
                inferred = i;
                out.add(Dim.UNKNOWN);
            } else if (s < 0) {
                throw c.fail("shape " + Arrays.toString(shape) + " has the invalid size " + s);
            } else {
                out.add(Dim.of(s));
            }
        }
        if (x != null) {
            resolve(c, x, shape, copied, out, inferred);
        }
        c.set(0, c.dtype(0), out);
    }

    private static void resolve(InferContext c, List<Dim> x, long[] shape, boolean[] copied, List<Dim> out, int inferred) {
        long in = 1;
        for (int i = 0; i < x.size(); i++) {
            if (copied[i]) {
                continue;
            }
            if (!x.get(i).known()) {
                return;
            }
            in *= x.get(i).size();
        }
        long rest = 1;
        for (int i = 0; i < out.size(); i++) {
            if (i != inferred && !(i < copied.length && copied[i])) {
                rest *= out.get(i).size();
            }
        }
        if (inferred >= 0) {
            if (rest == 0 || in % rest != 0) {
                throw c.fail("cannot reshape " + Dim.format(x) + " to " + Arrays.toString(shape) + ": " + in
                        + " elements do not divide into parts of " + rest);
            }
            out.set(inferred, Dim.of(in / rest));
        } else if (in != rest) {
            throw c.fail("cannot reshape " + Dim.format(x) + " to " + Arrays.toString(shape) + ": the element counts differ");
        }
    }

    /** Flatten: [prod(dims before axis), prod(dims from axis)]. */
    static void flatten(InferContext c) {
        List<Dim> x = c.dims(0);
        if (x == null) {
            c.set(0, c.dtype(0), Dim.unknown(2));
            return;
        }
        long a = c.node.getInt("axis", 1);
        if (a < -x.size() || a > x.size()) {
            throw c.fail("axis " + a + " is out of range for rank " + x.size());
        }
        int axis = (int) (a < 0 ? a + x.size() : a);
        c.set(0, c.dtype(0), List.of(Dim.product(x.subList(0, axis)), Dim.product(x.subList(axis, x.size()))));
    }

    /** Squeeze: drops the listed axes (which must be 1), or every axis of size 1 when none are listed. */
    static void squeeze(InferContext c) {
        List<Dim> x = c.dims(0);
        long[] axes = c.intsArg("axes", 1);
        if (x == null || axes == null && c.runtime(1)) {
            c.set(0, c.dtype(0), (List<Dim>) null);
            return;
        }
        List<Dim> out = new ArrayList<>();
        if (axes == null || axes.length == 0) {
            for (Dim d : x) {
                if (!d.known()) {
                    c.set(0, c.dtype(0), (List<Dim>) null); // an unknown size may or may not be 1
                    return;
                }
                if (!d.is(1)) {
                    out.add(d);
                }
            }
        } else {
            int[] ax = c.axes(axes, x.size(), "axes");
            boolean[] drop = new boolean[x.size()];
            for (int a : ax) {
                if (x.get(a).known() && !x.get(a).is(1)) {
                    throw c.fail("axis " + a + " of " + Dim.format(x) + " has size " + x.get(a) + ", not 1");
                }
                drop[a] = true;
            }
            for (int i = 0; i < x.size(); i++) {
                if (!drop[i]) {
                    out.add(x.get(i));
                }
            }
        }
        c.set(0, c.dtype(0), out);
    }

    /** Unsqueeze: inserts size-1 axes at the listed positions of the output. */
    static void unsqueeze(InferContext c) {
        List<Dim> x = c.dims(0);
        long[] axes = c.intsArg("axes", 1);
        if (x == null || axes == null) {
            c.set(0, c.dtype(0), (List<Dim>) null);
            return;
        }
        int rank = x.size() + axes.length;
        int[] ax = c.axes(axes, rank, "axes");
        boolean[] inserted = new boolean[rank];
        for (int a : ax) {
            inserted[a] = true;
        }
        List<Dim> out = new ArrayList<>();
        int next = 0;
        for (int i = 0; i < rank; i++) {
            out.add(inserted[i] ? Dim.of(1) : x.get(next++));
        }
        c.set(0, c.dtype(0), out);
    }

    /** Transpose: out[i] = in[perm[i]], perm reversing the axes by default. */
    static void transpose(InferContext c) {
        List<Dim> x = c.dims(0);
        if (x == null) {
            c.set(0, c.dtype(0), (List<Dim>) null);
            return;
        }
        long[] perm = c.node.getInts("perm", null);
        if (perm == null) {
            perm = new long[x.size()];
            for (int i = 0; i < perm.length; i++) {
                perm[i] = x.size() - 1 - i;
            }
        }
        if (perm.length != x.size()) {
            throw c.fail("perm " + Arrays.toString(perm) + " has " + perm.length + " axes but the input " + Dim.format(x)
                    + " has rank " + x.size());
        }
        int[] p = c.axes(perm, x.size(), "perm");
        List<Dim> out = new ArrayList<>();
        for (int a : p) {
            out.add(x.get(a));
        }
        c.set(0, c.dtype(0), out);
    }

    /** DepthToSpace: [N, C, H, W] -> [N, C / b^2, H * b, W * b]. */
    static void depthToSpace(InferContext c) {
        List<Dim> x = c.dims(0);
        long b = c.node.getInt("blocksize", 0);
        if (x == null) {
            c.set(0, c.dtype(0), Dim.unknown(4));
            return;
        }
        checkRank4(c, x, b);
        if (x.get(1).known() && x.get(1).size() % (b * b) != 0) {
            throw c.fail("input has " + x.get(1) + " channels, not a multiple of blocksize^2 = " + b * b);
        }
        c.set(0, c.dtype(0), List.of(x.get(0), x.get(1).map(v -> v / (b * b)), x.get(2).map(v -> v * b),
                x.get(3).map(v -> v * b)));
    }

    /** SpaceToDepth: [N, C, H, W] -> [N, C * b^2, H / b, W / b]. */
    static void spaceToDepth(InferContext c) {
        List<Dim> x = c.dims(0);
        long b = c.node.getInt("blocksize", 0);
        if (x == null) {
            c.set(0, c.dtype(0), Dim.unknown(4));
            return;
        }
        checkRank4(c, x, b);
        for (int i = 2; i < 4; i++) {
            if (x.get(i).known() && x.get(i).size() % b != 0) {
                throw c.fail("input " + Dim.format(x) + " has size " + x.get(i) + " on axis " + i + ", not a multiple of blocksize " + b);
            }
        }
        c.set(0, c.dtype(0), List.of(x.get(0), x.get(1).map(v -> v * b * b), x.get(2).map(v -> v / b),
                x.get(3).map(v -> v / b)));
    }

    private static void checkRank4(InferContext c, List<Dim> x, long b) {
        if (b <= 0) {
            throw c.fail("blocksize must be positive");
        }
        if (x.size() != 4) {
            throw c.fail("input " + Dim.format(x) + " is not 4-D (NCHW)");
        }
    }
}
