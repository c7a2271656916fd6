package isptool.graph.eval;

import isptool.graph.Node;
import isptool.graph.Tensor;
import isptool.graph.shapes.IndexMath;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Kernels that pick elements by index: Gather, GatherElements, Slice, ScatterND, NonZero. */
final class IndexingKernels {
    private IndexingKernels() {
    }

    /** Gather: out[a..., j..., b...] = data[a..., indices[j...], b...]; negative indices count from the end. */
    static Tensor[] gather(Node n, Tensor[] in) {
        Tensor data = in[0];
        long[] d = data.shape();
        int axis = Layout.axis(n.getInt("axis", 0), d.length);
        long[] idx = in[1].toLongs();
        long dim = d[axis];
        for (int j = 0; j < idx.length; j++) {
            idx[j] = index(idx[j], dim, "Gather index");
        }
        long inner = 1;
        for (int i = axis + 1; i < d.length; i++) {
            inner *= d[i];
        }
        long[] shape = concat(Arrays.copyOfRange(d, 0, axis), in[1].shape(), Arrays.copyOfRange(d, axis + 1, d.length));
        int count = Layout.count(shape);
        int[] src = new int[count];
        long block = idx.length * inner;
        for (int o = 0; o < count; o++) {
            long outer = o / block;
            long j = (o % block) / inner;
            long i = o % inner;
            src[o] = Math.toIntExact((outer * dim + idx[(int) j]) * inner + i);
        }
        return one(Layout.copy(data, shape, src));
    }

    /** GatherElements: out[c] = data[c with c[axis] = indices[c]]. */
    static Tensor[] gatherElements(Node n, Tensor[] in) {
        Tensor data = in[0];
        long[] d = data.shape();
        int axis = Layout.axis(n.getInt("axis", 0), d.length);
        Tensor indices = in[1];
        long[] stride = Layout.strides(d);
        long[] istride = Layout.strides(indices.shape());
        int[] src = Layout.map(indices.shape(), c -> {
            long lin = 0;
            long ilin = 0;
            for (int a = 0; a < c.length; a++) {
                ilin += c[a] * istride[a];
            }
            for (int a = 0; a < c.length; a++) {
                long k = a == axis ? index(indices.getLong((int) ilin), d[a], "GatherElements index") : c[a];
                lin += k * stride[a];
            }
            return lin;
        });
        return one(Layout.copy(data, indices.shape(), src));
    }

    /** Slice: starts/ends/axes as attributes (opset &lt; 10) or inputs 1..4 with steps; see {@link IndexMath#slice}. */
    static Tensor[] slice(Node n, Tensor[] in) {
        Tensor x = in[0];
        long[] d = x.shape();
        long[] starts = ints(n, "starts", in, 1);
        long[] ends = ints(n, "ends", in, 2);
        long[] axes = ints(n, "axes", in, 3);
        long[] steps = ints(n, "steps", in, 4);
        if (starts.length != ends.length || axes != null && axes.length != starts.length
                || steps != null && steps.length != starts.length) {
            throw new IllegalArgumentException("starts, ends, axes and steps have different lengths");
        }
        long[] begin = new long[d.length];
        long[] step = new long[d.length];
        long[] shape = d.clone();
        Arrays.fill(step, 1);
        for (int i = 0; i < starts.length; i++) {
            int a = axes == null ? i : Layout.axis(axes[i], d.length);
            IndexMath.Range r = IndexMath.slice(starts[i], ends[i], steps == null ? 1 : steps[i], d[a]);
            begin[a] = r.start();
            step[a] = r.step();
            shape[a] = r.length();
        }
        return one(strided(x, begin, step, shape));
    }

    /** The elements begin[a] + c[a] * step[a] along every axis. */
    static Tensor strided(Tensor x, long[] begin, long[] step, long[] shape) {
        long[] stride = Layout.strides(x.shape());
        int[] src = Layout.map(shape, c -> {
            long lin = 0;
            for (int a = 0; a < c.length; a++) {
                lin += (begin[a] + c[a] * step[a]) * stride[a];
            }
            return lin;
        });
        return Layout.copy(x, shape, src);
    }

