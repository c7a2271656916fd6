package isptool.backends.tflite.lower;

import isptool.backends.layout.Layout;
import isptool.graph.DType;
import isptool.graph.Node;
import isptool.graph.Tensor;
import isptool.graph.Value;
import java.util.Arrays;
import org.tensorflow.lite.schema.BuiltinOperator;
import org.tensorflow.lite.schema.ConcatenationOptionsT;
import org.tensorflow.lite.schema.DepthToSpaceOptionsT;
import org.tensorflow.lite.schema.GatherOptionsT;
import org.tensorflow.lite.schema.SpaceToDepthOptionsT;

/**
 * Ops with an axis or a spatial meaning (reductions, depth/space rearrangements, Concat, Gather,
 * Tile, Expand): their ONNX axes become the stored axes of the plan's layout.
 */
final class AxisLowering {
    private AxisLowering() {
    }

    static void globalAveragePool(Node n, LoweringContext cx) {
        reduce(n, cx, BuiltinOperator.MEAN, spatialAxes(n.input(0)), true);
    }

    /** The axes after N and C of v. */
    static long[] spatialAxes(Value v) {
        long[] axes = new long[v.shape().rank() - 2];
        Arrays.setAll(axes, i -> i + 2);
        return axes;
    }

    /**
     * ReduceX with keepdims 0 or 1: axes from the attribute (before opset 13 for ReduceSum, 18 for
     * the others) or the constant second input; none means all, or a copy with noop_with_empty_axes.
     */
    static Lowering reduction(int builtin) {
        return (n, cx) -> {
            long[] axes = cx.ints(n, "axes", 1);
            boolean keep = n.getInt("keepdims", 1) != 0;
            if (axes == null || axes.length == 0) {
                if (n.getInt("noop_with_empty_axes", 0) != 0) {
                    cx.alias(n, n.output(0), n.input(0));
                    return;
                }
                axes = new long[cx.dims(n, n.input(0)).length];
                Arrays.setAll(axes, i -> i);
            }
            reduce(n, cx, builtin, axes, keep);
        };
    }

    /** A TFLite reducer over the stored axes holding the ONNX axes. */
    static void reduce(Node n, LoweringContext cx, int builtin, long[] onnxAxes, boolean keep) {
        Layout l = cx.layoutOf(n.input(0));
        long[] stored = new long[onnxAxes.length];
        for (int i = 0; i < onnxAxes.length; i++) {
            stored[i] = l.storedAxis(onnxAxes[i]);
        }
        cx.reduce(n.name(), builtin, cx.tensor(n, n.input(0)), stored, keep, cx.tensor(n, n.output(0)));
    }

    /** SpaceToDepth: ONNX's output channel (by * b + bx) * C + c is TFLite's NHWC depth order. */
    static void spaceToDepth(Node n, LoweringContext cx) {
        SpaceToDepthOptionsT o = new SpaceToDepthOptionsT();
        o.setBlockSize((int) n.getInt("blocksize", 0));
        cx.builder().addOperator(BuiltinOperator.SPACE_TO_DEPTH, o, new int[] {cx.tensor(n, n.input(0))},
                new int[] {cx.tensor(n, n.output(0))});
    }

    /**
     * Gather with constant indices to GATHER on the stored axis. Scalar or 1-D indices keep the
     * stored order of the other axes; indices of higher rank need ONNX's order.
     */
    static void gather(Node n, LoweringContext cx) {
        Value x = n.input(0);
        Value idx = n.input(1);
        if (!idx.isConstant()) {
            throw cx.refuse(n, "indices computed at run time are not supported; TFLite gets constant indices only");
        }
        long[] dims = cx.dims(n, x);
        long axis = n.getInt("axis", 0);
        int a = (int) (axis < 0 ? axis + dims.length : axis);
        Tensor t = idx.constant();
        long[] ind = t.toLongs();
        for (int i = 0; i < ind.length; i++) {
            if (ind[i] < -dims[a] || ind[i] >= dims[a]) {
                throw cx.refuse(n, "index " + ind[i] + " is outside axis " + a + " of size " + dims[a]);
            }
            ind[i] = ind[i] < 0 ? ind[i] + dims[a] : ind[i];
        }
        Layout l = cx.layoutOf(x);
        if (t.rank() > 1 && !l.isIdentity()) {
            throw cx.refuse(n, "indices of rank " + t.rank() + " on \"" + x.name() + "\" stored " + l
                    + " are not supported");
        }
        GatherOptionsT o = new GatherOptionsT();
        o.setAxis(l.storedAxis(a));
        int it = cx.constant(n.name() + "/indices", Tensor.ofIntegers(DType.INT32, t.shape(), ind));
        cx.builder().addOperator(BuiltinOperator.GATHER, o, new int[] {cx.tensor(n, x), it},
                new int[] {cx.tensor(n, n.output(0))});
    }

