package isptool.backends.quant;

import isptool.backends.layout.LayoutPlan;
import isptool.backends.quant.QModel.Op;
import isptool.backends.tflite.TfliteOpTable;
import isptool.graph.DType;
import isptool.graph.Graph;
import isptool.graph.Tensor;
import java.io.IOException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.tensorflow.lite.schema.BuiltinOperator;
import org.tensorflow.lite.schema.Conv2DOptionsT;
import org.tensorflow.lite.schema.DepthwiseConv2DOptionsT;
import org.tensorflow.lite.schema.Padding;

/**
 * Layer-wise rounding choice (--adaround; the objective of AdaRound, Nagel et al. 2020, searched
 * greedily instead of through its learned soft relaxation): each int8 weight of a CONV_2D,
 * DEPTHWISE_CONV_2D or FULLY_CONNECTED is rounded down or up so that the layer's output on the
 * calibration activations moves as little as possible.
 * Math: for output channel o with float taps w (K of them), scale s and integers q, the output
 * error on an input patch x is e.x with e = s q - w, so its mean square over the N patches is
 * e^T H e, H = X^T X / N. With bias correction the bias takes the mean error e.mu, which leaves
 * e^T (H - mu mu^T) e: the patches' covariance is the objective then. A ridge of DAMPING times
 * the mean diagonal keeps the choice from fitting directions the patches hardly vary in.
 * Search: from round-to-nearest, flip single weights between floor and ceil (inside [-127, 127])
 * while a flip by d = +-s lowers the objective, by 2 d (H e)_j + d^2 H_jj; at most SWEEPS passes.
 * Patches: the layer's input as the float model computes it on the calibration samples, in the
 * stored NHWC layout with TFLite's SAME/VALID padding, strides and dilations; at most MAX_PATCHES
 * output positions per layer, evenly spread. TRANSPOSE_CONV keeps round-to-nearest.
 */
final class AdaRound {
    static final int MAX_PATCHES = 8192;
    private static final int SWEEPS = 20;
    /**
     * Ridge added to the objective's diagonal, as a fraction of its mean: without it the search
     * exploits directions the calibration patches barely vary in (smooth images: neighbouring
     * pixels nearly equal) and loses on other images (unet_small 16x8 on held-out smooth images:
     * -1.9 dB undamped, +1.8 dB at 0.1, +2.4 dB at 1; on its calibration folder +4.9 and +4.7 dB).
     */
    static final double DAMPING = 0.1;

    /** A weighted layer's patch statistics: one Gram matrix and mean per group of output channels. */
    private static final class Layer {
        final Geometry geo;
        final double[][] gram;
        final double[][] sum;
        long count;

        Layer(Geometry geo) {
            this.geo = geo;
            this.gram = new double[geo.groups][geo.k * geo.k];
            this.sum = new double[geo.groups][geo.k];
        }

        /** The objective matrix of group gi: H, or H - mu mu^T. */
        double[] objective(int gi, boolean centered) {
            int k = geo.k;
            double[] h = new double[k * k];
            for (int a = 0; a < k; a++) {
                for (int b = a; b < k; b++) {
                    double v = gram[gi][a * k + b] / count;
                    if (centered) {
                        v -= sum[gi][a] / count * (sum[gi][b] / count);
                    }
                    h[a * k + b] = v;
                    h[b * k + a] = v;
                }
            }
            double diagonal = 0;
            for (int a = 0; a < k; a++) {
                diagonal += h[a * k + a] / k;
            }
            for (int a = 0; a < k; a++) {
                h[a * k + a] += DAMPING * diagonal;
            }
            return h;
        }
    }

    /**
     * Where each weight sits: taps per output channel (k), groups of output channels sharing
     * an input patch, and the convolution's geometry (kh = kw = 1 and no padding for dense layers).
     */
    private record Geometry(int code, int k, int groups, int outChannels, int kh, int kw, int sh, int sw, int dh,
            int dw, boolean same, int inPerGroup) {
        /** The group of input channels output channel o reads. */
        int groupOf(int o) {
            return o / (outChannels / groups);
        }

        /** The flat index of tap j of output channel o in the stored weight tensor. */
        int index(int o, int j) {
            return code == BuiltinOperator.DEPTHWISE_CONV_2D ? j * outChannels + o : o * k + j;
        }
    }

    private final Map<Integer, Layer> layers;
    private final boolean centered;
    private long changed;
    private long total;

    private AdaRound(Map<Integer, Layer> layers, boolean centered) {
        this.layers = layers;
        this.centered = centered;
    }

