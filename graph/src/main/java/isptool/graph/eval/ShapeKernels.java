package isptool.graph.eval;

import isptool.graph.DType;
import isptool.graph.Node;
import isptool.graph.Tensor;
import isptool.graph.shapes.Broadcasting;
import isptool.graph.shapes.IndexMath;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Kernels of the shape arithmetic PyTorch exports: Shape, Size, Reshape, (Un)Squeeze, Flatten, ConstantOfShape, Range, Expand. */
final class ShapeKernels {
    private ShapeKernels() {
    }

    static Tensor[] shape(Node n, Tensor[] in) {
        long[] s = in[0].shape();
        long[] w = IndexMath.shapeWindow(n.getInt("start", 0), n.getInt("end", s.length), s.length);
        long[] r = Arrays.copyOfRange(s, (int) w[0], (int) w[1]);
        return one(Tensor.ofLongs(new long[] {r.length}, r));
    }

    static Tensor[] size(Node n, Tensor[] in) {
        return one(Tensor.ofLongs(new long[0], new long[] {in[0].elementCount()}));
    }

    /** Reshape: 0 copies the input size (unless allowzero=1), one -1 takes the remaining count. */
    static Tensor[] reshape(Node n, Tensor[] in) {
        long[] target = n.has("shape") ? n.getInts("shape", null) : in[1].toLongs();
        long[] x = in[0].shape();
        boolean allowZero = n.getInt("allowzero", 0) != 0;
        long[] out = target.clone();
        int inferred = -1;
        long known = 1;
        for (int i = 0; i < out.length; i++) {
            if (out[i] == 0 && !allowZero) {
                if (i >= x.length) {
                    throw new IllegalArgumentException("shape " + Arrays.toString(target) + " copies axis " + i + " of a rank-" + x.length + " input");
                }
                out[i] = x[i];
            }
            if (out[i] == -1) {
                if (inferred >= 0) {
                    throw new IllegalArgumentException("shape " + Arrays.toString(target) + " has more than one -1");
                }
                inferred = i;
            } else if (out[i] < 0) {
                throw new IllegalArgumentException("shape " + Arrays.toString(target) + " has the invalid size " + out[i]);
            } else {
                known *= out[i];
            }
        }
        if (inferred >= 0) {
            if (known == 0 || in[0].elementCount() % known != 0) {
                throw new IllegalArgumentException("cannot reshape " + Arrays.toString(x) + " to " + Arrays.toString(target));
            }
            out[inferred] = in[0].elementCount() / known;
        }
        return reshaped(in[0], out, target);
    }

    /** Flatten: [prod(dims before axis), prod(dims from axis)]. */
    static Tensor[] flatten(Node n, Tensor[] in) {
        long[] x = in[0].shape();
        long a = n.getInt("axis", 1);
        int axis = (int) (a < 0 ? a + x.length : a);
        if (axis < 0 || axis > x.length) {
            throw new IllegalArgumentException("axis " + a + " is out of range for rank " + x.length);
        }
        long outer = 1;
        long inner = 1;
        for (int i = 0; i < x.length; i++) {
            if (i < axis) {
                outer *= x[i];
            } else {
                inner *= x[i];
            }
        }
        return one(in[0].reshape(outer, inner));
    }

    /** Squeeze: axes from the attribute (opset &lt; 13) or input 1; none means every size-1 axis. */
    static Tensor[] squeeze(Node n, Tensor[] in) {
        long[] x = in[0].shape();
        long[] axes = n.has("axes") ? n.getInts("axes", null) : in.length > 1 && in[1] != null ? in[1].toLongs() : null;
        boolean[] drop = new boolean[x.length];
        if (axes == null || axes.length == 0) {
            for (int i = 0; i < x.length; i++) {
                drop[i] = x[i] == 1;
            }
        } else {
            for (long a : axes) {
                int ax = Layout.axis(a, x.length);
                if (x[ax] != 1) {
                    throw new IllegalArgumentException("cannot squeeze axis " + ax + " of size " + x[ax]);
                }
                drop[ax] = true;
            }
        }
        List<Long> out = new ArrayList<>();
        for (int i = 0; i < x.length; i++) {
            if (!drop[i]) {
                out.add(x[i]);
            }
        }
        return one(in[0].reshape(out.stream().mapToLong(Long::longValue).toArray()));
    }