    /**
     * ScatterND: a copy of data where each index tuple indices[j, :k] addresses a slice that
     * takes updates[j] (reduction none), or is combined with it (add, mul, max, min; opset 16).
     */
    static Tensor[] scatterND(Node n, Tensor[] in) {
        Tensor data = in[0];
        Tensor indices = in[1];
        Tensor updates = in[2].cast(data.dtype());
        long[] d = data.shape();
        long[] is = indices.shape();
        int k = (int) is[is.length - 1];
        if (k > d.length) {
            throw new IllegalArgumentException("indices address " + k + " axes of a rank-" + d.length + " tensor");
        }
        long[] stride = Layout.strides(d);
        int slice = Layout.count(Arrays.copyOfRange(d, k, d.length));
        int tuples = Layout.count(Arrays.copyOf(is, is.length - 1));
        if (updates.elementCount() != tuples * slice) {
            throw new IllegalArgumentException("updates " + Arrays.toString(updates.shape()) + " do not match the indexed slices");
        }
        String reduction = n.getString("reduction", "none");
        boolean floats = data.dtype().isFloatingPoint();
        double[] fd = floats ? data.toDoubles() : null;
        long[] ld = floats ? null : data.toLongs();
        for (int j = 0; j < tuples; j++) {
            long offset = 0;
            for (int t = 0; t < k; t++) {
                offset += index(indices.getLong(j * k + t), d[t], "ScatterND index") * stride[t];
            }
            for (int s = 0; s < slice; s++) {
                int o = Math.toIntExact(offset + s);
                int u = j * slice + s;
                if (floats) {
                    fd[o] = combine(reduction, fd[o], updates.getDouble(u));
                } else {
                    ld[o] = combine(reduction, ld[o], updates.getLong(u));
                }
            }
        }
        return one(floats ? Tensor.of(data.dtype(), d, fd) : Tensor.ofIntegers(data.dtype(), d, ld));
    }

    private static double combine(String reduction, double old, double update) {
        return switch (reduction) {
            case "none" -> update;
            case "add" -> old + update;
            case "mul" -> old * update;
            case "max" -> Math.max(old, update);
            case "min" -> Math.min(old, update);
            default -> throw new IllegalArgumentException("reduction \"" + reduction + "\" is not none, add, mul, max or min");
        };
    }

    private static long combine(String reduction, long old, long update) {
        return switch (reduction) {
            case "none" -> update;
            case "add" -> old + update;
            case "mul" -> old * update;
            case "max" -> Math.max(old, update);
            case "min" -> Math.min(old, update);
            default -> throw new IllegalArgumentException("reduction \"" + reduction + "\" is not none, add, mul, max or min");
        };
    }

    /** NonZero: the coordinates of the non-zero elements, one column each, in row-major order. */
    static Tensor[] nonZero(Node n, Tensor[] in) {
        Tensor x = in[0];
        long[] d = x.shape();
        long[] stride = Layout.strides(d);
        List<Integer> hits = new ArrayList<>();
        for (int i = 0; i < x.elementCount(); i++) {
            if (x.getDouble(i) != 0) {
                hits.add(i);
            }
        }
        int count = hits.size();
        long[] r = new long[d.length * count];
        for (int j = 0; j < count; j++) {
            for (int a = 0; a < d.length; a++) {
                r[a * count + j] = hits.get(j) / stride[a] % d[a];
            }
        }
        return one(Tensor.ofLongs(new long[] {d.length, count}, r));
    }

    /** An index in [-dim, dim) made non-negative. */
    static long index(long i, long dim, String what) {
        if (i < -dim || i >= dim) {
            throw new IllegalArgumentException(what + " " + i + " is out of range for size " + dim);
        }
        return i < 0 ? i + dim : i;
    }

    /** An attribute (older opsets) or constant input (newer ones) as ints; null when neither is given. */
    static long[] ints(Node n, String attr, Tensor[] in, int input) {
        if (n.has(attr)) {
            return n.getInts(attr, null);
        }
        return input < in.length && in[input] != null ? in[input].toLongs() : null;
    }

    private static long[] concat(long[]... parts) {
        return Arrays.stream(parts).flatMapToLong(Arrays::stream).toArray();
    }

    private static Tensor[] one(Tensor t) {
        return new Tensor[] {t};
    }
}
