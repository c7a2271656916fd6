package isptool.backends.quant;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Calibration statistics and chosen activation ranges kept across several quantizations of one float
 * model with one set of samples (--precision auto's candidates differ only in which nodes stay float
 * or get int16 activations). The statistics are observed on the float model after the float rewrites
 * of its activation type, so they are kept by that type, the equalization choice and whether
 * histograms were taken; a range by tensor name, method, levels and symmetry. Not thread-safe.
 */
final class CalibrationMemo {
    /** Computes statistics, possibly failing with an IOException. */
    interface StatsSource {
        Map<String, TensorStats> get() throws IOException;
    }

    private final Map<String, Map<String, TensorStats>> stats = new HashMap<>();
    private final Map<String, double[]> ranges = new HashMap<>();

    Map<String, TensorStats> stats(String key, StatsSource compute) throws IOException {
        Map<String, TensorStats> s = stats.get(key);
        if (s == null) {
            s = compute.get();
            stats.put(key, s);
        }
        return s;
    }

    double[] range(String key, Supplier<double[]> compute) {
        return ranges.computeIfAbsent(key, k -> compute.get()).clone();
    }
}
