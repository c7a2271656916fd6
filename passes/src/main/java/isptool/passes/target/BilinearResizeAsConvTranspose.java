package isptool.passes.target;

import isptool.graph.DType;
import isptool.graph.Graph;
import isptool.graph.Node;
import isptool.graph.Shape;
import isptool.graph.Tensor;
import isptool.graph.Value;
import isptool.passes.PassReport;
import isptool.passes.target.TargetCaps.Capability;

/**
 * Bilinear upsampling with half-pixel centres (PyTorch's align_corners=False) by integer factors,
 * on a target whose RESIZE_BILINEAR lacks half_pixel_centers (NNAPI before API 30), as an edge pad
 * and a transposed convolution with fixed weights.
 *
 * Before: y = Resize(x, mode linear, half_pixel / pytorch_half_pixel), y of [N, C, sH*H, sW*W]
 * After:  y = ConvTranspose(Pad(x, edge, 1 on each side of H and W), W, stride [sH, sW],
 *             pads [sH - tH, sW - tW, KH + tH, KW + tW]),  W[c, c', i, j] = (c == c') wH(i + tH) wW(j + tW)
 * Math, per axis with factor s: output o = s*i + r reads source (o + 0.5)/s - 0.5 = i + d_r,
 *   d_r = (r + 0.5)/s - 0.5 in (-0.5, 0.5), i.e. (1 - |d_r|) x[i] + |d_r| x[i +- 1], clamped at the
 *   borders, which is what edge padding by one gives. So input i reaches output s*i + t with the tent
 *   weight w(t) = max(0, 1 - |(t + 0.5)/s - 0.5|), nonzero for t in [t0, t0 + K) (s = 2: t0 = -1,
 *   w = 1/4, 3/4, 3/4, 1/4): a transposed conv with stride s and kernel w. On the padded input (one
 *   extra row before) output o is the full transposed conv's row o + s - t0; the rest is cropped
 *   by the pads. In 2-D the weight is wH(i) wW(j); the channels do not mix (the weight is zero off
 *   the diagonal: one TRANSPOSE_CONV instead of C grouped ones, at C times the multiplications).
 *   For s a power of two every weight is a dyadic fraction exact in float32, and the sums differ
 *   from the resize kernel's only in rounding order.
 * Refuses: other modes or coordinate transformations, antialias, a factor that is not an integer
 *   (or scales that disagree with the sizes), N or C resized, unknown shapes, opset before 11; a
 *   factor that is not a power of two (its weights, e.g. 1/3, are rounded to float32) unless
 *   approximations are allowed.
 */
public final class BilinearResizeAsConvTranspose extends TargetSwap {
    public BilinearResizeAsConvTranspose(TargetCaps caps) {
        super(caps, "Resize");
    }

