package isptool.graph.shapes;

import isptool.graph.DType;
import java.util.ArrayList;
import java.util.List;

/** Element-wise ops: unary (same type and shape), broadcasting binaries and variadics, normalizations. */
final class ElementwiseShapes {
    private ElementwiseShapes() {
    }

    /** Output 0 has the type and shape of input 0 (Relu, Softmax, Clip, Identity...). */
    static void unary(InferContext c) {
        c.passThrough(0, 0);
    }

    /** Same shape as input 0, bool elements (Not, IsNaN, IsInf). */
    static void unaryBool(InferContext c) {
        c.set(0, DType.BOOL, c.dims(0));
    }

    static void cast(InferContext c) {
        DType to = DType.fromOnnx((int) c.node.getInt("to", 0));
        c.set(0, to, c.dims(0));
    }

    static void castLike(InferContext c) {
        c.set(0, c.dtype(1), c.dims(0));
    }

    static void eyeLike(InferContext c) {
        DType to = c.node.has("dtype") ? DType.fromOnnx((int) c.node.getInt("dtype", 1)) : c.dtype(0);
        c.set(0, to, c.dims(0));
    }

    /** Dropout: output as input; mask is bool from opset 10 on, the input type before. */
    static void dropout(InferContext c) {
        c.passThrough(0, 0);
        c.set(1, c.opset() >= 10 ? DType.BOOL : c.dtype(0), c.dims(0));
    }

    /** Add, Mul, Pow...: numpy broadcasting; the legacy (opset < 7) broadcast=1 form keeps A's shape. */
    static void arithmetic(InferContext c) {
        c.set(0, c.dtype(0), broadcastInputs(c));
    }

    /** Equal, Less, And...: broadcasting, bool result. */
    static void comparison(InferContext c) {
        c.set(0, DType.BOOL, broadcastInputs(c));
    }

    /** Where(cond, x, y): three-way broadcasting, the type of x. */
    static void where(InferContext c) {
        c.set(0, c.dtype(1) != null ? c.dtype(1) : c.dtype(2), broadcastInputs(c));
    }

    /**
     * PRelu: the slope broadcasts onto X (unidirectionally), so the output is X. Opset 6
     * exporters wrote a per-channel slope of shape [C], which is accepted too.
     */
    static void prelu(InferContext c) {
        List<Dim> x = c.dims(0);
        List<Dim> slope = c.dims(1);
        if (x != null && slope != null && !Broadcasting.unidirectional(x, slope)) {
            boolean legacyChannel = slope.size() == 1 && x.size() >= 2 && slope.get(0).sameAs(x.get(1));
            if (!legacyChannel) {
                throw c.fail("slope " + Dim.format(slope) + " does not broadcast to the input " + Dim.format(x));
            }
        }
        c.passThrough(0, 0);
    }

    private static List<Dim> broadcastInputs(InferContext c) {
        if (c.node.getInt("broadcast", 0) != 0 && c.opset() < 7) {
            return legacyBroadcast(c);
        }
        List<Dim> r = null;
        for (int i = 0; i < c.inputCount(); i++) {
            if (!c.has(i)) {
                continue;
            }
            List<Dim> d = c.dims(i);
            if (d == null) {
                return null;
            }
            List<Dim> next = r == null ? d : Broadcasting.dims(r, d);
            if (next == null) {
                throw c.fail(describeInputs(c) + " do not broadcast (sizes must match or be 1, aligned on the last axis)");
            }
            r = next;
        }
        return r;
    }

    /** Opset < 7 "broadcast=1": B is matched to A's axes starting at axis (default: A's last axes). */
    private static List<Dim> legacyBroadcast(InferContext c) {
        List<Dim> a = c.dims(0);
        List<Dim> b = c.dims(1);
        if (a == null || b == null) {
            return a;
        }
        long axis = c.node.getInt("axis", a.size() - b.size());
        if (b.size() > a.size() || axis < 0 || axis + b.size() > a.size()) {
            throw c.fail("B " + Dim.format(b) + " does not fit into A " + Dim.format(a) + " at axis " + axis);
        }
        for (int i = 0; i < b.size(); i++) {
            Dim da = a.get((int) axis + i);
            Dim db = b.get(i);
            if (da.known() && db.known() && db.size() != 1 && db.size() != da.size()) {
                throw c.fail("B " + Dim.format(b) + " does not broadcast onto A " + Dim.format(a) + " at axis " + axis);
            }
        }
        return a;
    }

    private static String describeInputs(InferContext c) {
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < c.inputCount(); i++) {
            if (c.has(i)) {
                parts.add(Dim.format(c.dims(i)));
            }
        }
        return "input shapes " + String.join(", ", parts);
    }

    /** BatchNormalization: Y as X; scale/bias/mean/var must have X's channel count. */
    static void batchNorm(InferContext c) {
        List<Dim> x = c.dims(0);
        Dim channels = x != null && x.size() >= 2 ? x.get(1) : Dim.UNKNOWN;
        for (int i = 1; i <= 4; i++) {
            checkChannels(c, i, channels, new String[] {"", "scale", "bias", "mean", "var"}[i]);
        }
        c.passThrough(0, 0);
        // training outputs (running or saved mean/var) are per channel
        for (int o = 1; o < c.outputCount(); o++) {
            c.set(o, c.dtype(3) != null ? c.dtype(3) : c.dtype(0), List.of(channels));
        }
    }

    static void instanceNorm(InferContext c) {
        List<Dim> x = c.dims(0);
        Dim channels = x != null && x.size() >= 2 ? x.get(1) : Dim.UNKNOWN;
        checkChannels(c, 1, channels, "scale");
        checkChannels(c, 2, channels, "bias");
        c.passThrough(0, 0);
    }

    private static void checkChannels(InferContext c, int input, Dim channels, String what) {
        List<Dim> d = c.dims(input);
        if (d == null || !channels.known()) {
            return;
        }
        if (d.size() != 1 || d.get(0).known() && d.get(0).size() != channels.size()) {
            throw c.fail(what + " has shape " + Dim.format(d) + " but the input has " + channels.size() + " channels");
        }
    }

    /** LayerNormalization: Y as X; Mean and InvStdDev keep the leading axes and have 1 from axis on. */
    static void layerNorm(InferContext c) {
        c.passThrough(0, 0);
        List<Dim> x = c.dims(0);
        if (x == null || c.outputCount() < 2) {
            return;
        }
        int axis = c.axis(c.node.getInt("axis", -1), x.size(), "axis");
        List<Dim> stats = new ArrayList<>(x);
        for (int i = axis; i < stats.size(); i++) {
            stats.set(i, Dim.of(1));
        }
        DType stash = DType.fromOnnx((int) c.node.getInt("stash_type", 1));
        c.set(1, stash, stats);
        c.set(2, stash, stats);
    }

    /** QuantizeLinear: X's shape in the zero point's type (uint8 when it is omitted). */
    static void quantize(InferContext c) {
        long outputDtype = c.node.getInt("output_dtype", 0); // opset 21; 0 means unset
        DType t = c.dtype(2) != null ? c.dtype(2) : outputDtype != 0 ? DType.fromOnnx((int) outputDtype) : DType.UINT8;
        c.set(0, t, c.dims(0));
    }

    /** DequantizeLinear: X's shape in the scale's type. */
    static void dequantize(InferContext c) {
        c.set(0, c.dtype(1) != null ? c.dtype(1) : DType.FLOAT, c.dims(0));
    }
}
