package isptool.backends.tflite;

import java.util.Random;

/**
 * Direct NHWC reference kernels, written from TFLite's definitions, to check the interpreter
 * against: SAME padding puts the odd pixel of padding at the end (before = total / 2).
 */
final class Nhwc {
    private Nhwc() {
    }

    /** Output size and leading padding of one spatial axis. */
    record Axis(int out, int padBefore) {
        static Axis of(int in, int kernel, int stride, boolean same) {
            if (!same) {
                return new Axis((in - kernel) / stride + 1, 0);
            }
            int out = (in + stride - 1) / stride;
            int total = Math.max((out - 1) * stride + kernel - in, 0);
            return new Axis(out, total / 2);
        }
    }

    /** CONV_2D: x [N,H,W,I], w [O,KH,KW,I], bias [O] or null; returns [N,OH,OW,O]. */
    static float[] conv2d(float[] x, int[] xs, float[] w, int[] ws, float[] bias, int stride, boolean same) {
        int n = xs[0], h = xs[1], wd = xs[2], ci = xs[3];
        int co = ws[0], kh = ws[1], kw = ws[2];
        Axis ah = Axis.of(h, kh, stride, same), aw = Axis.of(wd, kw, stride, same);
        float[] y = new float[n * ah.out() * aw.out() * co];
        for (int b = 0; b < n; b++) {
            for (int oy = 0; oy < ah.out(); oy++) {
                for (int ox = 0; ox < aw.out(); ox++) {
                    for (int o = 0; o < co; o++) {
                        double acc = bias == null ? 0 : bias[o];
                        for (int ky = 0; ky < kh; ky++) {
                            int iy = oy * stride + ky - ah.padBefore();
                            for (int kx = 0; kx < kw; kx++) {
                                int ix = ox * stride + kx - aw.padBefore();
                                if (iy < 0 || iy >= h || ix < 0 || ix >= wd) {
                                    continue;
                                }
                                for (int i = 0; i < ci; i++) {
                                    acc += x[((b * h + iy) * wd + ix) * ci + i] * w[((o * kh + ky) * kw + kx) * ci + i];
                                }
                            }
                        }
                        y[((b * ah.out() + oy) * aw.out() + ox) * co + o] = (float) acc;
                    }
                }
            }
        }
        return y;
    }

    /** DEPTHWISE_CONV_2D: x [N,H,W,C], w [1,KH,KW,C*M], output channel c*M+m reads input channel c. */
    static float[] depthwise(float[] x, int[] xs, float[] w, int[] ws, float[] bias, int multiplier, int stride,
            boolean same) {
        int n = xs[0], h = xs[1], wd = xs[2], c = xs[3];
        int kh = ws[1], kw = ws[2], co = ws[3];
        Axis ah = Axis.of(h, kh, stride, same), aw = Axis.of(wd, kw, stride, same);
        float[] y = new float[n * ah.out() * aw.out() * co];
        for (int b = 0; b < n; b++) {
            for (int oy = 0; oy < ah.out(); oy++) {
                for (int ox = 0; ox < aw.out(); ox++) {
                    for (int o = 0; o < co; o++) {
                        int in = o / multiplier;
                        double acc = bias[o];
                        for (int ky = 0; ky < kh; ky++) {
                            int iy = oy * stride + ky - ah.padBefore();
                            for (int kx = 0; kx < kw; kx++) {
                                int ix = ox * stride + kx - aw.padBefore();
                                if (iy >= 0 && iy < h && ix >= 0 && ix < wd) {
                                    acc += x[((b * h + iy) * wd + ix) * c + in] * w[(ky * kw + kx) * co + o];
                                }
                            }
                        }
                        y[((b * ah.out() + oy) * aw.out() + ox) * co + o] = (float) acc;
                    }
                }
            }
        }
        return y;
    }

    /** erf by its Taylor series, exact to ~1e-13 for |z| <= 3. */
    static double erf(double z) {
        double sum = 0;
        double term = z;
        for (int n = 0; n < 100; n++) {
            sum += term / (2 * n + 1);
            term *= -z * z / (n + 1);
        }
        return 2 / Math.sqrt(Math.PI) * sum;
    }

    static double gelu(double x) {
        return 0.5 * x * (1 + erf(x / Math.sqrt(2)));
    }

    static float[] random(Random rnd, int n, double lo, double hi) {
        float[] r = new float[n];
        for (int i = 0; i < n; i++) {
            r[i] = (float) (lo + (hi - lo) * rnd.nextDouble());
        }
        return r;
    }

    static float maxAbsDiff(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new AssertionError("lengths " + a.length + " and " + b.length);
        }
        float m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }

    static long[] longs(int... dims) {
        long[] r = new long[dims.length];
        for (int i = 0; i < dims.length; i++) {
            r[i] = dims[i];
        }
        return r;
    }
}