    @Override
    protected boolean rewrite(Graph g, Node n, PassReport report) {
        if (!caps.lacks(Capability.HALF_PIXEL_RESIZE) || !n.getString("mode", "nearest").equals("linear")) {
            return false;
        }
        String ctm = n.getString("coordinate_transformation_mode", "half_pixel");
        if (!ctm.equals("half_pixel") && !ctm.equals("pytorch_half_pixel")) {
            return false;
        }
        Value x = NodeChain.floatInput(n);
        long[] f = x == null ? null : factors(x.shape(), n.output(0).shape());
        String why = g.opset() < 11 ? "opset " + g.opset() + " is before Resize's coordinate modes"
                : x == null ? FLOAT_ONLY
                : n.getInt("antialias", 0) != 0 ? "antialias is set"
                : f == null ? "only N and C kept and H, W scaled by integer factors are rewritten"
                : !scalesAgree(n, f) ? "its scales input differs from the integer factors of the sizes" : null;
        if (why != null) {
            return keep(report, n, "half_pixel_centers", why);
        }
        boolean exact = Long.bitCount(f[0]) == 1 && Long.bitCount(f[1]) == 1;
        if (!exact && !caps.allowApprox()) {
            return keep(report, n, "half_pixel_centers", "factor " + f[0] + "x" + f[1]
                    + " is not a power of two, so its weights are not exact in float32; allow approximations to swap it");
        }
        double[] wh = tent(f[0]);
        double[] ww = tent(f[1]);
        int t0h = tentStart(f[0]);
        int t0w = tentStart(f[1]);
        long[] xs = x.shape().dims();
        int c = (int) xs[1];
        NodeChain ch = NodeChain.replacing(g, n);
        Value padded = ch.op("Pad", Shape.of(xs[0], c, xs[2] + 2, xs[3] + 2), x,
                ch.constant(Tensor.ofLongs(new long[] {8}, new long[] {0, 0, 1, 1, 0, 0, 1, 1})));
        Graph.producer(padded).set("mode", "edge");
        Node deconv = ch.into("ConvTranspose", padded, ch.constant(diagonal(c, wh, ww)));
        deconv.set("kernel_shape", new long[] {wh.length, ww.length});
        deconv.set("strides", new long[] {f[0], f[1]});
        deconv.set("pads", new long[] {f[0] - t0h, f[1] - t0w, wh.length + t0h, ww.length + t0w});
        report.applied(name(), n.name(), "bilinear x" + f[0] + "x" + f[1] + " (half-pixel) -> Pad edge, ConvTranspose "
                + wh.length + "x" + ww.length + " stride " + f[0] + "x" + f[1] + " with tent weights"
                + (exact ? "" : " (approximate: weights rounded to float32)"));
        return true;
    }

    /** Integer factors [sH, sW] with N and C kept, or null. */
    private static long[] factors(Shape in, Shape out) {
        if (out == null || in.rank() != 4 || out.rank() != 4 || !in.isStatic() || !out.isStatic()
                || in.dim(0) != out.dim(0) || in.dim(1) != out.dim(1)) {
            return null;
        }
        long[] f = new long[2];
        for (int a = 0; a < 2; a++) {
            long i = in.dim(a + 2);
            long o = out.dim(a + 2);
            if (i <= 0 || o % i != 0 || o / i < 1) {
                return null;
            }
            f[a] = o / i;
        }
        return f[0] == 1 && f[1] == 1 ? null : f;
    }

    /** A constant scales input, if given, must say exactly the factors (coordinates follow the scales). */
    private static boolean scalesAgree(Node n, long[] f) {
        if (n.inputs().size() < 3 || n.input(2) == null || n.input(2).name().isEmpty()) {
            return true;
        }
        Tensor s = Graph.constant(n.input(2));
        if (s == null || s.elementCount() == 0) {
            return s != null;
        }
        return s.elementCount() == 4 && s.getDouble(0) == 1 && s.getDouble(1) == 1 && s.getDouble(2) == f[0]
                && s.getDouble(3) == f[1];
    }

    /** First offset t with a nonzero tent weight for factor s. */
    static int tentStart(long s) {
        for (int t = (int) -s; ; t++) {
            if (tentWeight(t, s) > 0) {
                return t;
            }
        }
    }

    /** The nonzero tent weights w(t0), w(t0 + 1), ... */
    static double[] tent(long s) {
        int t0 = tentStart(s);
        int k = 0;
        while (tentWeight(t0 + k, s) > 0) {
            k++;
        }
        double[] w = new double[k];
        for (int i = 0; i < k; i++) {
            w[i] = tentWeight(t0 + i, s);
        }
        return w;
    }

    private static double tentWeight(int t, long s) {
        return Math.max(0, 1 - Math.abs((t + 0.5) / s - 0.5));
    }

    /** ConvTranspose weight [C, C, KH, KW]: the 2-D tent on the diagonal, zero between channels. */
    private static Tensor diagonal(int c, double[] wh, double[] ww) {
        int kh = wh.length;
        int kw = ww.length;
        double[] w = new double[c * c * kh * kw];
        for (int ch = 0; ch < c; ch++) {
            int base = (ch * c + ch) * kh * kw;
            for (int i = 0; i < kh; i++) {
                for (int j = 0; j < kw; j++) {
                    w[base + i * kw + j] = wh[i] * ww[j];
                }
            }
        }
        return Tensor.of(DType.FLOAT, new long[] {c, c, kh, kw}, w);
    }
}
