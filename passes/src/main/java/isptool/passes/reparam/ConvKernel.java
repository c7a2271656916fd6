package isptool.passes.reparam;

import isptool.graph.DType;
import isptool.graph.Graph;
import isptool.graph.Node;
import isptool.graph.Shape;
import isptool.graph.Tensor;
import isptool.graph.Value;
import java.util.List;

/**
 * A 2-D convolution held in double precision: weights OIHW (I per group), bias, stride, dilation,
 * padding and groups. All folding arithmetic is written as operations on this class; results are
 * rounded to float32 only when written back with {@link #emit}.
 */
public final class ConvKernel {
    final int out;
    final int inPerGroup;
    final int group;
    final int kh;
    final int kw;
    final double[] w;
    final double[] bias;
    final int sh;
    final int sw;
    final int dh;
    final int dw;
    /** Padding: top, left, bottom, right. */
    final int[] pads;

    ConvKernel(int out, int inPerGroup, int group, int kh, int kw, double[] w, double[] bias,
               int sh, int sw, int dh, int dw, int[] pads) {
        this.out = out;
        this.inPerGroup = inPerGroup;
        this.group = group;
        this.kh = kh;
        this.kw = kw;
        this.w = w;
        this.bias = bias;
        this.sh = sh;
        this.sw = sw;
        this.dh = dh;
        this.dw = dw;
        this.pads = pads;
    }

    public int outChannels() {
        return out;
    }

    public int inChannels() {
        return inPerGroup * group;
    }

    public boolean isPointwise() {
        return kh == 1 && kw == 1 && sh == 1 && sw == 1 && pads[0] == 0 && pads[1] == 0 && pads[2] == 0 && pads[3] == 0;
    }

    /** Multiply-adds per output pixel: out channels x input channels per group x kernel taps. */
    public long macsPerPixel() {
        return (long) out * inPerGroup * kh * kw;
    }

    public boolean hasPadding() {
        return pads[0] != 0 || pads[1] != 0 || pads[2] != 0 || pads[3] != 0;
    }

    public boolean hasBias() {
        for (double b : bias) {
            if (b != 0) {
                return true;
            }
        }
        return false;
    }

    /** Largest |weight| of each output channel. */
    public double[] outputRanges() {
        int per = inPerGroup * kh * kw;
        double[] r = new double[out];
        for (int e = 0; e < w.length; e++) {
            r[e / per] = Math.max(r[e / per], Math.abs(w[e]));
        }
        return r;
    }

    /** Largest |weight| reading each input channel (over every output channel of its group). */
    public double[] inputRanges() {
        int outPerGroup = out / group;
        double[] r = new double[inChannels()];
        for (int e = 0; e < w.length; e++) {
            int o = e / (inPerGroup * kh * kw);
            int i = (o / outPerGroup) * inPerGroup + (e / (kh * kw)) % inPerGroup;
            r[i] = Math.max(r[i], Math.abs(w[e]));
        }
        return r;
    }

    /** The weights, OIHW, rounded to float32. */
    public Tensor weightTensor() {
        return Tensor.of(DType.FLOAT, new long[] {out, inPerGroup, kh, kw}, w);
    }

    /** The bias, rounded to float32. */
    public Tensor biasTensor() {
        return Tensor.of(DType.FLOAT, new long[] {out}, bias);
    }

    double weight(int o, int i, int y, int x) {
        return w[((o * inPerGroup + i) * kh + y) * kw + x];
    }

    /**
     * Reads a Conv node whose weights (and bias, if any) are constant. Returns null for anything
     * else: non-constant weights, 1-D/3-D convolutions, or auto_pad SAME without a known input size.
     */
    public static ConvKernel of(Node conv) {
        if (!conv.is("Conv") || conv.inputs().size() < 2) {
            return null;
        }
        Tensor wt = Graph.constant(conv.input(1));
        if (wt == null || wt.rank() != 4 || !wt.dtype().isFloatingPoint()) {
            return null;
        }
        Value b = conv.input(2);
        Tensor bt = b == null ? null : Graph.constant(b);
        if (b != null && bt == null) {
            return null;
        }
        int out = (int) wt.dim(0);
        int ipg = (int) wt.dim(1);
        int kh = (int) wt.dim(2);
        int kw = (int) wt.dim(3);
        long[] strides = conv.getInts("strides", new long[] {1, 1});
        long[] dil = conv.getInts("dilations", new long[] {1, 1});
        int group = (int) conv.getInt("group", 1);
        int[] pads = padsOf(conv, kh, kw, (int) strides[0], (int) strides[1], (int) dil[0], (int) dil[1]);
        if (pads == null || strides.length != 2 || dil.length != 2) {
            return null;
        }
        double[] bias = bt == null ? new double[out] : bt.toDoubles();
        return new ConvKernel(out, ipg, group, kh, kw, wt.toDoubles(), bias, (int) strides[0], (int) strides[1],
                (int) dil[0], (int) dil[1], pads);
    }