    /**
     * Runs the float model on every calibration sample and collects the input patches of each
     * integer weighted operator (by source index; float operators skipped).
     */
    static AdaRound collect(QModel m, Graph g, LayoutPlan plan, CalibrationSource calib, Set<Integer> floatOps,
            boolean centered, Progress progress) throws IOException {
        Map<Integer, Layer> layers = new LinkedHashMap<>();
        for (int k = 0; k < m.ops.size(); k++) {
            Geometry geo = floatOps.contains(k) ? null : geometry(m, m.ops.get(k));
            if (geo != null) {
                layers.put(k, new Layer(geo));
            }
        }
        int n = calib.size();
        try (Probe probe = Probe.open(m)) {
            for (int i = 0; i < n; i++) {
                Map<String, Tensor> stored = Probe.toStored(g, plan, calib.sample(i));
                Map<String, Tensor> all = new HashMap<>(stored);
                all.putAll(probe.run(stored));
                for (Map.Entry<Integer, Layer> e : layers.entrySet()) {
                    Op op = m.ops.get(e.getKey());
                    Tensor x = all.get(m.tensor(op.inputs[OpKinds.weighted(op.opName()).data()]).name);
                    Tensor y = all.get(m.tensor(op.outputs[0]).name);
                    if (x != null && y != null) {
                        accumulate(e.getValue(), x, y.shape(), n);
                    }
                }
                progress.update("adaround (patches)", i + 1, n);
            }
        }
        layers.values().removeIf(l -> l.count == 0);
        return new AdaRound(layers, centered);
    }

    /** The geometry of op's weights, or null when the rounding is left to round-to-nearest. */
    private static Geometry geometry(QModel m, Op op) {
        TfliteOpTable.Weighted w = OpKinds.weighted(op.opName());
        if (w == null || !m.tensor(op.inputs[w.weights()]).isFloatConstant()) {
            return null;
        }
        long[] ws = m.tensor(op.inputs[w.weights()]).shape;
        long[] in = m.tensor(op.inputs[w.data()]).shape;
        int c = (int) in[in.length - 1];
        if (op.code == BuiltinOperator.CONV_2D && op.options instanceof Conv2DOptionsT o && ws.length == 4
                && in.length == 4 && c % ws[3] == 0) {
            int kh = (int) ws[1];
            int kw = (int) ws[2];
            int inPerGroup = (int) ws[3];
            return new Geometry(op.code, kh * kw * inPerGroup, c / inPerGroup, (int) ws[0], kh, kw, o.getStrideH(),
                    o.getStrideW(), o.getDilationHFactor(), o.getDilationWFactor(), o.getPadding() == Padding.SAME,
                    inPerGroup);
        }
        if (op.code == BuiltinOperator.DEPTHWISE_CONV_2D && op.options instanceof DepthwiseConv2DOptionsT o
                && ws.length == 4 && in.length == 4 && ws[3] % c == 0) {
            int kh = (int) ws[1];
            int kw = (int) ws[2];
            return new Geometry(op.code, kh * kw, c, (int) ws[3], kh, kw, o.getStrideH(), o.getStrideW(),
                    o.getDilationHFactor(), o.getDilationWFactor(), o.getPadding() == Padding.SAME, 1);
        }
        if (op.code == BuiltinOperator.FULLY_CONNECTED && ws.length == 2 && c == ws[1]) {
            return new Geometry(op.code, (int) ws[1], 1, (int) ws[0], 1, 1, 1, 1, 1, 1, false, (int) ws[1]);
        }
        return null;
    }

