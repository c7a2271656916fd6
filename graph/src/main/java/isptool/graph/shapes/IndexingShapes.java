package isptool.graph.shapes;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Ops that select or assemble elements: Concat, Split, Slice, Pad, Gather*, Scatter*, Tile, Expand. */
final class IndexingShapes {
    private IndexingShapes() {
    }

    /** Concat: sizes add up along axis; every other axis must agree. */
    static void concat(InferContext c) {
        List<Dim> first = null;
        for (int i = 0; i < c.inputCount() && first == null; i++) {
            first = c.dims(i);
        }
        if (first == null) {
            c.set(0, c.dtype(0), (List<Dim>) null);
            return;
        }
        int rank = first.size();
        int axis = c.axis(c.node.getInt("axis", c.opset() < 4 ? 1 : 0), rank, "axis");
        List<Dim> out = new ArrayList<>(first);
        long total = 0;
        boolean totalKnown = true;
        for (int i = 0; i < c.inputCount(); i++) {
            List<Dim> d = c.dims(i);
            if (d == null) {
                totalKnown = false;
                continue;
            }
            if (d.size() != rank) {
                throw c.fail("input " + i + " " + Dim.format(d) + " has rank " + d.size() + " but input 0 has " + rank);
            }
            for (int a = 0; a < rank; a++) {
                if (a == axis) {
                    totalKnown &= d.get(a).known();
                    total += Math.max(d.get(a).size(), 0);
                    continue;
                }
                Dim o = out.get(a);
                Dim n = d.get(a);
                if (o.known() && n.known() && o.size() != n.size()) {
                    throw c.fail("input " + i + " " + Dim.format(d) + " has size " + n + " on axis " + a + " where the inputs before have "
                            + o + " (only axis " + axis + " may differ)");
                }
                if (!o.known() && n.known()) {
                    out.set(a, n);
                }
            }
        }
        out.set(axis, totalKnown ? Dim.of(total) : Dim.UNKNOWN);
        c.set(0, c.dtype(0), out);
    }

    /**
     * Split: sizes from the split attribute (opset &lt; 13) or input (13+); otherwise equal parts, where
     * opset 18's num_outputs lets the last part be smaller (ceil-sized chunks).
     */
    static void split(InferContext c) {
        List<Dim> x = c.dims(0);
        int n = c.outputCount();
        if (x == null) {
            for (int o = 0; o < n; o++) {
                c.set(o, c.dtype(0), (List<Dim>) null);
            }
            return;
        }
        int axis = c.axis(c.node.getInt("axis", 0), x.size(), "axis");
        Dim dim = x.get(axis);
        long[] split = c.intsArg("split", 1);
        Dim[] sizes = new Dim[n];
        if (split != null && split.length > 0) {
            if (split.length != n) {
                throw c.fail("split " + Arrays.toString(split) + " has " + split.length + " parts but the node has " + n + " outputs");
            }
            long sum = Arrays.stream(split).sum();
            if (dim.known() && sum != dim.size()) {
                throw c.fail("split " + Arrays.toString(split) + " adds up to " + sum + " but axis " + axis + " has size " + dim);
            }
            for (int o = 0; o < n; o++) {
                sizes[o] = Dim.of(split[o]);
            }
        } else if (c.runtime(1) || !dim.known()) {
            Arrays.fill(sizes, Dim.UNKNOWN);
        } else if (c.node.has("num_outputs")) {
            long chunk = (dim.size() + n - 1) / n;
            for (int o = 0; o < n; o++) {
                sizes[o] = Dim.of(Math.max(0, Math.min(chunk, dim.size() - chunk * o)));
            }
        } else {
            if (dim.size() % n != 0) {
                throw c.fail("axis " + axis + " of size " + dim + " does not split into " + n + " equal parts");
            }
            Arrays.fill(sizes, Dim.of(dim.size() / n));
        }
        for (int o = 0; o < n; o++) {
            List<Dim> out = new ArrayList<>(x);
            out.set(axis, sizes[o]);
            c.set(o, c.dtype(0), out);
        }
    }

    /** Slice: starts/ends/axes as attributes (opset &lt; 10) or inputs 1..4 (with steps). */
    static void slice(InferContext c) {
        List<Dim> x = c.dims(0);
        if (x == null) {
            c.set(0, c.dtype(0), (List<Dim>) null);
            return;
        }
        long[] starts = c.intsArg("starts", 1);
        long[] ends = c.intsArg("ends", 2);
        long[] axes = c.intsArg("axes", 3);
        long[] steps = c.intsArg("steps", 4);
        boolean axesUnknown = axes == null && c.runtime(3);
        if (starts == null || ends == null || axesUnknown || steps == null && c.runtime(4)) {
            List<Dim> out = new ArrayList<>(x);
            if (axesUnknown || axes == null) {
                out = Dim.unknown(x.size());
            } else {
                for (int a : c.axes(axes, x.size(), "axes")) {
                    out.set(a, Dim.UNKNOWN);
                }
            }
            c.set(0, c.dtype(0), out);
            return;
        }
        if (starts.length != ends.length || axes != null && axes.length != starts.length
                || steps != null && steps.length != starts.length) {
            throw c.fail("starts, ends, axes and steps have different lengths");
        }
        int[] ax = axes == null ? range(starts.length) : c.axes(axes, x.size(), "axes");
        List<Dim> out = new ArrayList<>(x);
        for (int i = 0; i < ax.length; i++) {
            long step = steps == null ? 1 : steps[i];
            if (step == 0) {
                throw c.fail("steps must not be 0");
            }
            Dim d = x.get(ax[i]);
            if (d.known()) {
                out.set(ax[i], Dim.of(IndexMath.slice(starts[i], ends[i], step, d.size()).length()));
            } else if (!(step == 1 && starts[i] == 0 && ends[i] >= Integer.MAX_VALUE)) {
                out.set(ax[i], Dim.UNKNOWN); // x[0:] keeps even an unknown size
            }
        }
        c.set(0, c.dtype(0), out);
    }