    private static int[] padsOf(Node conv, int kh, int kw, int sh, int sw, int dh, int dw) {
        String auto = conv.getString("auto_pad", "NOTSET");
        switch (auto) {
            case "NOTSET": {
                long[] p = conv.getInts("pads", new long[] {0, 0, 0, 0});
                return p.length == 4 ? new int[] {(int) p[0], (int) p[1], (int) p[2], (int) p[3]} : null;
            }
            case "VALID":
                return new int[4];
            case "SAME_UPPER":
            case "SAME_LOWER": {
                Shape s = conv.input(0).shape();
                if (s == null || s.rank() != 4 || s.dim(2) < 0 || s.dim(3) < 0) {
                    return null;
                }
                int[] th = samePad(s.dim(2), kh, sh, dh, auto.equals("SAME_UPPER"));
                int[] tw = samePad(s.dim(3), kw, sw, dw, auto.equals("SAME_UPPER"));
                return new int[] {th[0], tw[0], th[1], tw[1]};
            }
            default:
                return null;
        }
    }

    private static int[] samePad(long in, int k, int s, int d, boolean upper) {
        long outSize = (in + s - 1) / s;
        int total = (int) Math.max(0, (outSize - 1) * s + (long) (k - 1) * d + 1 - in);
        int small = total / 2;
        return upper ? new int[] {small, total - small} : new int[] {total - small, small};
    }

    /** The identity map on channels as a 1x1 kernel with the given groups. */
    public static ConvKernel identity(int channels, int group) {
        int ipg = channels / group;
        double[] w = new double[channels * ipg];
        for (int o = 0; o < channels; o++) {
            w[o * ipg + o % ipg] = 1;
        }
        return new ConvKernel(channels, ipg, group, 1, 1, w, new double[channels], 1, 1, 1, 1, new int[4]);
    }

    /** A per-channel affine map y = s*x + b as a depthwise 1x1 kernel. */
    public static ConvKernel channelAffine(double[] scale, double[] shift) {
        int c = scale.length;
        return new ConvKernel(c, 1, c, 1, 1, scale.clone(), shift.clone(), 1, 1, 1, 1, new int[4]);
    }

    /** kxk average pooling over each channel (divisor k*k) as a depthwise kernel. */
    public static ConvKernel averagePool(int channels, int kh, int kw, int sh, int sw, int[] pads) {
        double[] w = new double[channels * kh * kw];
        java.util.Arrays.fill(w, 1.0 / (kh * kw));
        return new ConvKernel(channels, 1, channels, kh, kw, w, new double[channels], sh, sw, 1, 1, pads.clone());
    }

    // ---- per-channel affine maps ----

    /** y = conv(x) * s[o] + t[o]: scales weights and bias per output channel, then shifts. */
    public ConvKernel affineOutput(double[] s, double[] t) {
        int per = inPerGroup * kh * kw;
        double[] nw = new double[w.length];
        double[] nb = new double[out];
        for (int o = 0; o < out; o++) {
            for (int j = 0; j < per; j++) {
                nw[o * per + j] = w[o * per + j] * s[o];
            }
            nb[o] = bias[o] * s[o] + t[o];
        }
        return new ConvKernel(out, inPerGroup, group, kh, kw, nw, nb, sh, sw, dh, dw, pads);
    }

