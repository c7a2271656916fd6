package isptool.backends.bench;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a run's time goes, from benchmark_model's per-op profile: the slowest ops and the time by
 * op type, as shares of the profiled total (sum of every op's average).
 */
public final class OpTimes {
    /** One op type's total: how many ops of it, their summed average ms, and their share in percent. */
    public record TypeTotal(String nodeType, int ops, double avgMs, double percent) {
    }

    private final List<OpProfileRow> rows;
    private final double totalMs;

    public OpTimes(List<OpProfileRow> rows) {
        this.rows = List.copyOf(rows);
        this.totalMs = rows.stream().mapToDouble(OpProfileRow::avgMs).sum();
    }

    public boolean isEmpty() {
        return rows.isEmpty();
    }

    public int opCount() {
        return rows.size();
    }

    /** The summed average of every profiled op, ms per run. */
    public double totalMs() {
        return totalMs;
    }

    /** The n slowest ops by average time, slowest first (ties: run order). */
    public List<OpProfileRow> slowest(int n) {
        return rows.stream().sorted(Comparator.comparingDouble(OpProfileRow::avgMs).reversed()).limit(n).toList();
    }

    /** Totals per op type, the costliest first. */
    public List<TypeTotal> byType() {
        Map<String, double[]> sums = new LinkedHashMap<>();
        for (OpProfileRow r : rows) {
            double[] s = sums.computeIfAbsent(r.nodeType(), k -> new double[2]);
            s[0]++;
            s[1] += r.avgMs();
        }
        List<TypeTotal> r = new ArrayList<>();
        sums.forEach((type, s) -> r.add(new TypeTotal(type, (int) s[0], s[1], share(s[1]))));
        r.sort(Comparator.comparingDouble(TypeTotal::avgMs).reversed());
        return r;
    }

    /** ms as a percentage of the total (0 when nothing was timed). */
    public double share(double ms) {
        return totalMs > 0 ? 100 * ms / totalMs : 0;
    }
}
