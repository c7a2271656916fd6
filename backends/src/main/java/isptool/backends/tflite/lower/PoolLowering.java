package isptool.backends.tflite.lower;

import isptool.graph.DType;
import isptool.graph.Node;
import isptool.graph.Tensor;
import isptool.graph.Value;
import org.tensorflow.lite.schema.ActivationFunctionType;
import org.tensorflow.lite.schema.BuiltinOperator;
import org.tensorflow.lite.schema.MulOptionsT;
import org.tensorflow.lite.schema.Padding;
import org.tensorflow.lite.schema.Pool2DOptionsT;
import org.tensorflow.lite.schema.StridedSliceOptionsT;

/**
 * 2-D MaxPool / AveragePool to MAX_POOL_2D / AVERAGE_POOL_2D on NHWC, GlobalMaxPool to REDUCE_MAX
 * over the stored H and W. TF's SAME pooling ignores the padded cells (max of the real ones, mean
 * over the real ones), so ONNX pads equal to SAME map to SAME for MaxPool and for AveragePool with
 * count_include_pad=0; other pads get an explicit PAD (zeros, counted: AveragePool with
 * count_include_pad=1) or PADV2 with -FLT_MAX (MaxPool) before a VALID pool. MaxPool's dilations
 * and partial ceil_mode windows are padded and sliced to an undilated pool (see paddedMaxPool).
 */
final class PoolLowering {
    private PoolLowering() {
    }

    static void maxPool(Node n, LoweringContext cx) {
        if (n.outputs().size() > 1 && n.output(1) != null && !n.output(1).name().isEmpty()
                && (cx.graph().isGraphOutput(n.output(1)) || !cx.graph().consumers(n.output(1)).isEmpty())) {
            throw cx.refuse(n, "the Indices output is used; TFLite's MAX_POOL_2D has none");
        }
        pool(n, cx, true);
    }

    static void averagePool(Node n, LoweringContext cx) {
        pool(n, cx, false);
    }

    private static void pool(Node n, LoweringContext cx, boolean max) {
        Value x = n.input(0);
        if (x.shape() == null || x.shape().rank() != 4) {
            throw cx.refuse(n, "only 2-D pooling (rank-4 input) is lowered so far, input is " + x.shape());
        }
        long[] xs = cx.storedShape(n, x); // NHWC
        long[] k = n.getInts("kernel_shape", null);
        long[] s = n.getInts("strides", new long[] {1, 1});
        long[] d = n.getInts("dilations", new long[] {1, 1});
        if (k == null || k.length != 2) {
            throw cx.refuse(n, "kernel_shape must have 2 entries");
        }
        long[] in = {xs[1], xs[2]};
        long[] ek = {(k[0] - 1) * d[0] + 1, (k[1] - 1) * d[1] + 1};
        ConvLowering.PaddingChoice pad = ConvLowering.padding(in, k, s, d, n.getString("auto_pad", "NOTSET"),
                n.getInts("pads", new long[4]));
        long[] pads = pad.needsPadOp() ? pad.pads() : pad.padding() == Padding.SAME ? samePads(in, ek, s) : new long[4];
        long[] out = cx.storedShape(n, n.output(0));
        boolean ceilChanges = false;
        for (int a = 0; a < 2; a++) {
            ceilChanges |= (out[a + 1] - 1) * s[a] + ek[a] > in[a] + pads[a] + pads[a + 2];
        }
        if (max && (ceilChanges || d[0] != 1 || d[1] != 1)) {
            paddedMaxPool(n, cx, xs, out, k, s, d, pads);
            return;
        }
        if (d[0] != 1 || d[1] != 1) {
            throw cx.refuse(n, "dilations " + d[0] + "x" + d[1] + " are not supported for AveragePool; TFLite pools"
                    + " are not dilated");
        }
        boolean countPad = n.getInt("count_include_pad", 0) != 0;
        int input = cx.tensor(n, x);
        byte padding = pad.padding();
        boolean anyPad = pads[0] + pads[1] + pads[2] + pads[3] != 0;
        if (!max && (ceilChanges || anyPad && !countPad && pad.needsPadOp())) {
            paddedAveragePool(n, cx, xs, out, k, s, pads, countPad);
            return;
        }
        if (!max && anyPad && (countPad || pad.needsPadOp())) {
            input = PadLowering.spatialPad(n, cx, input, xs, pads, 0f);
            padding = Padding.VALID;
        } else if (max && pad.needsPadOp()) {
            input = PadLowering.spatialPad(n, cx, input, xs, pads, -Float.MAX_VALUE);
            padding = Padding.VALID;
        }
        emit(n, cx, max, input, padding, k, s);
    }