    /** conv(x * s[i]) for a per-input-channel scale (exact: zero padding stays zero). */
    public ConvKernel scaleInputs(double[] s) {
        int outPerGroup = out / group;
        double[] nw = w.clone();
        for (int o = 0; o < out; o++) {
            int g = o / outPerGroup;
            for (int i = 0; i < inPerGroup; i++) {
                double f = s[g * inPerGroup + i];
                int base = (o * inPerGroup + i) * kh * kw;
                for (int j = 0; j < kh * kw; j++) {
                    nw[base + j] *= f;
                }
            }
        }
        return new ConvKernel(out, inPerGroup, group, kh, kw, nw, bias.clone(), sh, sw, dh, dw, pads);
    }

    public ConvKernel withBias(double[] b) {
        return new ConvKernel(out, inPerGroup, group, kh, kw, w, b.clone(), sh, sw, dh, dw, pads);
    }

    public ConvKernel withPads(int[] p) {
        return new ConvKernel(out, inPerGroup, group, kh, kw, w, bias, sh, sw, dh, dw, p.clone());
    }

    /** sum over taps and input channels of W[o, t, y, x] * v[t]: the response to a constant input v. */
    public double[] responseToConstant(double[] v) {
        int outPerGroup = out / group;
        double[] r = new double[out];
        for (int o = 0; o < out; o++) {
            int g = o / outPerGroup;
            double acc = 0;
            for (int i = 0; i < inPerGroup; i++) {
                double vi = v[g * inPerGroup + i];
                int base = (o * inPerGroup + i) * kh * kw;
                for (int j = 0; j < kh * kw; j++) {
                    acc += w[base + j] * vi;
                }
            }
            r[o] = acc;
        }
        return r;
    }

    // ---- shape changes that keep the function ----

    /** The same conv with dilation 1: zeros inserted between taps (size d(k-1)+1). */
    public ConvKernel undilated() {
        if (dh == 1 && dw == 1) {
            return this;
        }
        int nkh = dh * (kh - 1) + 1;
        int nkw = dw * (kw - 1) + 1;
        double[] nw = new double[out * inPerGroup * nkh * nkw];
        for (int oi = 0; oi < out * inPerGroup; oi++) {
            for (int y = 0; y < kh; y++) {
                for (int x = 0; x < kw; x++) {
                    nw[(oi * nkh + y * dh) * nkw + x * dw] = w[(oi * kh + y) * kw + x];
                }
            }
        }
        return new ConvKernel(out, inPerGroup, group, nkh, nkw, nw, bias, sh, sw, 1, 1, pads);
    }

    /** The same conv expressed with fewer groups (newGroup must divide group): zero blocks added. */
    public ConvKernel regrouped(int newGroup) {
        if (newGroup == group) {
            return this;
        }
        int factor = group / newGroup;
        int nipg = inPerGroup * factor;
        int outPerGroup = out / group;
        int taps = kh * kw;
        double[] nw = new double[out * nipg * taps];
        for (int o = 0; o < out; o++) {
            int g = o / outPerGroup;
            int offset = (g % factor) * inPerGroup;
            for (int i = 0; i < inPerGroup; i++) {
                System.arraycopy(w, (o * inPerGroup + i) * taps, nw, (o * nipg + offset + i) * taps, taps);
            }
        }
        return new ConvKernel(out, nipg, newGroup, kh, kw, nw, bias, sh, sw, dh, dw, pads);
    }

    /**
     * The same conv inside a larger kernel window: top/left zero taps added (in taps, so pixels are
     * taps times the dilation) and the pads grown to match.
     */
    ConvKernel embedded(int top, int left, int nkh, int nkw) {
        if (top == 0 && left == 0 && nkh == kh && nkw == kw) {
            return this;
        }
        double[] nw = new double[out * inPerGroup * nkh * nkw];
        for (int oi = 0; oi < out * inPerGroup; oi++) {
            for (int y = 0; y < kh; y++) {
                System.arraycopy(w, (oi * kh + y) * kw, nw, (oi * nkh + y + top) * nkw + left, kw);
            }
        }
        int[] np = {pads[0] + top * dh, pads[1] + left * dw, pads[2] + (nkh - kh - top) * dh,
                pads[3] + (nkw - kw - left) * dw};
        return new ConvKernel(out, inPerGroup, group, nkh, nkw, nw, bias, sh, sw, dh, dw, np);
    }

