package isptool.backends.quant;

import isptool.graph.Tensor;

/**
 * What calibration saw of one tensor: its range, a histogram over that range (second pass) and
 * the mean of each slice of its last (channel) axis.
 */
final class TensorStats {
    static final int BINS = 2048;

    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    long[] histogram;
    private double[] channelSum;
    private long perChannel;

    /** First pass: range and per-channel sums. */
    void observe(Tensor t) {
        int n = t.elementCount();
        int channels = t.rank() == 0 ? 1 : (int) t.dim(t.rank() - 1);
        if (channelSum == null) {
            channelSum = new double[channels];
        }
        for (int i = 0; i < n; i++) {
            double v = t.getDouble(i);
            if (Double.isFinite(v)) {
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
            if (channels == channelSum.length) {
                channelSum[i % channels] += v;
            }
        }
        perChannel += channels == channelSum.length ? n / channels : 0;
    }

    /** Second pass: counts per bin over [min, max]. */
    void histogram(Tensor t) {
        if (histogram == null) {
            histogram = new long[BINS];
        }
        double width = binWidth();
        for (int i = 0, n = t.elementCount(); i < n; i++) {
            double v = t.getDouble(i);
            if (Double.isFinite(v)) {
                int b = width > 0 ? (int) ((v - min) / width) : 0;
                histogram[Math.max(0, Math.min(BINS - 1, b))]++;
            }
        }
    }

    double binWidth() {
        return max > min ? (max - min) / BINS : 0;
    }

    boolean seen() {
        return max >= min;
    }

    /** The mean of every channel (last axis) over all samples. */
    double[] channelMeans() {
        double[] m = new double[channelSum.length];
        for (int c = 0; c < m.length; c++) {
            m[c] = perChannel == 0 ? 0 : channelSum[c] / perChannel;
        }
        return m;
    }
}