    /**
     * MaxPool with dilations, or whose ceil_mode adds a partial last window: PADV2 with -FLT_MAX to
     * exactly the rows the windows reach ((out - 1) * s + (k - 1) * d + 1), then, when each dilation
     * d divides its stride, a STRIDED_SLICE of every d-th row (the only rows the windows read) and an
     * undilated VALID MAX_POOL_2D of stride s / d; otherwise the max is taken axis by axis, as
     * MAXIMUMs of k STRIDED_SLICEs (tap f: rows f * d, f * d + s, ...).
     */
    private static void paddedMaxPool(Node n, LoweringContext cx, long[] xs, long[] out, long[] k, long[] s, long[] d,
            long[] pads) {
        long[] end = new long[4];
        long[] padded = pads.clone();
        boolean divides = true;
        for (int a = 0; a < 2; a++) {
            divides &= s[a] % d[a] == 0;
            end[a + 1] = (out[a + 1] - 1) * s[a] + (k[a] - 1) * d[a] + 1;
            padded[a + 2] = Math.max(pads[a + 2], end[a + 1] - xs[a + 1] - pads[a]);
        }
        int input = PadLowering.spatialPad(n, cx, cx.tensor(n, n.input(0)), xs, padded, -Float.MAX_VALUE);
        long[] full = {xs[0], xs[1] + padded[0] + padded[2], xs[2] + padded[1] + padded[3], xs[3]};
        if (!divides) {
            int rows = separableMax(n, cx, input, full, 1, k[0], s[0], d[0], out[1], false);
            full[1] = out[1];
            separableMax(n, cx, rows, full, 2, k[1], s[1], d[1], out[2], true);
            return;
        }
        long[] cut = {xs[0], (end[1] + d[0] - 1) / d[0], (end[2] + d[1] - 1) / d[1], xs[3]};
        if (!java.util.Arrays.equals(cut, full)) {
            input = stridedSlice(n, cx, "rows", input, new long[] {0, 0, 0, 0},
                    new long[] {xs[0], end[1], end[2], xs[3]}, new long[] {1, d[0], d[1], 1}, cut);
        }
        emit(n, cx, true, input, Padding.VALID, k, new long[] {s[0] / d[0], s[1] / d[1]});
    }

    /**
     * AveragePool whose divisor TFLite cannot give directly: pads that are not TF's SAME with
     * count_include_pad=0, or a ceil_mode partial last window. Zero-PAD to every cell the windows
     * reach, VALID AVERAGE_POOL_2D (which divides by kh*kw), then MUL by a constant [1, OH, OW, 1]
     * map of kh*kw / (the divisor ONNX uses at that output): the real cells of the window, or with
     * count_include_pad=1 the cells inside the padded input. A counted window reaching past the
     * padding is refused: onnxruntime versions disagree on its divisor.
     */
    private static void paddedAveragePool(Node n, LoweringContext cx, long[] xs, long[] out, long[] k, long[] s,
            long[] pads, boolean countPad) {
        long[] padded = pads.clone();
        for (int a = 0; a < 2; a++) {
            long end = (out[a + 1] - 1) * s[a] + k[a];
            padded[a + 2] = Math.max(pads[a + 2], end - xs[a + 1] - pads[a]);
            if (countPad && padded[a + 2] > pads[a + 2]) {
                throw cx.refuse(n, "ceil_mode=1 with count_include_pad=1 has a last window past the padding on axis "
                        + (a + 2) + "; onnxruntime 1.22 divides it by the whole kernel, PyTorch and newer onnxruntime"
                        + " by the cells inside the padding, so there is no one answer to match");
            }
        }
        int input = PadLowering.spatialPad(n, cx, cx.tensor(n, n.input(0)), xs, padded, 0f);
        int pooled = cx.scratch(n.name() + "/window_mean", out);
        emit(n, cx, false, input, Padding.VALID, k, s, pooled);
        double[] ratio = new double[(int) (out[1] * out[2])];
        for (int i = 0; i < out[1]; i++) {
            for (int j = 0; j < out[2]; j++) {
                ratio[(int) (i * out[2] + j)] = k[0] * k[1]
                        / (double) (divisor(i, s[0], k[0], pads[0], pads[2], xs[1], countPad)
                        * divisor(j, s[1], k[1], pads[1], pads[3], xs[2], countPad));
            }
        }
        int r = cx.constant(n.name() + "/divisor_ratio", Tensor.of(DType.FLOAT, new long[] {1, out[1], out[2], 1}, ratio));
        cx.builder().addOperator(BuiltinOperator.MUL, new MulOptionsT(), new int[] {pooled, r},
                new int[] {cx.tensor(n, n.output(0))});
    }