    // ---- combining convolutions ----

    static int gcd(int a, int b) {
        return b == 0 ? a : gcd(b, a % b);
    }

    /**
     * Brings convs that read the same input onto one frame: same groups (their gcd), same dilation
     * (dense if they differ) and one kernel window with the same padding, each branch centred where
     * its own padding put it. Returns null (with why in reason[0]) if strides differ or the branches
     * do not line up (their outputs would be shifted against each other).
     */
    static ConvKernel[] align(List<ConvKernel> convs, String[] reason) {
        ConvKernel first = convs.get(0);
        int g = first.group;
        boolean sameDil = true;
        for (ConvKernel k : convs) {
            if (k.sh != first.sh || k.sw != first.sw) {
                reason[0] = "branches have different strides";
                return null;
            }
            if (k.inChannels() != first.inChannels()) {
                reason[0] = "branches read different channel counts";
                return null;
            }
            g = gcd(g, k.group);
            sameDil &= k.dh == first.dh && k.dw == first.dw;
        }
        ConvKernel[] ks = new ConvKernel[convs.size()];
        for (int i = 0; i < ks.length; i++) {
            ConvKernel k = convs.get(i).regrouped(g);
            ks[i] = sameDil ? k : k.undilated();
        }
        int d0 = ks[0].dh;
        int d1 = ks[0].dw;
        // Window in input offsets: a branch's first tap reads offset -padBegin.
        int top = Integer.MAX_VALUE;
        int left = Integer.MAX_VALUE;
        for (ConvKernel k : ks) {
            top = Math.min(top, -k.pads[0]);
            left = Math.min(left, -k.pads[1]);
        }
        int nkh = 0;
        int nkw = 0;
        for (ConvKernel k : ks) {
            int oy = -k.pads[0] - top;
            int ox = -k.pads[1] - left;
            if (oy % d0 != 0 || ox % d1 != 0) {
                reason[0] = "branch taps fall between the dilated taps of the others";
                return null;
            }
            nkh = Math.max(nkh, oy / d0 + k.kh);
            nkw = Math.max(nkw, ox / d1 + k.kw);
        }
        for (int i = 0; i < ks.length; i++) {
            ConvKernel k = ks[i];
            ks[i] = k.embedded((-k.pads[0] - top) / d0, (-k.pads[1] - left) / d1, nkh, nkw);
        }
        for (ConvKernel k : ks) {
            if (k.pads[2] != ks[0].pads[2] || k.pads[3] != ks[0].pads[3]) {
                reason[0] = "branch paddings are not centre-aligned (outputs would be shifted or differ in size)";
                return null;
            }
        }
        return ks;
    }

    /** Sum of aligned branches (see {@link #align}). */
    static ConvKernel sum(ConvKernel[] ks) {
        ConvKernel f = ks[0];
        double[] nw = f.w.clone();
        double[] nb = f.bias.clone();
        for (int i = 1; i < ks.length; i++) {
            for (int j = 0; j < nw.length; j++) {
                nw[j] += ks[i].w[j];
            }
            for (int o = 0; o < nb.length; o++) {
                nb[o] += ks[i].bias[o];
            }
        }
        return new ConvKernel(f.out, f.inPerGroup, f.group, f.kh, f.kw, nw, nb, f.sh, f.sw, f.dh, f.dw, f.pads);
    }

    /** Aligned branches stacked along output channels (a Concat on axis 1); groups must be 1. */
    static ConvKernel concat(ConvKernel[] ks) {
        ConvKernel f = ks[0];
        int total = 0;
        for (ConvKernel k : ks) {
            total += k.out;
        }
        double[] nw = new double[total * f.inPerGroup * f.kh * f.kw];
        double[] nb = new double[total];
        int o = 0;
        for (ConvKernel k : ks) {
            System.arraycopy(k.w, 0, nw, o * f.inPerGroup * f.kh * f.kw, k.w.length);
            System.arraycopy(k.bias, 0, nb, o, k.out);
            o += k.out;
        }
        return new ConvKernel(total, f.inPerGroup, f.group, f.kh, f.kw, nw, nb, f.sh, f.sw, f.dh, f.dw, f.pads);
    }

