package isptool.graph.shapes;

import isptool.graph.DType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Convolutions and pooling over N-D spatial axes ([N, C, D1..Dk]). Per spatial axis, with
 * effective kernel e = (k - 1) * dilation + 1:
 * <pre>
 *   explicit pads (NOTSET): out = floor((in + padBegin + padEnd - e) / stride) + 1   (ceil for ceil_mode)
 *   SAME_UPPER/SAME_LOWER:  out = ceil(in / stride)
 *   VALID:                  out = floor((in - e) / stride) + 1
 *   ConvTranspose:          out = stride * (in - 1) + output_padding + e - padBegin - padEnd
 * </pre>
 */
final class ConvShapes {
    private ConvShapes() {
    }

    /** The per-node window attributes, with ONNX defaults filled in. */
    private record Window(long[] kernel, long[] strides, long[] dilations, long[] pads, String autoPad, boolean ceil) {
        static Window of(InferContext c, long[] kernel) {
            int k = kernel.length;
            long[] strides = c.node.getInts("strides", ones(k));
            long[] dilations = c.node.getInts("dilations", ones(k));
            long[] pads = c.node.getInts("pads", new long[2 * k]);
            if (strides.length != k || dilations.length != k || pads.length != 2 * k) {
                throw c.fail("kernel of " + k + " spatial axes but strides " + Arrays.toString(strides)
                        + ", dilations " + Arrays.toString(dilations) + ", pads " + Arrays.toString(pads));
            }
            for (int i = 0; i < k; i++) {
                if (strides[i] <= 0 || dilations[i] <= 0 || kernel[i] <= 0) {
                    throw c.fail("kernel, strides and dilations must be positive");
                }
            }
            String autoPad = c.node.getString("auto_pad", "NOTSET");
            return new Window(kernel, strides, dilations, pads, autoPad, c.node.getInt("ceil_mode", 0) != 0);
        }

        long effective(int i) {
            return (kernel[i] - 1) * dilations[i] + 1;
        }
    }

    private static long[] ones(int n) {
        long[] r = new long[n];
        Arrays.fill(r, 1);
        return r;
    }

    static void conv(InferContext c) {
        List<Dim> x = c.dims(0);
        List<Dim> w = c.dims(1);
        long group = c.node.getInt("group", 1);
        checkRanks(c, x, w);
        Dim outChannels = w != null ? w.get(0) : Dim.UNKNOWN;
        if (x != null && w != null && x.get(1).known() && w.get(1).known() && x.get(1).size() != w.get(1).size() * group) {
            throw c.fail("input has " + x.get(1) + " channels but the weight " + Dim.format(w) + " expects "
                    + w.get(1).size() * group + " (group " + group + ")");
        }
        if (outChannels.known() && (group <= 0 || outChannels.size() % group != 0)) {
            throw c.fail("weight has " + outChannels + " output channels, not a multiple of group " + group);
        }
        checkBias(c, outChannels);
        long[] kernel = kernelShape(c, w);
        if (x == null || kernel == null) {
            int rank = x != null ? x.size() : w != null ? w.size() : -1;
            c.set(0, c.dtype(0), rank < 0 ? null : withChannels(x, Dim.UNKNOWN, outChannels, Dim.unknown(rank - 2)));
            return;
        }
        Window win = Window.of(c, kernel);
        checkSpatialRank(c, x, kernel);
        List<Dim> spatial = new ArrayList<>();
        for (int i = 0; i < kernel.length; i++) {
            spatial.add(forward(c, x.get(i + 2), win, i));
        }
        c.set(0, c.dtype(0), withChannels(x, x.get(0), outChannels, spatial));
    }