    /** Unsqueeze: size-1 axes at the given positions of the output. */
    static Tensor[] unsqueeze(Node n, Tensor[] in) {
        long[] x = in[0].shape();
        long[] axes = n.has("axes") ? n.getInts("axes", null) : in[1].toLongs();
        int rank = x.length + axes.length;
        boolean[] inserted = new boolean[rank];
        for (long a : axes) {
            int ax = Layout.axis(a, rank);
            if (inserted[ax]) {
                throw new IllegalArgumentException("axes lists " + ax + " twice");
            }
            inserted[ax] = true;
        }
        long[] out = new long[rank];
        for (int i = 0, next = 0; i < rank; i++) {
            out[i] = inserted[i] ? 1 : x[next++];
        }
        return one(in[0].reshape(out));
    }

    /** ConstantOfShape: the value attribute (a one-element tensor, float32 0 by default) repeated. */
    static Tensor[] constantOfShape(Node n, Tensor[] in) {
        long[] shape = in[0].toLongs();
        Tensor value = n.getTensor("value");
        DType t = value == null ? DType.FLOAT : value.dtype();
        double[] v = new double[Layout.count(shape)];
        if (value != null && !t.isFloatingPoint()) {
            long[] l = new long[v.length];
            Arrays.fill(l, value.getLong(0));
            return one(Tensor.ofIntegers(t, shape, l));
        }
        Arrays.fill(v, value == null ? 0 : value.getDouble(0));
        return one(Tensor.of(t, shape, v));
    }

    /**
     * Range: start, start + delta, ... below limit. The ONNX definition accumulates in the
     * element type (a Loop adding delta), so floats add up in their own precision.
     */
    static Tensor[] range(Node n, Tensor[] in) {
        DType t = in[0].dtype();
        int count = Math.toIntExact(IndexMath.rangeLength(in[0], in[1], in[2]));
        long[] shape = {count};
        if (!t.isFloatingPoint()) {
            long[] r = new long[count];
            long v = in[0].getLong(0);
            for (int i = 0; i < count; i++, v += in[2].getLong(0)) {
                r[i] = v;
            }
            return one(Tensor.ofIntegers(t, shape, r));
        }
        double[] r = new double[count];
        double v = in[0].getDouble(0);
        double d = in[2].getDouble(0);
        for (int i = 0; i < count; i++) {
            r[i] = v;
            v = t == DType.FLOAT ? (float) ((float) v + (float) d) : v + d;
        }
        return one(Tensor.of(t, shape, r));
    }

    /** Expand: broadcast of the input and the shape (either may stretch the other's size-1 axes). */
    static Tensor[] expand(Node n, Tensor[] in) {
        long[] shape = Broadcasting.shape(in[0].shape(), in[1].toLongs());
        return one(Layout.copy(in[0], shape, Layout.broadcast(in[0].shape(), shape)));
    }

    /** Constant (a node the importer did not already turn into a constant value). */
    static Tensor[] constant(Node n, Tensor[] in) {
        if (n.getTensor("value") != null) {
            return one(n.getTensor("value"));
        }
        if (n.has("value_float")) {
            return one(Tensor.scalar(n.getFloat("value_float", 0)));
        }
        if (n.has("value_int")) {
            return one(Tensor.ofLongs(new long[0], new long[] {n.getInt("value_int", 0)}));
        }
        if (n.has("value_floats")) {
            float[] f = n.getFloats("value_floats", null);
            return one(Tensor.ofFloats(new long[] {f.length}, f));
        }
        if (n.has("value_ints")) {
            long[] v = n.getInts("value_ints", null);
            return one(Tensor.ofLongs(new long[] {v.length}, v));
        }
        return null;
    }

    private static Tensor[] reshaped(Tensor x, long[] out, long[] target) {
        if (Layout.count(out) != x.elementCount()) {
            throw new IllegalArgumentException("cannot reshape " + Arrays.toString(x.shape()) + " (" + x.elementCount()
                    + " elements) to " + Arrays.toString(target));
        }
        return one(x.reshape(out));
    }

    private static Tensor[] one(Tensor t) {
        return new Tensor[] {t};
    }
}
