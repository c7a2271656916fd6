package isptool.backends.bench;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Statistics of one timed phase (warm-up or inference) in microseconds, as benchmark_model prints
 * them: {@code count= first= curr= min= max= avg= std= p5= median= p95=}. Every field may be
 * missing (null): old tools print no first/percentiles, warm-up lines often no avg, zero runs
 * print {@code nan}.
 */
public record BenchStats(Integer count, Double first, Double curr, Double min, Double max, Double avg, Double std,
        Double p5, Double median, Double p95) {

    /** Only an average (a summary line without a stat line). */
    public static BenchStats averageOnly(Double avg) {
        return new BenchStats(null, null, null, null, null, avg, null, null, null, null);
    }

    /**
     * Statistics of measured run times (microseconds, in run order): the standard deviation of the
     * population (as benchmark_model's Stat), percentiles by nearest rank, so that
     * min <= p5 <= median <= p95 <= max always holds.
     */
    public static BenchStats of(double[] samplesUs) {
        int n = samplesUs.length;
        if (n == 0) {
            return new BenchStats(0, null, null, null, null, null, null, null, null, null);
        }
        double[] sorted = samplesUs.clone();
        Arrays.sort(sorted);
        double sum = 0;
        for (double v : samplesUs) {
            sum += v;
        }
        double avg = sum / n;
        double squares = 0;
        for (double v : samplesUs) {
            squares += (v - avg) * (v - avg);
        }
        return new BenchStats(n, samplesUs[0], samplesUs[n - 1], sorted[0], sorted[n - 1], avg, Math.sqrt(squares / n),
                percentile(sorted, 5), percentile(sorted, 50), percentile(sorted, 95));
    }

    /** Nearest-rank percentile of sorted values: the smallest value with at least p% of the values at or below it. */
    static double percentile(double[] sorted, double p) {
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    /** The median when printed, else the average (old tools print no median). */
    public Double typical() {
        return median != null ? median : avg;
    }

    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("count", count);
        m.put("first_us", first);
        m.put("curr_us", curr);
        m.put("min_us", min);
        m.put("max_us", max);
        m.put("avg_us", avg);
        m.put("std_us", std);
        m.put("p5_us", p5);
        m.put("median_us", median);
        m.put("p95_us", p95);
        return m;
    }
}
