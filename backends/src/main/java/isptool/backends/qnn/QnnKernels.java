package isptool.backends.qnn;

import isptool.graph.ModelException;
import java.util.List;

/**
 * The float math of each QNN op (QNN.md sec. 5, NHWC), in double, for the quantization
 * simulator: inputs and outputs are real values; quantization happens around these calls.
 * Semantics follow the TFLite operators the nodes came from (SAME padding as explicit pads,
 * DepthToSpace DCR/CRD, resize as TFLite's align_corners/half_pixel_centers rules, average pools
 * that do not count padding).
 */
final class QnnKernels {
    /** A tensor's real values, row-major in dims order. */
    record Arr(double[] v, int[] dims) {
        int size() {
            return v.length;
        }
    }

    private QnnKernels() {
    }

    static Arr run(QnnNode n, List<Arr> in, int[] outDims) {
        Arr x = in.get(0);
        double[] y = new double[count(outDims)];
        switch (n.type()) {
            case "Conv2d", "DepthWiseConv2d" -> QnnConvKernels.conv(n, x, in.get(1), in.size() > 2 ? in.get(2) : null, outDims, y);
            case "TransposeConv2d" -> QnnConvKernels.transposeConv(n, x, in.get(1), in.size() > 2 ? in.get(2) : null, outDims, y);
            case "FullyConnected" -> QnnConvKernels.fullyConnected(x, in.get(1), in.size() > 2 ? in.get(2) : null, y);
            case "ElementWiseAdd" -> binary(x, in.get(1), outDims, y, Double::sum);
            case "ElementWiseSubtract" -> binary(x, in.get(1), outDims, y, (u, v) -> u - v);
            case "ElementWiseMultiply" -> binary(x, in.get(1), outDims, y, (u, v) -> u * v);
            case "ElementWiseDivide" -> binary(x, in.get(1), outDims, y, (u, v) -> u / v);
            case "ElementWiseMaximum" -> binary(x, in.get(1), outDims, y, Math::max);
            case "ElementWiseMinimum" -> binary(x, in.get(1), outDims, y, Math::min);
            case "Prelu" -> binary(x, in.get(1), outDims, y, (u, v) -> u >= 0 ? u : u * v);
            case "Relu", "ReluMinMax", "Sigmoid", "Tanh", "HardSwish", "Gelu", "ElementWiseSquareRoot",
                    "ElementWiseRsqrt" -> unary(n, x, y);
            case "Reshape", "Quantize", "Dequantize", "Convert" -> System.arraycopy(x.v, 0, y, 0, y.length);
            case "DepthToSpace" -> shuffle(x.v, outDims, y, (int) n.param("block_size").longValue(0),
                    n.param("mode") != null && n.param("mode").value() == 1, false);
            case "SpaceToDepth" -> shuffle(y, x.dims, x.v, (int) n.param("block_size").longValue(0), false, true);
            case "Concat" -> concat(in, (int) n.param("axis").value(), outDims, y);
            case "Transpose" -> transpose(x, n.param("perm"), y);
            case "ReduceMean" -> reduceMean(x, n.param("axes"), y);
            case "PoolAvg2d", "PoolMax2d" -> QnnConvKernels.pool(n, x, outDims, y);
            case "Softmax" -> softmax(x, n.param("beta").value(), y);
            case "StridedSlice" -> stridedSlice(x, n.param("ranges"), y);
            case "Pad" -> pad(x, n.param("pad_amount"), (int) n.param("scheme").value(),
                    n.param("pad_constant_value").value(), outDims, y);
            case "ResizeBilinear", "ResizeNearestNeighbor" -> resize(n, x, outDims, y);
            default -> throw new ModelException("quantization simulator: node \"" + n.name() + "\" has op " + n.type()
                    + ", which it cannot run");
        }
        return new Arr(y, outDims);
    }

    static int count(int[] dims) {
        int c = 1;
        for (int d : dims) {
            c *= d;
        }
        return c;
    }

    private static int[] strides(int[] dims) {
        int[] s = new int[dims.length];
        for (int i = dims.length - 1, k = 1; i >= 0; k *= dims[i], i--) {
            s[i] = k;
        }
        return s;
    }

    /** Numpy-broadcast binary op f(a, b). */
    private static void binary(Arr a, Arr b, int[] od, double[] y, java.util.function.DoubleBinaryOperator f) {
        int[] ia = broadcastStrides(a.dims, od);
        int[] ib = broadcastStrides(b.dims, od);
        int[] idx = new int[od.length];
        for (int k = 0; k < y.length; k++) {
            int pa = 0, pb = 0;
            for (int d = 0; d < od.length; d++) {
                pa += idx[d] * ia[d];
                pb += idx[d] * ib[d];
            }
            y[k] = f.applyAsDouble(a.v[pa], b.v[pb]);
            for (int d = od.length - 1; d >= 0 && ++idx[d] == od[d]; d--) {
                idx[d] = 0;
            }
        }
    }

