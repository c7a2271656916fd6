package isptool.cli;

import isptool.backends.bench.BenchMemory;
import isptool.backends.bench.BenchResult;
import isptool.backends.bench.BenchRun;
import isptool.backends.bench.BenchStats;
import isptool.backends.bench.ToolEra;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;

/** The bench result as a table, one row per target and delegate, then each row's details. */
final class BenchTable {
    private BenchTable() {
    }

    static void print(PrintWriter out, List<BenchRun> runs) {
        // a device serial (127.0.0.1:40123, R5CT12345XY) is often wider than "host"
        int targetWidth = Math.max(10, runs.stream().mapToInt(r -> r.target().length()).max().orElse(0));
        int delegateWidth = Math.max(9, runs.stream().mapToInt(r -> r.delegate().length()).max().orElse(0));
        String row = "  %-" + targetWidth + "s %-" + delegateWidth + "s %10s %10s %9s  %-24s %s%n";
        out.printf(row, "target", "delegate", "median ms", "p95 ms", "FPS", "delegation", "peak memory");
        for (BenchRun r : runs) {
            BenchResult b = r.result();
            Double ms = b.typicalMs();
            BenchStats s = b.inference();
            out.printf(Locale.ROOT, row, r.target(), r.delegate(), ms(ms),
                    ms(s == null ? null : s.p95() == null ? null : s.p95() / 1000), ms == null ? "-" : fps(ms),
                    b.delegation(), memory(b));
        }
        for (BenchRun r : runs) {
            out.printf("  %s/%s: %s%n", r.target(), r.delegate(), details(r.result()));
        }
    }

    /** {@code init 12.3 ms, first 2.10 ms, warm-up avg 1.31 ms (2 runs); 812 runs: mean ..., std ..., min ..., p5 ..., max ...}. */
    static String details(BenchResult b) {
        if (!b.hasTimings()) {
            return "no result: " + b.problem();
        }
        List<String> parts = new java.util.ArrayList<>();
        if (b.initUs() != null || b.firstInferenceUs() != null) {
            parts.add("init " + ms(us(b.initUs())) + " ms, first inference " + ms(us(b.firstInferenceUs())) + " ms");
        }
        BenchStats w = b.warmup();
        if (w != null && w.avg() != null) {
            parts.add("warm-up avg " + ms(w.avg() / 1000) + " ms"
                    + (w.count() == null ? "" : " (" + w.count() + (w.count() == 1 ? " run)" : " runs)")));
        }
        StringBuilder sb = new StringBuilder(String.join(", ", parts));
        BenchStats s = b.inference();
        sb.append(parts.isEmpty() ? "" : "; ").append(s.count() == null ? "" : s.count() + " runs: ").append("mean ")
                .append(ms(us(s.avg()))).append(" ms");
        // qnn-profile-viewer gives the average only
        if (s.std() != null || s.min() != null || s.max() != null) {
            sb.append(", std ").append(ms(us(s.std()))).append(", min ").append(ms(us(s.min())))
                    .append(", p5 ").append(ms(us(s.p5()))).append(", max ").append(ms(us(s.max())));
        }
        if (b.memory().heapPeakMb() != null) {
            sb.append(String.format(Locale.ROOT, "; Java heap peak %.1f MB", b.memory().heapPeakMb()));
        }
        return sb.toString();
    }

    private static String memory(BenchResult b) {
        Double peak = b.memory().peakMb();
        if (peak != null) {
            return String.format(Locale.ROOT, "%.1f MB%s", peak, b.era() == ToolEra.HOST
                    ? " (process RSS)" : "");
        }
        Double overall = b.memory().overallMb();
        return overall == null ? "-" : String.format(Locale.ROOT, "%.1f MB (%s)", overall,
                b.memory().wording() == BenchMemory.Wording.DELTA ? "delta" : "footprint");
    }

    private static Double us(Double micros) {
        return micros == null ? null : micros / 1000;
    }

    static String ms(Double ms) {
        if (ms == null) {
            return "-";
        }
        return ms >= 100 ? String.format(Locale.ROOT, "%.1f", ms) : ms >= 1 ? String.format(Locale.ROOT, "%.2f", ms)
                : String.format(Locale.ROOT, "%.3f", ms);
    }

    private static String fps(double ms) {
        return String.format(Locale.ROOT, "%.1f", 1000 / ms);
    }
}
