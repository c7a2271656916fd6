package isptool.graph.eval;

import isptool.graph.Node;
import isptool.graph.Tensor;
import java.util.Arrays;

/** Reductions: ReduceX, ArgMax/ArgMin, Softmax/LogSoftmax. */
final class ReduceKernels {
    private ReduceKernels() {
    }

    /** How a reduction starts, takes one element and finishes (count = number of reduced elements). */
    enum Reduction {
        SUM(0), MEAN(0), PROD(1), MAX(Double.NEGATIVE_INFINITY), MIN(Double.POSITIVE_INFINITY),
        L1(0), L2(0), SUM_SQUARE(0), LOG_SUM(0), LOG_SUM_EXP(0);

        final double init;

        Reduction(double init) {
            this.init = init;
        }

        double step(double acc, double v) {
            return switch (this) {
                case SUM, MEAN, LOG_SUM -> acc + v;
                case PROD -> acc * v;
                case MAX -> Math.max(acc, v);
                case MIN -> Math.min(acc, v);
                case L1 -> acc + Math.abs(v);
                case L2, SUM_SQUARE -> acc + v * v;
                case LOG_SUM_EXP -> acc + Math.exp(v);
            };
        }

        double finish(double acc, long count) {
            return switch (this) {
                case MEAN -> acc / count;
                case L2 -> Math.sqrt(acc);
                case LOG_SUM, LOG_SUM_EXP -> Math.log(acc);
                default -> acc;
            };
        }

        /** The exact integer form, or false when the result is not an integer operation (L2, logs). */
        boolean onLongs() {
            return this != L2 && this != LOG_SUM && this != LOG_SUM_EXP;
        }

        long initLong() {
            return switch (this) {
                case PROD -> 1;
                case MAX -> Long.MIN_VALUE;
                case MIN -> Long.MAX_VALUE;
                default -> 0;
            };
        }

        long step(long acc, long v) {
            return switch (this) {
                case PROD -> acc * v;
                case MAX -> Math.max(acc, v);
                case MIN -> Math.min(acc, v);
                case L1 -> acc + Math.abs(v);
                case SUM_SQUARE -> acc + v * v;
                default -> acc + v;
            };
        }

        long finish(long acc, long count) {
            return this == MEAN ? acc / count : acc;
        }
    }

    /**
     * ReduceX: axes from the attribute (before opset 13 for ReduceSum, 18 for the others) or
     * input 1; none means all axes, unless noop_with_empty_axes=1 (then the identity).
     */
    static OpKernel reduce(Reduction r) {
        return (n, in) -> {
            Tensor x = in[0];
            long[] d = x.shape();
            long[] axes = IndexingKernels.ints(n, "axes", in, 1);
            if (axes == null || axes.length == 0) {
                if (n.getInt("noop_with_empty_axes", 0) != 0) {
                    return new Tensor[] {x};
                }
                axes = new long[d.length];
                for (int i = 0; i < d.length; i++) {
                    axes[i] = i;
                }
            }
            boolean[] reduced = new boolean[d.length];
            for (long a : axes) {
                reduced[Layout.axis(a, d.length)] = true;
            }
            int[] target = outputIndex(d, reduced);
            long[] kept = keptShape(d, reduced);
            int outCount = Layout.count(kept);
            long count = outCount == 0 ? 0 : x.elementCount() / outCount;
            long[] shape = n.getInt("keepdims", 1) != 0 ? kept : squeezed(d, reduced);
            if (!x.dtype().isFloatingPoint() && r.onLongs()) {
                long[] acc = new long[outCount];
                Arrays.fill(acc, r.initLong());
                for (int i = 0; i < target.length; i++) {
                    acc[target[i]] = r.step(acc[target[i]], x.getLong(i));
                }
                for (int o = 0; o < outCount; o++) {
                    acc[o] = r.finish(acc[o], Math.max(count, 1));
                }
                return new Tensor[] {Tensor.ofIntegers(x.dtype(), shape, acc)};
            }
            double[] acc = new double[outCount];
            Arrays.fill(acc, r.init);
            for (int i = 0; i < target.length; i++) {
                acc[target[i]] = r.step(acc[target[i]], x.getDouble(i));
            }
            for (int o = 0; o < outCount; o++) {
                acc[o] = r.finish(acc[o], count);
            }
            return new Tensor[] {Tensor.of(x.dtype(), shape, acc)};
        };
    }

