package isptool.graph.eval;

import isptool.graph.DType;
import isptool.graph.Node;
import isptool.graph.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Kernels that assemble or rearrange whole tensors: Concat, Split, Transpose, Tile, Pad. */
final class AssemblyKernels {
    private AssemblyKernels() {
    }

    static Tensor[] concat(Node n, Tensor[] in) {
        List<Tensor> parts = new ArrayList<>();
        for (Tensor t : in) {
            if (t != null) {
                parts.add(t);
            }
        }
        int rank = parts.get(0).rank();
        return one(concat(parts.toArray(new Tensor[0]), Layout.axis(n.getInt("axis", 1), rank)));
    }

    /** Concat along axis: for each outer index, the inputs' blocks one after another. */
    static Tensor concat(Tensor[] parts, int axis) {
        long[] shape = parts[0].shape();
        shape[axis] = 0;
        for (Tensor t : parts) {
            long[] s = t.shape();
            if (s.length != shape.length) {
                throw new IllegalArgumentException("Concat inputs differ in rank");
            }
            for (int a = 0; a < s.length; a++) {
                if (a != axis && s[a] != shape[a]) {
                    throw new IllegalArgumentException("Concat inputs differ on axis " + a);
                }
            }
            shape[axis] += s[axis];
        }
        long outer = 1;
        for (int a = 0; a < axis; a++) {
            outer *= shape[a];
        }
        DType t = parts[0].dtype();
        int size = t.byteSize;
        ByteBuffer out = ByteBuffer.allocate(Layout.count(shape) * size).order(ByteOrder.LITTLE_ENDIAN);
        for (long o = 0; o < outer; o++) {
            for (Tensor p : parts) {
                ByteBuffer src = p.cast(t).rawData();
                int block = Math.toIntExact(p.byteSize() / Math.max(outer, 1));
                src.position(src.position() + Math.toIntExact(o * block)).limit(src.position() + block);
                out.put(src);
            }
        }
        out.flip();
        return Tensor.wrap(t, shape, out);
    }

    /**
     * Split: sizes from the split attribute (opset &lt; 13) or input 1; else equal parts, the last
     * one smaller when num_outputs (opset 18) does not divide the axis.
     */
    static Tensor[] split(Node n, Tensor[] in) {
        Tensor x = in[0];
        long[] d = x.shape();
        int axis = Layout.axis(n.getInt("axis", 0), d.length);
        int count = n.outputs().size();
        long[] sizes = IndexingKernels.ints(n, "split", in, 1);
        if (sizes == null || sizes.length == 0) {
            long chunk = n.has("num_outputs") ? (d[axis] + count - 1) / count : d[axis] / count;
            if (!n.has("num_outputs") && d[axis] % count != 0) {
                throw new IllegalArgumentException("axis " + axis + " of size " + d[axis] + " does not split into " + count + " equal parts");
            }
            sizes = new long[count];
            for (int i = 0; i < count; i++) {
                sizes[i] = Math.max(0, Math.min(chunk, d[axis] - chunk * i));
            }
        }
        if (sizes.length != count || Arrays.stream(sizes).sum() != d[axis]) {
            throw new IllegalArgumentException("split " + Arrays.toString(sizes) + " does not cover axis " + axis + " of size " + d[axis]);
        }
        Tensor[] r = new Tensor[count];
        long offset = 0;
        for (int i = 0; i < count; i++) {
            long[] begin = new long[d.length];
            long[] step = new long[d.length];
            Arrays.fill(step, 1);
            begin[axis] = offset;
            long[] shape = d.clone();
            shape[axis] = sizes[i];
            r[i] = IndexingKernels.strided(x, begin, step, shape);
            offset += sizes[i];
        }
        return r;
    }

    /** Transpose: out axis i is input axis perm[i] (reversed by default). */
    static Tensor[] transpose(Node n, Tensor[] in) {
        Tensor x = in[0];
        long[] d = x.shape();
        long[] perm = n.getInts("perm", null);
        if (perm == null) {
            perm = new long[d.length];
            for (int i = 0; i < d.length; i++) {
                perm[i] = d.length - 1 - i;
            }
        }
        if (perm.length != d.length) {
            throw new IllegalArgumentException("perm " + Arrays.toString(perm) + " does not match rank " + d.length);
        }
        long[] stride = Layout.strides(d);
        long[] shape = new long[d.length];
        long[] permStride = new long[d.length];
        for (int i = 0; i < d.length; i++) {
            int p = Layout.axis(perm[i], d.length);
            shape[i] = d[p];
            permStride[i] = stride[p];
        }
        int[] src = Layout.map(shape, c -> {
            long lin = 0;
            for (int a = 0; a < c.length; a++) {
                lin += c[a] * permStride[a];
            }
            return lin;
        });
        return one(Layout.copy(x, shape, src));
    }