    /**
     * first then second, where second is 1x1 with stride 1 and no padding, or first is 1x1 with
     * stride 1 and no padding. K[o,i] = sum_t K2[o,t] * K1[t,i] (per group);
     * b = b2 + sum_{t,y,x} K2[o,t,y,x] * b1[t]. The caller checks exactness with respect to padding.
     */
    static ConvKernel sequence(ConvKernel first, ConvKernel second) {
        int g = gcd(first.group, second.group);
        ConvKernel a = first.regrouped(g);
        ConvKernel b = second.regrouped(g);
        boolean secondIsPoint = b.isPointwise();
        ConvKernel spatial = secondIsPoint ? a : b;
        int kh = spatial.kh;
        int kw = spatial.kw;
        int taps = kh * kw;
        int mid = a.out;
        int midPerGroup = mid / g;
        int outPerGroup = b.out / g;
        double[] nw = new double[b.out * a.inPerGroup * taps];
        for (int o = 0; o < b.out; o++) {
            int grp = o / outPerGroup;
            for (int t = 0; t < midPerGroup; t++) {
                int tm = grp * midPerGroup + t; // absolute intermediate channel
                for (int i = 0; i < a.inPerGroup; i++) {
                    for (int j = 0; j < taps; j++) {
                        double v = secondIsPoint
                                ? b.w[o * b.inPerGroup + t] * a.w[(tm * a.inPerGroup + i) * taps + j]
                                : b.w[(o * b.inPerGroup + t) * taps + j] * a.w[tm * a.inPerGroup + i];
                        nw[(o * a.inPerGroup + i) * taps + j] += v;
                    }
                }
            }
        }
        double[] nb = b.responseToConstant(a.bias);
        for (int o = 0; o < nb.length; o++) {
            nb[o] += b.bias[o];
        }
        return new ConvKernel(b.out, a.inPerGroup, g, kh, kw, nw, nb, spatial.sh, spatial.sw, spatial.dh, spatial.dw,
                spatial.pads);
    }

    // ---- writing back ----

    /**
     * Why this kernel cannot be written as float32 weights: the first weight or bias that is NaN,
     * infinite, or beyond float32's range (it would round to inf); null if every value fits. A
     * fold whose result this refuses would put NaN or inf into a graph that had none there, or
     * carry a broken weight into a merged one; the passes leave such structures as they are.
     */
    public String nonFiniteReason() {
        for (int i = 0; i < w.length; i++) {
            if (!Float.isFinite((float) w[i])) {
                int taps = kh * kw;
                int o = i / (inPerGroup * taps);
                int c = i / taps % inPerGroup;
                return "the folded weight [" + o + ", " + c + ", " + i % taps / kw + ", " + i % kw + "] would be "
                        + asFloat32(w[i]);
            }
        }
        for (int o = 0; o < bias.length; o++) {
            if (!Float.isFinite((float) bias[o])) {
                return "the folded bias of output channel " + o + " would be " + asFloat32(bias[o]);
            }
        }
        return null;
    }

    private static String asFloat32(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        return Double.isInfinite(v) ? (v > 0 ? "+inf" : "-inf")
                : String.format(java.util.Locale.ROOT, "%.3g, beyond float32's largest value 3.4e+38", v);
    }

    /**
     * Adds a Conv node computing this kernel from input into output (whose producer the caller
     * has removed). Weights are rounded to float32 here, once.
     */
    public Node emit(Graph g, String name, Value input, Value output) {
        Value wv = g.addConstant(name + ".weight", weightTensor());
        Value bv = g.addConstant(name + ".bias", biasTensor());
        Node n = g.addNode("Conv", name, List.of(input, wv, bv), List.of(output));
        n.set("kernel_shape", new long[] {kh, kw});
        n.set("strides", new long[] {sh, sw});
        n.set("pads", new long[] {pads[0], pads[1], pads[2], pads[3]});
        n.set("dilations", new long[] {dh, dw});
        n.set("group", group);
        return n;
    }

    @Override
    public String toString() {
        return out + "x" + inChannels() + " " + kh + "x" + kw + (group > 1 ? " g" + group : "")
                + (sh > 1 || sw > 1 ? " s" + sh + "x" + sw : "") + (dh > 1 || dw > 1 ? " d" + dh + "x" + dw : "");
    }
}