    static void convTranspose(InferContext c) {
        List<Dim> x = c.dims(0);
        List<Dim> w = c.dims(1);
        long group = c.node.getInt("group", 1);
        checkRanks(c, x, w);
        if (x != null && w != null && x.get(1).known() && w.get(0).known() && x.get(1).size() != w.get(0).size()) {
            throw c.fail("input has " + x.get(1) + " channels but the weight " + Dim.format(w) + " expects " + w.get(0));
        }
        Dim outChannels = w != null ? w.get(1).map(m -> m * group) : Dim.UNKNOWN;
        checkBias(c, outChannels);
        long[] kernel = kernelShape(c, w);
        if (x == null || kernel == null) {
            int rank = x != null ? x.size() : w != null ? w.size() : -1;
            c.set(0, c.dtype(0), rank < 0 ? null : withChannels(x, Dim.UNKNOWN, outChannels, Dim.unknown(rank - 2)));
            return;
        }
        checkSpatialRank(c, x, kernel);
        Window win = Window.of(c, kernel);
        int k = kernel.length;
        long[] outputShape = c.node.getInts("output_shape", null);
        long[] outputPadding = c.node.getInts("output_padding", new long[k]);
        List<Dim> spatial = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            final int axis = i;
            if (outputShape != null) {
                // output_shape is spatial; some exporters wrote the full [N, C, ...] shape
                spatial.add(Dim.of(outputShape[outputShape.length - k + i]));
            } else if (win.autoPad.startsWith("SAME")) {
                spatial.add(x.get(i + 2).map(in -> in * win.strides[axis]));
            } else {
                long pads = win.autoPad.equals("VALID") ? 0 : win.pads[i] + win.pads[i + k];
                long extra = outputPadding.length == k ? outputPadding[i] : 0;
                Dim d = x.get(i + 2).map(in -> win.strides[axis] * (in - 1) + extra + win.effective(axis) - pads);
                if (d.known() && d.size() <= 0) {
                    throw c.fail("output size " + d + " on spatial axis " + i + " is not positive");
                }
                spatial.add(d);
            }
        }
        c.set(0, c.dtype(0), withChannels(x, x.get(0), outChannels, spatial));
    }

    /** MaxPool, AveragePool, LpPool: channels kept, spatial axes windowed; MaxPool indices are int64. */
    static void pool(InferContext c) {
        List<Dim> x = c.dims(0);
        long[] kernel = c.node.getInts("kernel_shape", null);
        if (kernel == null) {
            throw c.fail("has no kernel_shape attribute");
        }
        if (x == null) {
            c.set(0, c.dtype(0), Dim.unknown(kernel.length + 2));
            c.set(1, DType.INT64, Dim.unknown(kernel.length + 2));
            return;
        }
        checkSpatialRank(c, x, kernel);
        Window win = Window.of(c, kernel);
        List<Dim> spatial = new ArrayList<>();
        for (int i = 0; i < kernel.length; i++) {
            spatial.add(forward(c, x.get(i + 2), win, i));
        }
        List<Dim> out = withChannels(x, x.get(0), x.get(1), spatial);
        c.set(0, c.dtype(0), out);
        c.set(1, DType.INT64, out);
    }

    /** GlobalAveragePool, GlobalMaxPool, GlobalLpPool: every spatial axis becomes 1. */
    static void globalPool(InferContext c) {
        List<Dim> x = c.dims(0);
        if (x == null) {
            c.set(0, c.dtype(0), (List<Dim>) null);
            return;
        }
        List<Dim> out = new ArrayList<>(x);
        for (int i = 2; i < out.size(); i++) {
            out.set(i, Dim.of(1));
        }
        c.set(0, c.dtype(0), out);
    }

    private static Dim forward(InferContext c, Dim in, Window w, int i) {
        long s = w.strides[i];
        long e = w.effective(i);
        if (!in.known()) {
            // stride 1 with "same" padding keeps even an unknown size (and its symbol)
            long pads = w.autoPad.startsWith("SAME") ? e - 1 : w.autoPad.equals("VALID") ? 0 : w.pads[i] + w.pads[i + w.kernel.length];
            return s == 1 && pads == e - 1 ? in : Dim.UNKNOWN;
        }
        long out;
        switch (w.autoPad) {
            case "SAME_UPPER", "SAME_LOWER" -> out = Math.floorDiv(in.size() + s - 1, s);
            case "VALID" -> out = in.size() < e ? 0 : (in.size() - e) / s + 1;
            case "NOTSET", "" -> {
                long padBegin = w.pads[i];
                long span = in.size() + padBegin + w.pads[i + w.kernel.length] - e;
                if (span < 0) {
                    out = 0;
                } else if (w.ceil) {
                    out = Math.floorDiv(span + s - 1, s) + 1;
                    // a last window starting in the end padding is dropped (PyTorch, onnxruntime)
                    if ((out - 1) * s >= in.size() + padBegin) {
                        out--;
                    }
                } else {
                    out = span / s + 1;
                }
            }
            default -> throw c.fail("auto_pad \"" + w.autoPad + "\" is not one of NOTSET, SAME_UPPER, SAME_LOWER, VALID");
        }
        if (out <= 0) {
            throw c.fail("the window (kernel " + w.kernel[i] + ", dilation " + w.dilations[i] + ") is larger than the padded input ("
                    + in + " on spatial axis " + i + ")");
        }
        return Dim.of(out);
    }

    private static long[] kernelShape(InferContext c, List<Dim> w) {
        long[] k = c.node.getInts("kernel_shape", null);
        if (k != null) {
            if (w != null) {
                for (int i = 0; i < k.length && i + 2 < w.size(); i++) {
                    if (w.get(i + 2).known() && w.get(i + 2).size() != k[i]) {
                        throw c.fail("kernel_shape " + Arrays.toString(k) + " does not match the weight " + Dim.format(w));
                    }
                }
            }
            return k;
        }
        if (w == null) {
            return null;
        }
        long[] r = new long[w.size() - 2];
        for (int i = 0; i < r.length; i++) {
            if (!w.get(i + 2).known()) {
                return null;
            }
            r[i] = w.get(i + 2).size();
        }
        return r;
    }

    private static void checkSpatialRank(InferContext c, List<Dim> x, long[] kernel) {
        if (x.size() != kernel.length + 2) {
            throw c.fail("input " + Dim.format(x) + " has " + (x.size() - 2) + " spatial axes but the kernel has "
                    + kernel.length);
        }
    }

    /** Input [N, C, D1..Dk] and weight [M, C/group, k1..kk] (ConvTranspose: [C, M/group, ...]), k >= 1. */
    private static void checkRanks(InferContext c, List<Dim> x, List<Dim> w) {
        if (!c.has(0) || !c.has(1)) {
            throw c.fail("has no " + (c.has(0) ? "weight (input 1)" : "data input (input 0)")
                    + ", but a convolution needs both");
        }
        for (int i = 0; w != null && i < w.size(); i++) {
            if (w.get(i).known() && w.get(i).size() == 0) {
                throw c.fail("weight " + Dim.format(w) + " has size 0 on axis " + i + " (" + (i < 2 ? "no channels"
                        : "an empty kernel") + "), so the convolution computes nothing");
            }
        }
        if (x != null && x.size() < 3 || w != null && w.size() < 3) {
            throw c.fail("input " + Dim.format(x) + " and weight " + Dim.format(w) + " need rank 3 or more ([N, C, spatial...])");
        }
        if (x != null && w != null && x.size() != w.size()) {
            throw c.fail("input " + Dim.format(x) + " and weight " + Dim.format(w) + " differ in rank");
        }
    }

    private static void checkBias(InferContext c, Dim outChannels) {
        List<Dim> b = c.dims(2);
        if (b == null || !outChannels.known()) {
            return;
        }
        if (b.size() != 1 || b.get(0).known() && b.get(0).size() != outChannels.size()) {
            throw c.fail("bias has shape " + Dim.format(b) + " but the weight gives " + outChannels + " output channels");
        }
    }

    private static List<Dim> withChannels(List<Dim> x, Dim batch, Dim channels, List<Dim> spatial) {
        List<Dim> out = new ArrayList<>();
        out.add(x != null ? batch : Dim.UNKNOWN);
        out.add(channels);
        out.addAll(spatial);
        return out;
    }
}