    /** Adds the patches behind evenly spread output positions of one sample (out: the output's shape). */
    private static void accumulate(Layer l, Tensor x, long[] out, int samples) {
        Geometry geo = l.geo;
        float[] v = x.toFloats();
        long[] s = x.shape();
        boolean dense = geo.code == BuiltinOperator.FULLY_CONNECTED;
        int c = (int) s[s.length - 1];
        int h = dense ? 1 : (int) s[1];
        int w = dense ? 1 : (int) s[2];
        int oh = dense ? 1 : (int) out[1];
        int ow = dense ? 1 : (int) out[2];
        int positions = dense ? v.length / c : (int) s[0] * oh * ow;
        int step = Math.max(1, (int) Math.ceil((double) positions * samples / MAX_PATCHES));
        int padTop = geo.same ? Math.max(0, (oh - 1) * geo.sh + (geo.kh - 1) * geo.dh + 1 - h) / 2 : 0;
        int padLeft = geo.same ? Math.max(0, (ow - 1) * geo.sw + (geo.kw - 1) * geo.dw + 1 - w) / 2 : 0;
        double[] patch = new double[geo.k];
        for (int p = 0; p < positions; p += step) {
            int n = p / (oh * ow);
            int oy = (p / ow) % oh;
            int ox = p % ow;
            for (int gi = 0; gi < geo.groups; gi++) {
                for (int ky = 0; ky < geo.kh; ky++) {
                    int iy = oy * geo.sh + ky * geo.dh - padTop;
                    for (int kx = 0; kx < geo.kw; kx++) {
                        int ix = ox * geo.sw + kx * geo.dw - padLeft;
                        boolean inside = iy >= 0 && iy < h && ix >= 0 && ix < w;
                        int base = ((n * h + iy) * w + ix) * c + gi * geo.inPerGroup;
                        for (int ci = 0; ci < geo.inPerGroup; ci++) {
                            patch[(ky * geo.kw + kx) * geo.inPerGroup + ci] = inside ? v[base + ci] : 0;
                        }
                    }
                }
                addOuter(l.gram[gi], l.sum[gi], patch);
            }
            l.count++;
        }
    }

    /** gram += patch patch^T (upper triangle), sum += patch. */
    private static void addOuter(double[] gram, double[] sum, double[] patch) {
        int k = patch.length;
        for (int a = 0; a < k; a++) {
            double pa = patch[a];
            sum[a] += pa;
            if (pa == 0) {
                continue;
            }
            int row = a * k;
            for (int b = a; b < k; b++) {
                gram[row + b] += pa * patch[b];
            }
        }
    }

    boolean covers(int op) {
        return layers.containsKey(op);
    }

    /** The int8 weights of source operator op with per-channel scales, each rounded down or up. */
    Tensor round(int op, Tensor weights, float[] scales) {
        Layer l = layers.get(op);
        Geometry geo = l.geo;
        int k = geo.k;
        long[] q = new long[weights.elementCount()];
        Map<Integer, double[]> objectives = new HashMap<>();
        double[] w = new double[k];
        long[] qo = new long[k];
        for (int o = 0; o < geo.outChannels; o++) {
            double s = scales[o];
            for (int j = 0; j < k; j++) {
                w[j] = weights.getDouble(geo.index(o, j));
                qo[j] = clamp(Math.round(w[j] / s));
            }
            double[] h = objectives.computeIfAbsent(geo.groupOf(o), gi -> l.objective(gi, centered));
            changed += search(h, w, s, qo);
            total += k;
            for (int j = 0; j < k; j++) {
                q[geo.index(o, j)] = qo[j];
            }
        }
        return Tensor.ofIntegers(DType.INT8, weights.shape(), q);
    }

    /** Greedy single flips between floor and ceil from round-to-nearest; returns how many weights moved. */
    private static int search(double[] h, double[] w, double s, long[] q) {
        int k = w.length;
        long[] start = q.clone();
        double[] e = new double[k];
        for (int j = 0; j < k; j++) {
            e[j] = s * q[j] - w[j];
        }
        double[] grad = new double[k]; // H e
        for (int a = 0; a < k; a++) {
            double acc = 0;
            for (int b = 0; b < k; b++) {
                acc += h[a * k + b] * e[b];
            }
            grad[a] = acc;
        }
        for (int sweep = 0; sweep < SWEEPS; sweep++) {
            boolean flipped = false;
            for (int j = 0; j < k; j++) {
                long floor = (long) Math.floor(w[j] / s);
                long alt = clamp(q[j] == floor ? floor + 1 : floor);
                if (alt == q[j]) {
                    continue;
                }
                double d = s * (alt - q[j]);
                double gain = 2 * d * grad[j] + d * d * h[j * k + j];
                if (gain < -1e-12 * Math.abs(d * d * h[j * k + j])) {
                    q[j] = alt;
                    for (int a = 0; a < k; a++) {
                        grad[a] += d * h[a * k + j];
                    }
                    flipped = true;
                }
            }
            if (!flipped) {
                break;
            }
        }
        int moved = 0;
        for (int j = 0; j < k; j++) {
            moved += q[j] != start[j] ? 1 : 0;
        }
        return moved;
    }

    private static long clamp(long v) {
        return Math.max(-127, Math.min(127, v));
    }

    /** For the report: layers covered and the share of their weights rounded away from nearest. */
    Map<String, Object> summary() {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("layers", layers.size());
        r.put("weights", total);
        r.put("rounded_away_from_nearest", changed);
        return r;
    }
}