    private static int[] range(int n) {
        int[] r = new int[n];
        for (int i = 0; i < n; i++) {
            r[i] = i;
        }
        return r;
    }

    /** Pad: pads [begin..., end...] as attribute (opset &lt; 11, "paddings" in opset 1) or input 1; axes input 3 (18+). */
    static void pad(InferContext c) {
        List<Dim> x = c.dims(0);
        if (x == null) {
            c.set(0, c.dtype(0), (List<Dim>) null);
            return;
        }
        long[] pads = c.node.has("paddings") ? c.node.getInts("paddings", null) : c.intsArg("pads", 1);
        long[] axes = c.constInts(3);
        if (pads == null || axes == null && c.runtime(3)) {
            c.set(0, c.dtype(0), Dim.unknown(x.size()));
            return;
        }
        int[] ax = axes == null ? range(x.size()) : c.axes(axes, x.size(), "axes");
        if (pads.length != 2 * ax.length) {
            throw c.fail("pads has " + pads.length + " values for " + ax.length + " axes (needs begin and end for each)");
        }
        List<Dim> out = new ArrayList<>(x);
        for (int i = 0; i < ax.length; i++) {
            long add = pads[i] + pads[i + ax.length];
            Dim d = x.get(ax[i]).map(v -> v + add);
            if (d.known() && d.size() < 0) {
                throw c.fail("pads " + Arrays.toString(pads) + " crop axis " + ax[i] + " of size " + x.get(ax[i]) + " below 0");
            }
            out.set(ax[i], add == 0 ? x.get(ax[i]) : d);
        }
        c.set(0, c.dtype(0), out);
    }

    /** Gather: data[:axis] + indices.shape + data[axis+1:]. */
    static void gather(InferContext c) {
        List<Dim> data = c.dims(0);
        List<Dim> idx = c.dims(1);
        if (data == null || idx == null) {
            c.set(0, c.dtype(0), (List<Dim>) null);
            return;
        }
        int axis = c.axis(c.node.getInt("axis", 0), data.size(), "axis");
        List<Dim> out = new ArrayList<>(data.subList(0, axis));
        out.addAll(idx);
        out.addAll(data.subList(axis + 1, data.size()));
        c.set(0, c.dtype(0), out);
    }

    /** GatherElements: the shape of the indices (same rank as data). */
    static void gatherElements(InferContext c) {
        List<Dim> data = c.dims(0);
        List<Dim> idx = c.dims(1);
        if (data != null && idx != null && data.size() != idx.size()) {
            throw c.fail("indices " + Dim.format(idx) + " and data " + Dim.format(data) + " differ in rank");
        }
        c.set(0, c.dtype(0), idx);
    }

    /** GatherND: indices.shape[:-1] + data.shape[batch_dims + indices.shape[-1]:]. */
    static void gatherND(InferContext c) {
        List<Dim> data = c.dims(0);
        List<Dim> idx = c.dims(1);
        if (data == null || idx == null || idx.isEmpty() || !idx.get(idx.size() - 1).known()) {
            c.set(0, c.dtype(0), (List<Dim>) null);
            return;
        }
        int batch = (int) c.node.getInt("batch_dims", 0);
        int k = (int) idx.get(idx.size() - 1).size();
        if (batch + k > data.size()) {
            throw c.fail("indices address " + k + " axes after " + batch + " batch axes but data " + Dim.format(data)
                    + " has rank " + data.size());
        }
        List<Dim> out = new ArrayList<>(idx.subList(0, idx.size() - 1));
        out.addAll(data.subList(batch + k, data.size()));
        c.set(0, c.dtype(0), out);
    }

    /** Tile: each axis times its repeat count. */
    static void tile(InferContext c) {
        List<Dim> x = c.dims(0);
        long[] repeats = c.constInts(1);
        if (x == null) {
            c.set(0, c.dtype(0), (List<Dim>) null);
            return;
        }
        if (repeats == null) {
            c.set(0, c.dtype(0), Dim.unknown(x.size()));
            return;
        }
        if (repeats.length != x.size()) {
            throw c.fail("repeats " + Arrays.toString(repeats) + " has " + repeats.length + " values for input rank " + x.size());
        }
        List<Dim> out = new ArrayList<>();
        for (int i = 0; i < repeats.length; i++) {
            long r = repeats[i];
            if (r < 0) {
                throw c.fail("repeats " + Arrays.toString(repeats) + " has a negative count");
            }
            out.add(r == 1 ? x.get(i) : x.get(i).map(v -> v * r));
        }
        c.set(0, c.dtype(0), out);
    }

    /** Expand: bidirectional broadcast of the input with the given shape. */
    static void expand(InferContext c) {
        List<Dim> x = c.dims(0);
        long[] shape = c.constInts(1);
        List<Dim> target;
        if (shape != null) {
            target = Dim.known(shape);
        } else if (c.rank(1) == 1 && c.dims(1).get(0).known()) {
            target = Dim.unknown((int) c.dims(1).get(0).size());
        } else {
            c.set(0, c.dtype(0), (List<Dim>) null);
            return;
        }
        if (x == null) {
            c.set(0, c.dtype(0), (List<Dim>) null);
            return;
        }
        List<Dim> out = Broadcasting.dims(x, target);
        if (out == null) {
            throw c.fail("input " + Dim.format(x) + " cannot be expanded to " + Dim.format(target)
                    + " (sizes must match or be 1)");
        }
        c.set(0, c.dtype(0), out);
    }
}
