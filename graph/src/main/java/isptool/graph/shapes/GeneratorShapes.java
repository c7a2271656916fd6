package isptool.graph.shapes;

import isptool.graph.DType;
import isptool.graph.Tensor;
import java.util.List;

/** Ops whose output shape comes from values rather than input shapes: Shape, Size, ConstantOfShape, Range, NonZero. */
final class GeneratorShapes {
    private GeneratorShapes() {
    }

    /** Shape: a 1-D int64 of the selected (start/end, opset 15) part of the input's rank. */
    static void shape(InferContext c) {
        int rank = c.rank(0);
        if (rank < 0) {
            c.set(0, DType.INT64, Dim.unknown(1));
            return;
        }
        long[] w = IndexMath.shapeWindow(c.node.getInt("start", 0), c.node.getInt("end", rank), rank);
        c.set(0, DType.INT64, Dim.known(w[1] - w[0]));
    }

    static void size(InferContext c) {
        c.set(0, DType.INT64, List.of());
    }

    /** ConstantOfShape: the shape is the input's values; the type that of the value attribute (float32 by default). */
    static void constantOfShape(InferContext c) {
        Tensor value = c.node.getTensor("value");
        DType t = value == null ? DType.FLOAT : value.dtype();
        long[] shape = c.constInts(0);
        if (shape != null) {
            for (long d : shape) {
                if (d < 0) {
                    throw c.fail("shape " + java.util.Arrays.toString(shape) + " has a negative size");
                }
            }
            c.set(0, t, Dim.known(shape));
        } else {
            List<Dim> s = c.dims(0);
            c.set(0, t, s != null && s.size() == 1 && s.get(0).known() ? Dim.unknown((int) s.get(0).size()) : null);
        }
    }

    /** Range: 1-D, max(ceil((limit - start) / delta), 0) elements of start's type. */
    static void range(InferContext c) {
        Tensor start = c.constant(0);
        Tensor limit = c.constant(1);
        Tensor delta = c.constant(2);
        if (start == null || limit == null || delta == null) {
            c.set(0, c.dtype(0), Dim.unknown(1));
            return;
        }
        try {
            c.set(0, c.dtype(0), Dim.known(IndexMath.rangeLength(start, limit, delta)));
        } catch (IllegalArgumentException e) {
            throw c.fail(e.getMessage());
        }
    }

    /** NonZero: [rank, number of non-zeros], the count known only at run time. */
    static void nonZero(InferContext c) {
        int rank = c.rank(0);
        c.set(0, DType.INT64, List.of(rank < 0 ? Dim.UNKNOWN : Dim.of(rank), Dim.UNKNOWN));
    }

    /** Constant (when not already turned into a constant value by the importer). */
    static void constant(InferContext c) {
        Tensor t = c.node.getTensor("value");
        if (t != null) {
            c.set(0, t.dtype(), Dim.known(t.shape()));
        } else if (c.node.has("value_float") || c.node.has("value_int")) {
            c.set(0, c.node.has("value_int") ? DType.INT64 : DType.FLOAT, List.of());
        } else if (c.node.has("value_floats")) {
            c.set(0, DType.FLOAT, Dim.known(c.node.getFloats("value_floats", null).length));
        } else if (c.node.has("value_ints")) {
            c.set(0, DType.INT64, Dim.known(c.node.getInts("value_ints", null).length));
        }
    }

    /** RandomNormal/RandomUniform: shape and dtype (float32 default) from attributes. */
    static void random(InferContext c) {
        DType t = DType.fromOnnx((int) c.node.getInt("dtype", 1));
        long[] shape = c.node.getInts("shape", null);
        c.set(0, t, shape == null ? null : Dim.known(shape));
    }

    /** RandomNormalLike/RandomUniformLike: the input's shape, dtype attribute or the input's type. */
    static void randomLike(InferContext c) {
        DType t = c.node.has("dtype") ? DType.fromOnnx((int) c.node.getInt("dtype", 1)) : c.dtype(0);
        c.set(0, t, c.dims(0));
    }
}