    /** Strides of a (right-aligned against out) with 0 on broadcast dims. */
    private static int[] broadcastStrides(int[] a, int[] out) {
        int[] s = strides(a);
        int[] r = new int[out.length];
        for (int d = 0; d < out.length; d++) {
            int ad = d - (out.length - a.length);
            r[d] = ad < 0 || a[ad] == 1 ? 0 : s[ad];
        }
        return r;
    }

    private static void unary(QnnNode n, Arr x, double[] y) {
        for (int i = 0; i < y.length; i++) {
            double v = x.v[i];
            y[i] = switch (n.type()) {
                case "Relu" -> Math.max(0, v);
                case "ReluMinMax" -> Math.max(n.param("min_value").value(), Math.min(n.param("max_value").value(), v));
                case "Sigmoid" -> 1 / (1 + Math.exp(-v));
                case "Tanh" -> Math.tanh(v);
                case "HardSwish" -> v * Math.max(0, Math.min(6, v + 3)) / 6;
                case "ElementWiseSquareRoot" -> Math.sqrt(v);
                case "ElementWiseRsqrt" -> 1 / Math.sqrt(v);
                default -> 0.5 * v * (1 + erf(v / Math.sqrt(2)));
            };
        }
    }

    /** erf by its Maclaurin series (|x| < 3) or the continued-fraction tail; error below 1e-12. */
    static double erf(double x) {
        double ax = Math.abs(x);
        double r;
        if (ax < 3) {
            double term = ax, sum = ax;
            for (int k = 1; k < 200 && Math.abs(term) > 1e-17 * Math.abs(sum); k++) {
                term *= -ax * ax / k;
                sum += term / (2 * k + 1);
            }
            r = 2 / Math.sqrt(Math.PI) * sum;
        } else {
            double f = 0;
            for (int k = 60; k >= 1; k--) {
                f = k / 2.0 / (ax + f);
            }
            r = 1 - Math.exp(-ax * ax) / Math.sqrt(Math.PI) / (ax + f);
        }
        return x < 0 ? -r : r;
    }

    /**
     * Moves values between small [N,H,W,C*b*b] and large [N,H*b,W*b,C]: depth index
     * (i*b + j)*C + c (DCR) or c*b*b + i*b + j (CRD) at block offset (i, j). DepthToSpace fills
     * large, SpaceToDepth (DCR) fills small.
     */
    private static void shuffle(double[] small, int[] largeDims, double[] large, int bs, boolean crd, boolean toSmall) {
        int nb = largeDims[0], oh = largeDims[1], ow = largeDims[2], c = largeDims[3];
        int ih = oh / bs, iw = ow / bs, ic = c * bs * bs;
        for (int n = 0; n < nb; n++) {
            for (int yy = 0; yy < oh; yy++) {
                for (int xx = 0; xx < ow; xx++) {
                    int i = yy % bs, j = xx % bs;
                    for (int ch = 0; ch < c; ch++) {
                        int d = crd ? ch * bs * bs + i * bs + j : (i * bs + j) * c + ch;
                        int s = ((n * ih + yy / bs) * iw + xx / bs) * ic + d;
                        int l = ((n * oh + yy) * ow + xx) * c + ch;
                        if (toSmall) {
                            small[s] = large[l];
                        } else {
                            large[l] = small[s];
                        }
                    }
                }
            }
        }
    }

    private static void concat(List<Arr> in, int axis, int[] od, double[] y) {
        int outer = 1;
        for (int d = 0; d < axis; d++) {
            outer *= od[d];
        }
        int p = 0;
        for (int o = 0; o < outer; o++) {
            for (Arr a : in) {
                int chunk = a.size() / outer;
                System.arraycopy(a.v, o * chunk, y, p, chunk);
                p += chunk;
            }
        }
    }

    private static void transpose(Arr x, QnnParam perm, double[] y) {
        int r = x.dims.length;
        int[] p = new int[r];
        for (int i = 0; i < r; i++) {
            p[i] = (int) perm.longValue(i);
        }
        double[] t = QnnTensorMapping.permute(x.v, x.dims, p);
        System.arraycopy(t, 0, y, 0, y.length);
    }

    private static void reduceMean(Arr x, QnnParam axes, double[] y) {
        boolean[] reduced = new boolean[x.dims.length];
        int n = 1;
        for (int i = 0; i < axes.values().length; i++) {
            reduced[(int) axes.longValue(i)] = true;
            n *= x.dims[(int) axes.longValue(i)];
        }
        int[] idx = new int[x.dims.length];
        for (int k = 0; k < x.size(); k++) {
            int o = 0;
            for (int d = 0; d < idx.length; d++) {
                if (!reduced[d]) {
                    o = o * x.dims[d] + idx[d];
                }
            }
            y[o] += x.v[k] / n;
            for (int d = idx.length - 1; d >= 0 && ++idx[d] == x.dims[d]; d--) {
                idx[d] = 0;
            }
        }
    }