    /** Tile with constant repeats: TILE by the repeats in stored order. */
    static void tile(Node n, LoweringContext cx) {
        long[] repeats = cx.ints(n, null, 1);
        if (repeats == null) {
            throw cx.refuse(n, "repeats are missing");
        }
        Value x = n.input(0);
        cx.builder().addOperator(BuiltinOperator.TILE, null, new int[] {cx.tensor(n, x),
            cx.int32(n.name() + "/multiples", false, cx.layoutOf(x).stored(repeats))},
                new int[] {cx.tensor(n, n.output(0))});
    }

    /**
     * Expand with a constant shape: TILE by output / input size on each stored axis (broadcasting
     * only repeats size-1 axes); an input of lower rank (stored in ONNX order) is first reshaped
     * with leading 1s.
     */
    static void expand(Node n, LoweringContext cx) {
        if (cx.ints(n, null, 1) == null) {
            throw cx.refuse(n, "the shape is missing");
        }
        Value x = n.input(0);
        Value y = n.output(0);
        long[] xd = cx.dims(n, x);
        long[] yd = cx.dims(n, y);
        int in = cx.tensor(n, x);
        if (xd.length < yd.length) {
            if (!cx.layoutOf(x).isIdentity() || !cx.layoutOf(y).isIdentity()) {
                throw cx.refuse(n, "expanding \"" + x.name() + "\" stored " + cx.layoutOf(x) + " to more axes is"
                        + " not supported");
            }
            long[] aligned = aligned(xd, yd.length);
            int r = cx.scratch(n.name() + "/aligned", aligned);
            cx.reshape(n.name() + "/aligned", in, aligned, r);
            in = r;
        }
        long[] from = cx.layoutOf(y).stored(aligned(xd, yd.length));
        long[] to = cx.storedShape(n, y);
        long[] multiples = new long[to.length];
        for (int j = 0; j < to.length; j++) {
            multiples[j] = to[j] / from[j];
        }
        cx.builder().addOperator(BuiltinOperator.TILE, null, new int[] {in,
            cx.int32(n.name() + "/multiples", false, multiples)}, new int[] {cx.tensor(n, y)});
    }

    private static long[] aligned(long[] dims, int rank) {
        long[] r = new long[rank];
        Arrays.fill(r, 1);
        System.arraycopy(dims, 0, r, rank - dims.length, dims.length);
        return r;
    }

    /**
     * DepthToSpace to DEPTH_TO_SPACE, which reads DCR order ((i*b + j)*C + c). A CRD one (c*b*b +
     * i*b + j) the tflite-prep passes could not fold into a conv first GATHERs its channels into
     * DCR order: new[(i*b + j)*C + c] = old[c*b*b + i*b + j].
     */
    static void depthToSpace(Node n, LoweringContext cx) {
        int b = (int) n.getInt("blocksize", 0);
        int in = cx.tensor(n, n.input(0));
        if (n.getString("mode", "DCR").equals("CRD")) {
            long[] xs = cx.storedShape(n, n.input(0));
            int axis = cx.layoutOf(n.input(0)).storedAxis(1);
            long channels = xs[axis] / ((long) b * b);
            long[] order = new long[(int) xs[axis]];
            for (int i = 0; i < b; i++) {
                for (int j = 0; j < b; j++) {
                    for (int c = 0; c < channels; c++) {
                        order[(int) ((i * b + j) * channels + c)] = c * b * b + i * b + j;
                    }
                }
            }
            GatherOptionsT g = new GatherOptionsT();
            g.setAxis(axis);
            int dcr = cx.scratch(n.name() + "/dcr", xs);
            cx.builder().addOperator(BuiltinOperator.GATHER, g, new int[] {in, cx.int32(n.name() + "/dcr_order",
                false, order)}, new int[] {dcr});
            in = dcr;
        }
        DepthToSpaceOptionsT o = new DepthToSpaceOptionsT();
        o.setBlockSize(b);
        cx.builder().addOperator(BuiltinOperator.DEPTH_TO_SPACE, o, new int[] {in},
                new int[] {cx.tensor(n, n.output(0))});
    }

    static void concat(Node n, LoweringContext cx) {
        Value out = n.output(0);
        int[] ins = new int[n.inputs().size()];
        for (int i = 0; i < ins.length; i++) {
            Value v = n.input(i);
            ins[i] = v.isConstant() ? cx.constantLike(n, v, out) : cx.tensor(n, v);
        }
        ConcatenationOptionsT o = new ConcatenationOptionsT();
        o.setAxis(cx.layoutOf(out).storedAxis(n.getInt("axis", 0)));
        cx.builder().addOperator(BuiltinOperator.CONCATENATION, o, ins, new int[] {cx.tensor(n, out)});
    }
}
