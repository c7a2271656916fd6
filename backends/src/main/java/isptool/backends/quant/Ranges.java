package isptool.backends.quant;

/**
 * Activation ranges from calibration statistics: the full observed range (MINMAX), the range
 * inside the 0.01% tails (PERCENTILE), or the clipping range with the least expected squared
 * error, rounding noise inside plus clipping error outside, over the histogram (MSE).
 */
final class Ranges {
    static final double TAIL = 1e-4;
    /** Clipping factors tried by MSE, as fractions of the observed extent on each side. */
    private static final int STEPS = 40;
    private static final double SMALLEST_FACTOR = 0.2;

    private Ranges() {
    }

    /** [lo, hi] for a tensor quantized to levels steps (symmetric: lo = -hi). */
    static double[] choose(TensorStats s, CalibrationMethod method, int levels, boolean symmetric) {
        if (!s.seen()) {
            return new double[] {-1, 1};
        }
        double[] r = switch (method) {
            case MINMAX -> new double[] {Math.min(s.min, 0), Math.max(s.max, 0)};
            case PERCENTILE -> percentile(s);
            case MSE -> mse(s, levels, symmetric);
        };
        if (symmetric) {
            double m = Math.max(-r[0], r[1]);
            return new double[] {-m, m};
        }
        return r;
    }

    private static double[] percentile(TensorStats s) {
        long total = 0;
        for (long c : s.histogram) {
            total += c;
        }
        long tail = (long) Math.floor(total * TAIL);
        double w = s.binWidth();
        int lo = 0;
        long below = s.histogram[0];
        while (below <= tail && lo < TensorStats.BINS - 1) {
            below += s.histogram[++lo];
        }
        int hi = TensorStats.BINS - 1;
        long above = s.histogram[hi];
        while (above <= tail && hi > 0) {
            above += s.histogram[--hi];
        }
        return new double[] {Math.min(0, s.min + lo * w), Math.max(0, s.min + (hi + 1) * w)};
    }

    private static double[] mse(TensorStats s, int levels, boolean symmetric) {
        double lo = Math.min(s.min, 0);
        double hi = Math.max(s.max, 0);
        double[] best = {lo, hi};
        double bestCost = cost(s, lo, hi, levels);
        for (int a = 0; a <= STEPS; a++) {
            double fa = SMALLEST_FACTOR + (1 - SMALLEST_FACTOR) * a / STEPS;
            for (int b = 0; b <= STEPS; b++) {
                double fb = symmetric ? fa : SMALLEST_FACTOR + (1 - SMALLEST_FACTOR) * b / STEPS;
                double m = Math.max(-lo, hi);
                double cl = symmetric ? -m * fa : lo * fa;
                double ch = symmetric ? m * fb : hi * fb;
                double c = cost(s, cl, ch, levels);
                if (c < bestCost) {
                    bestCost = c;
                    best = new double[] {cl, ch};
                }
                if (symmetric) {
                    break;
                }
            }
        }
        return best;
    }

    /** Expected squared error of quantizing the histogram's values to levels steps over [lo, hi]. */
    private static double cost(TensorStats s, double lo, double hi, int levels) {
        double step = (hi - lo) / (levels - 1);
        double noise = step * step / 12;
        double w = s.binWidth();
        double sum = 0;
        for (int i = 0; i < TensorStats.BINS; i++) {
            long n = s.histogram[i];
            if (n == 0) {
                continue;
            }
            double x = s.min + (i + 0.5) * w;
            double e = x < lo ? (x - lo) * (x - lo) : x > hi ? (x - hi) * (x - hi) : noise;
            sum += n * e;
        }
        return sum;
    }
}