    private static void softmax(Arr x, double beta, double[] y) {
        int last = x.dims[x.dims.length - 1];
        for (int r = 0; r < x.size() / last; r++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < last; i++) {
                max = Math.max(max, x.v[r * last + i]);
            }
            double sum = 0;
            for (int i = 0; i < last; i++) {
                sum += y[r * last + i] = Math.exp(beta * (x.v[r * last + i] - max));
            }
            for (int i = 0; i < last; i++) {
                y[r * last + i] /= sum;
            }
        }
    }

    private static void stridedSlice(Arr x, QnnParam ranges, double[] y) {
        int r = x.dims.length;
        int[] begin = new int[r], stride = new int[r], len = new int[r];
        for (int d = 0; d < r; d++) {
            begin[d] = (int) ranges.longValue(3 * d);
            int end = (int) ranges.longValue(3 * d + 1);
            stride[d] = (int) ranges.longValue(3 * d + 2);
            len[d] = Math.max(0, (end - begin[d] + stride[d] + (stride[d] > 0 ? -1 : 1)) / stride[d]);
        }
        int[] s = strides(x.dims);
        int[] idx = new int[r];
        for (int k = 0; k < y.length; k++) {
            int p = 0;
            for (int d = 0; d < r; d++) {
                p += (begin[d] + idx[d] * stride[d]) * s[d];
            }
            y[k] = x.v[p];
            for (int d = r - 1; d >= 0 && ++idx[d] == len[d]; d--) {
                idx[d] = 0;
            }
        }
    }

    private static void pad(Arr x, QnnParam amount, int scheme, double value, int[] od, double[] y) {
        int r = x.dims.length;
        int[] s = strides(x.dims);
        int[] idx = new int[r];
        for (int k = 0; k < y.length; k++) {
            int p = 0;
            boolean outside = false;
            for (int d = 0; d < r; d++) {
                int i = idx[d] - (int) amount.longValue(2 * d);
                int n = x.dims[d];
                if (i < 0 || i >= n) {
                    switch (scheme) {
                        case 0 -> outside = true;
                        case 1 -> i = i < 0 ? -i - 1 : 2 * n - i - 1;
                        case 2 -> i = i < 0 ? -i : 2 * n - i - 2;
                        default -> i = i < 0 ? 0 : n - 1;
                    }
                }
                p += i * s[d];
            }
            y[k] = outside ? value : x.v[p];
            for (int d = r - 1; d >= 0 && ++idx[d] == od[d]; d--) {
                idx[d] = 0;
            }
        }
    }

    private static void resize(QnnNode n, Arr x, int[] od, double[] y) {
        boolean align = n.param("align_corners").value() != 0;
        boolean half = n.param("half_pixel_centers").value() != 0;
        boolean nearest = n.type().equals("ResizeNearestNeighbor");
        int nb = x.dims[0], ih = x.dims[1], iw = x.dims[2], c = x.dims[3];
        int oh = od[1], ow = od[2];
        double sy = align && oh > 1 ? (ih - 1.0) / (oh - 1) : (double) ih / oh;
        double sx = align && ow > 1 ? (iw - 1.0) / (ow - 1) : (double) iw / ow;
        for (int b = 0; b < nb; b++) {
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++) {
                    for (int ch = 0; ch < c; ch++) {
                        double v;
                        if (nearest) {
                            int iy = nearestIndex(oy, sy, ih, align, half);
                            int ix = nearestIndex(ox, sx, iw, align, half);
                            v = x.v[((b * ih + iy) * iw + ix) * c + ch];
                        } else {
                            double fy = half ? (oy + 0.5) * sy - 0.5 : oy * sy;
                            double fx = half ? (ox + 0.5) * sx - 0.5 : ox * sx;
                            int y0 = Math.max(0, (int) Math.floor(fy)), x0 = Math.max(0, (int) Math.floor(fx));
                            int y1 = Math.min(ih - 1, (int) Math.ceil(fy)), x1 = Math.min(iw - 1, (int) Math.ceil(fx));
                            double dy = fy - Math.floor(fy), dx = fx - Math.floor(fx);
                            y0 = Math.min(y0, ih - 1);
                            x0 = Math.min(x0, iw - 1);
                            double a = x.v[((b * ih + y0) * iw + x0) * c + ch], bb = x.v[((b * ih + y0) * iw + x1) * c + ch];
                            double cc = x.v[((b * ih + y1) * iw + x0) * c + ch], d = x.v[((b * ih + y1) * iw + x1) * c + ch];
                            v = a * (1 - dy) * (1 - dx) + bb * (1 - dy) * dx + cc * dy * (1 - dx) + d * dy * dx;
                        }
                        y[((b * oh + oy) * ow + ox) * c + ch] = v;
                    }
                }
            }
        }
    }

    private static int nearestIndex(int o, double scale, int in, boolean align, boolean half) {
        double f = (o + (half ? 0.5 : 0)) * scale;
        int i = align ? (int) Math.round(o * scale) : (int) Math.floor(f);
        return Math.max(0, Math.min(in - 1, i));
    }
}