    /** ArgMax/ArgMin along one axis; ties go to the first index unless select_last_index=1. */
    static OpKernel argReduce(boolean max) {
        return (n, in) -> {
            Tensor x = in[0];
            long[] d = x.shape();
            int axis = Layout.axis(n.getInt("axis", 0), d.length);
            boolean last = n.getInt("select_last_index", 0) != 0;
            boolean[] reduced = new boolean[d.length];
            reduced[axis] = true;
            int[] target = outputIndex(d, reduced);
            long[] kept = keptShape(d, reduced);
            int outCount = Layout.count(kept);
            double[] best = new double[outCount];
            long[] arg = new long[outCount];
            boolean[] seen = new boolean[outCount];
            long[] stride = Layout.strides(d);
            for (int i = 0; i < target.length; i++) {
                int o = target[i];
                double v = x.getDouble(i);
                boolean better = !seen[o] || (max ? v > best[o] : v < best[o]) || last && v == best[o];
                if (better) {
                    best[o] = v;
                    arg[o] = (i / stride[axis]) % d[axis];
                    seen[o] = true;
                }
            }
            long[] shape = n.getInt("keepdims", 1) != 0 ? kept : squeezed(d, reduced);
            return new Tensor[] {Tensor.ofLongs(shape, arg)};
        };
    }

    /**
     * Softmax/LogSoftmax. From opset 13 along one axis (default -1); before, the input is seen
     * as 2-D [prod(dims before axis), prod(dims from axis)] (axis default 1) and normalized per row.
     */
    static OpKernel softmax(boolean log) {
        return (n, in) -> {
            Tensor x = in[0];
            long[] d = x.shape();
            boolean[] reduced = new boolean[d.length];
            if (ElementwiseKernels.opset(n) >= 13) {
                reduced[Layout.axis(n.getInt("axis", -1), d.length)] = true;
            } else {
                int axis = Layout.axis(n.getInt("axis", 1), d.length);
                for (int a = axis; a < d.length; a++) {
                    reduced[a] = true;
                }
            }
            int[] target = outputIndex(d, reduced);
            int outCount = Layout.count(keptShape(d, reduced));
            double[] v = x.toDoubles();
            double[] max = new double[outCount];
            Arrays.fill(max, Double.NEGATIVE_INFINITY);
            for (int i = 0; i < v.length; i++) {
                max[target[i]] = Math.max(max[target[i]], v[i]);
            }
            double[] sum = new double[outCount];
            for (int i = 0; i < v.length; i++) {
                sum[target[i]] += Math.exp(v[i] - max[target[i]]);
            }
            for (int i = 0; i < v.length; i++) {
                double shifted = v[i] - max[target[i]];
                v[i] = log ? shifted - Math.log(sum[target[i]]) : Math.exp(shifted) / sum[target[i]];
            }
            return new Tensor[] {Tensor.of(x.dtype(), d, v)};
        };
    }

    /** For each input element, the linear index of the kept-dims output element it reduces into. */
    private static int[] outputIndex(long[] d, boolean[] reduced) {
        long[] outStride = Layout.strides(keptShape(d, reduced));
        return Layout.map(d, c -> {
            long lin = 0;
            for (int a = 0; a < c.length; a++) {
                if (!reduced[a]) {
                    lin += c[a] * outStride[a];
                }
            }
            return lin;
        });
    }

    private static long[] keptShape(long[] d, boolean[] reduced) {
        long[] r = d.clone();
        for (int a = 0; a < d.length; a++) {
            if (reduced[a]) {
                r[a] = 1;
            }
        }
        return r;
    }

    private static long[] squeezed(long[] d, boolean[] reduced) {
        return java.util.stream.IntStream.range(0, d.length).filter(a -> !reduced[a]).mapToLong(a -> d[a]).toArray();
    }
}
