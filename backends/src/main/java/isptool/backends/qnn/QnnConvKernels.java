package isptool.backends.qnn;

import isptool.backends.qnn.QnnKernels.Arr;

/**
 * The windowed ops of the quantization simulator, in double on real NHWC values: Conv2d (groups),
 * DepthWiseConv2d (HWIO [kh,kw,1,C], output channel o reads input channel o / multiplier),
 * TransposeConv2d (scatter, cropped by pad_amount), FullyConnected ([out,in] weights) and
 * PoolAvg2d/PoolMax2d (padding not counted in averages, as TFLite's AVERAGE_POOL_2D).
 */
final class QnnConvKernels {
    private QnnConvKernels() {
    }

    static void conv(QnnNode n, Arr x, Arr w, Arr b, int[] od, double[] y) {
        boolean dw = n.type().equals("DepthWiseConv2d");
        int nb = x.dims()[0], ih = x.dims()[1], iw = x.dims()[2], ic = x.dims()[3];
        int kh = w.dims()[0], kw = w.dims()[1], wcin = w.dims()[2], oc = w.dims()[3];
        int oh = od[1], ow = od[2];
        QnnParam st = n.param("stride"), pa = n.param("pad_amount"), di = n.param("dilation");
        int sh = (int) st.longValue(0), sw = (int) st.longValue(1);
        int pt = (int) pa.longValue(0), pl = (int) pa.longValue(2);
        int dh = (int) di.longValue(0), dwd = (int) di.longValue(1);
        int groups = dw ? ic : (int) (n.param("group") == null ? 1 : n.param("group").longValue(0));
        int ocPerGroup = oc / groups;
        int icPerGroup = dw ? 1 : wcin;
        for (int bn = 0; bn < nb; bn++) {
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++) {
                    for (int o = 0; o < oc; o++) {
                        int g = o / ocPerGroup;
                        double s = b == null ? 0 : b.v()[o];
                        for (int ky = 0; ky < kh; ky++) {
                            int iy = oy * sh - pt + ky * dh;
                            if (iy < 0 || iy >= ih) {
                                continue;
                            }
                            for (int kx = 0; kx < kw; kx++) {
                                int ix = ox * sw - pl + kx * dwd;
                                if (ix < 0 || ix >= iw) {
                                    continue;
                                }
                                int xb = ((bn * ih + iy) * iw + ix) * ic;
                                int wb = (ky * kw + kx) * wcin;
                                for (int c = 0; c < icPerGroup; c++) {
                                    s += x.v()[xb + g * icPerGroup + c] * w.v()[(wb + (dw ? 0 : c)) * oc + o];
                                }
                            }
                        }
                        y[((bn * oh + oy) * ow + ox) * oc + o] = s;
                    }
                }
            }
        }
    }

    static void transposeConv(QnnNode n, Arr x, Arr w, Arr b, int[] od, double[] y) {
        int nb = x.dims()[0], ih = x.dims()[1], iw = x.dims()[2], ic = x.dims()[3];
        int kh = w.dims()[0], kw = w.dims()[1], oc = w.dims()[3];
        int oh = od[1], ow = od[2];
        QnnParam st = n.param("stride"), pa = n.param("pad_amount");
        int sh = (int) st.longValue(0), sw = (int) st.longValue(1);
        int pt = (int) pa.longValue(0), pl = (int) pa.longValue(2);
        for (int i = 0; i < y.length; i++) {
            y[i] = b == null ? 0 : b.v()[i % oc];
        }
        for (int bn = 0; bn < nb; bn++) {
            for (int iy = 0; iy < ih; iy++) {
                for (int ix = 0; ix < iw; ix++) {
                    for (int ky = 0; ky < kh; ky++) {
                        int oy = iy * sh - pt + ky;
                        if (oy < 0 || oy >= oh) {
                            continue;
                        }
                        for (int kx = 0; kx < kw; kx++) {
                            int ox = ix * sw - pl + kx;
                            if (ox < 0 || ox >= ow) {
                                continue;
                            }
                            int yb = ((bn * oh + oy) * ow + ox) * oc;
                            for (int c = 0; c < ic; c++) {
                                double xv = x.v()[((bn * ih + iy) * iw + ix) * ic + c];
                                int wb = ((ky * kw + kx) * ic + c) * oc;
                                for (int o = 0; o < oc; o++) {
                                    y[yb + o] += xv * w.v()[wb + o];
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    static void fullyConnected(Arr x, Arr w, Arr b, double[] y) {
        int out = w.dims()[0], in = w.dims()[1];
        int rows = x.size() / in;
        for (int r = 0; r < rows; r++) {
            for (int o = 0; o < out; o++) {
                double s = b == null ? 0 : b.v()[o];
                for (int i = 0; i < in; i++) {
                    s += x.v()[r * in + i] * w.v()[o * in + i];
                }
                y[r * out + o] = s;
            }
        }
    }

    static void pool(QnnNode n, Arr x, int[] od, double[] y) {
        boolean avg = n.type().equals("PoolAvg2d");
        int nb = x.dims()[0], ih = x.dims()[1], iw = x.dims()[2], c = x.dims()[3];
        QnnParam f = n.param("filter_size"), st = n.param("stride"), pa = n.param("pad_amount");
        int fh = (int) f.longValue(0), fw = (int) f.longValue(1);
        int sh = (int) st.longValue(0), sw = (int) st.longValue(1);
        int pt = (int) pa.longValue(0), pl = (int) pa.longValue(2);
        for (int b = 0; b < nb; b++) {
            for (int oy = 0; oy < od[1]; oy++) {
                for (int ox = 0; ox < od[2]; ox++) {
                    for (int ch = 0; ch < c; ch++) {
                        double acc = avg ? 0 : Double.NEGATIVE_INFINITY;
                        int cnt = 0;
                        for (int ky = 0; ky < fh; ky++) {
                            for (int kx = 0; kx < fw; kx++) {
                                int iy = oy * sh - pt + ky, ix = ox * sw - pl + kx;
                                if (iy < 0 || iy >= ih || ix < 0 || ix >= iw) {
                                    continue;
                                }
                                double v = x.v()[((b * ih + iy) * iw + ix) * c + ch];
                                acc = avg ? acc + v : Math.max(acc, v);
                                cnt++;
                            }
                        }
                        y[((b * od[1] + oy) * od[2] + ox) * c + ch] = avg ? acc / cnt : acc;
                    }
                }
            }
        }
    }
}