    /** How many cells ONNX divides by along one axis for output o (window start o*s - begin). */
    private static long divisor(long o, long s, long k, long begin, long end, long in, boolean countPad) {
        long start = o * s - begin;
        long stop = Math.min(start + k, countPad ? in + end : in);
        return stop - (countPad ? start : Math.max(start, 0));
    }

    /** The max over k taps along one stored axis: MAXIMUM of the slices from f * d with stride s, out long. */
    private static int separableMax(Node n, LoweringContext cx, int in, long[] shape, int axis, long k, long s,
            long d, long out, boolean last) {
        long[] sliced = shape.clone();
        sliced[axis] = out;
        int acc = -1;
        for (int f = 0; f < k; f++) {
            long[] begin = new long[4];
            long[] end = shape.clone();
            long[] stride = {1, 1, 1, 1};
            begin[axis] = f * d;
            end[axis] = f * d + (out - 1) * s + 1;
            stride[axis] = s;
            int tap = stridedSlice(n, cx, "tap" + axis + "_" + f, in, begin, end, stride, sliced);
            if (acc < 0) {
                acc = tap;
                continue;
            }
            int next = last && f == k - 1 ? cx.tensor(n, n.output(0)) : cx.scratch(n.name() + "/max" + axis, sliced);
            cx.builder().addOperator(BuiltinOperator.MAXIMUM, null, new int[] {acc, tap}, new int[] {next});
            acc = next;
        }
        return acc;
    }

    private static int stridedSlice(Node n, LoweringContext cx, String hint, int in, long[] begin, long[] end,
            long[] stride, long[] shape) {
        int out = cx.scratch(n.name() + "/" + hint, shape);
        cx.builder().addOperator(BuiltinOperator.STRIDED_SLICE, new StridedSliceOptionsT(), new int[] {in,
            cx.int32(n.name() + "/" + hint + "_begin", false, begin), cx.int32(n.name() + "/" + hint + "_end", false, end),
            cx.int32(n.name() + "/" + hint + "_strides", false, stride)}, new int[] {out});
        return out;
    }

    private static void emit(Node n, LoweringContext cx, boolean max, int input, byte padding, long[] k, long[] s) {
        emit(n, cx, max, input, padding, k, s, cx.tensor(n, n.output(0)));
    }

    private static void emit(Node n, LoweringContext cx, boolean max, int input, byte padding, long[] k, long[] s,
            int output) {
        Pool2DOptionsT o = new Pool2DOptionsT();
        o.setPadding(padding);
        o.setStrideH((int) s[0]);
        o.setStrideW((int) s[1]);
        o.setFilterHeight((int) k[0]);
        o.setFilterWidth((int) k[1]);
        o.setFusedActivationFunction(ActivationFunctionType.NONE);
        cx.builder().addOperator(max ? BuiltinOperator.MAX_POOL_2D : BuiltinOperator.AVERAGE_POOL_2D, o,
                new int[] {input}, new int[] {output});
    }

    private static long[] samePads(long[] in, long[] k, long[] s) {
        long[] same = new long[4];
        for (int a = 0; a < 2; a++) {
            long out = (in[a] + s[a] - 1) / s[a];
            long total = Math.max((out - 1) * s[a] + k[a] - in[a], 0);
            same[a] = total / 2;
            same[a + 2] = total - total / 2;
        }
        return same;
    }

    static void globalMaxPool(Node n, LoweringContext cx) {
        AxisLowering.reduce(n, cx, BuiltinOperator.REDUCE_MAX, AxisLowering.spatialAxes(n.input(0)), true);
    }
}