    /** Tile: out[c] = x[c mod x.shape]. */
    static Tensor[] tile(Node n, Tensor[] in) {
        Tensor x = in[0];
        long[] d = x.shape();
        long[] repeats = in[1].toLongs();
        if (repeats.length != d.length) {
            throw new IllegalArgumentException("repeats " + Arrays.toString(repeats) + " does not match rank " + d.length);
        }
        long[] shape = new long[d.length];
        for (int i = 0; i < d.length; i++) {
            if (repeats[i] < 0) {
                throw new IllegalArgumentException("repeats " + Arrays.toString(repeats) + " has a negative count");
            }
            shape[i] = d[i] * repeats[i];
        }
        long[] stride = Layout.strides(d);
        int[] src = Layout.map(shape, c -> {
            long lin = 0;
            for (int a = 0; a < c.length; a++) {
                lin += (c[a] % d[a]) * stride[a];
            }
            return lin;
        });
        return one(Layout.copy(x, shape, src));
    }

    /**
     * Pad: pads [begin..., end...] (attribute before opset 11, "paddings" in opset 1; input 1
     * after), the fill value (attribute "value" / input 2, default 0), axes (input 3, opset 18).
     * Modes: constant, edge (repeat the border), reflect (mirror without the border), wrap (opset 19).
     */
    static Tensor[] pad(Node n, Tensor[] in) {
        Tensor x = in[0];
        long[] d = x.shape();
        long[] pads = n.has("paddings") ? n.getInts("paddings", null) : IndexingKernels.ints(n, "pads", in, 1);
        long[] axes = in.length > 3 && in[3] != null ? in[3].toLongs() : null;
        int[] ax = new int[axes == null ? d.length : axes.length];
        for (int i = 0; i < ax.length; i++) {
            ax[i] = axes == null ? i : Layout.axis(axes[i], d.length);
        }
        if (pads == null || pads.length != 2 * ax.length) {
            throw new IllegalArgumentException("pads " + Arrays.toString(pads) + " needs a begin and an end for each of " + ax.length + " axes");
        }
        long[] begin = new long[d.length];
        long[] shape = d.clone();
        for (int i = 0; i < ax.length; i++) {
            begin[ax[i]] += pads[i];
            shape[ax[i]] += pads[i] + pads[i + ax.length];
            if (shape[ax[i]] < 0) {
                throw new IllegalArgumentException("pads " + Arrays.toString(pads) + " crop axis " + ax[i] + " below 0");
            }
        }
        String mode = n.getString("mode", "constant");
        if (!mode.equals("constant") && x.elementCount() == 0) {
            return null;
        }
        Tensor fill = n.has("value") ? Tensor.scalar(n.getFloat("value", 0))
                : in.length > 2 && in[2] != null ? in[2] : null;
        long[] stride = Layout.strides(d);
        int[] src = Layout.map(shape, c -> {
            long lin = 0;
            for (int a = 0; a < c.length; a++) {
                long p = c[a] - begin[a];
                if (p < 0 || p >= d[a]) {
                    switch (mode) {
                        case "constant" -> {
                            return -1;
                        }
                        case "edge" -> p = Math.max(0, Math.min(d[a] - 1, p));
                        case "reflect" -> p = reflect(p, d[a]);
                        case "wrap" -> p = Math.floorMod(p, d[a]);
                        default -> throw new IllegalArgumentException("Pad mode \"" + mode + "\" is not constant, edge, reflect or wrap");
                    }
                }
                lin += p * stride[a];
            }
            return lin;
        });
        return one(Layout.copy(x, shape, src, fill));
    }

    /** Mirror index without repeating the border: ... 2 1 | 0 1 2 ... n-1 | n-2 n-3 ... */
    private static long reflect(long p, long dim) {
        if (dim == 1) {
            return 0;
        }
        long period = 2 * (dim - 1);
        long q = Math.floorMod(p, period);
        return q < dim ? q : period - q;
    }

    private static Tensor[] one(Tensor t) {
        return new Tensor[] {t};
    }
}
