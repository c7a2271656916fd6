package isptool.backends.html;

import isptool.backends.bench.BenchResult;
import isptool.backends.bench.BenchRun;
import isptool.backends.bench.BenchStats;
import isptool.backends.bench.Partitioning;
import isptool.backends.html.charts.BarChart;
import isptool.backends.html.charts.LineChart;
import isptool.backends.html.charts.WhiskerChart;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The page of {@code bench --html}: latency per target (host or device) and delegate as bars at the
 * median with p5–p95 whiskers, the delegation verdicts with their partitions, the MAI 2021 score
 * when the PSNR is known, the time per op (slowest ops, time by op type) of --profile-ops runs,
 * and earlier runs' medians (their --json) with this one as a trend.
 */
public final class BenchPage {
    /** How many of the slowest ops the op charts show. */
    public static final int TOP_OPS = 10;

    /** A bench row with what the command knows beside it: why it failed (null: it did not), its MAI score (null: unknown). */
    public record Row(BenchRun run, String failure, Double maiScore) {
    }

    /** One earlier bench (its --json): a label (the file name) and each row's median in ms (null: no result). */
    public record Earlier(String label, List<Median> medians) {
    }

    /** A row's median of an earlier bench. */
    public record Median(String target, String delegate, Double ms) {
    }

    private final String model;
    private final String where;
    private final Map<String, String> targets = new LinkedHashMap<>();
    private final List<Row> rows = new ArrayList<>();
    private final List<Earlier> earlier = new ArrayList<>();
    private Double psnrDb;
    private String psnrSource;

    /**
     * @param model the benchmarked model, as given on the command line
     * @param where how it ran, e.g. "host (TFLite interpreter in-process, 1 thread, XNNPACK)"
     */
    public BenchPage(String model, String where) {
        this.model = model;
        this.where = where;
    }

    /** What a target is (a device serial → "Pixel 7, gs201, Android SDK 34, arm64-v8a"), for its heading. */
    public BenchPage target(String target, String description) {
        targets.put(target, description);
        return this;
    }

    public BenchPage row(BenchRun run, String failure, Double maiScore) {
        rows.add(new Row(run, failure, maiScore));
        return this;
    }

    /** The PSNR the MAI scores were computed with, and where it came from (null: given on the command line). */
    public BenchPage psnr(double db, String source) {
        this.psnrDb = db;
        this.psnrSource = source;
        return this;
    }

    /** Earlier benches, oldest first; drawn before this one in the trend. */
    public BenchPage earlier(List<Earlier> runs) {
        earlier.addAll(runs);
        return this;
    }

    public HtmlPage page() {
        HtmlPage page = new HtmlPage(model + ": bench").subtitle(where);
        HtmlPage.Section summary = page.section("Summary");
        summary.facts(facts());
        latency(page.section("Latency per target and delegate"));
        delegation(page.section("Delegation"));
        if (psnrDb != null) {
            scores(page.section("MAI 2021 score"));
        }
        if (rows.stream().anyMatch(r -> !r.run().result().ops().isEmpty())) {
            BenchOpsSection.add(page.section("Time per op"), rows, TOP_OPS);
        }
        if (!earlier.isEmpty()) {
            trend(page.section("Trend over runs"));
        }
        return page;
    }

    private Map<String, Object> facts() {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("runs", rows.size());
        f.put("with results", rows.stream().filter(r -> r.failure() == null && r.run().result().ok()).count());
        Row fastest = rows.stream().filter(r -> r.run().result().typicalMs() != null)
                .min((a, b) -> Double.compare(a.run().result().typicalMs(), b.run().result().typicalMs())).orElse(null);
        if (fastest != null) {
            f.put("fastest median (" + name(fastest.run()) + ")", fmt(fastest.run().result().typicalMs()) + " ms");
        }
        rows.stream().filter(r -> r.maiScore() != null).mapToDouble(Row::maiScore).max()
                .ifPresent(s -> f.put("best MAI 2021 score", String.format(Locale.ROOT, "%.2f", s)));
        return f;
    }

    private void latency(HtmlPage.Section s) {
        s.text("Bars: the median run time; whiskers: p5 to p95 of the timed runs (older benchmark_model versions and "
                + "qnn-net-run print no percentiles: no whisker). Hover a bar for its figures.");
        List<WhiskerChart.Item> items = new ArrayList<>();
        List<List<?>> table = new ArrayList<>();
        for (Row r : rows) {
            BenchResult b = r.run().result();
            BenchStats st = b.inference();
            String group = targets.containsKey(r.run().target())
                    ? r.run().target() + " (" + targets.get(r.run().target()) + ")" : r.run().target();
            String problem = r.failure() != null ? r.failure() : b.problem();
            if (b.typicalMs() == null) {
                items.add(new WhiskerChart.Item(group, r.run().delegate(), null, null, null, null, "no result: " + problem));
            } else {
                items.add(new WhiskerChart.Item(group, r.run().delegate(), b.typicalMs(), toMs(st.p5()), toMs(st.p95()),
                        details(b), null));
            }
            table.add(List.of(r.run().target(), r.run().delegate(), cell(b.typicalMs()),
                    cell(st == null ? null : toMs(st.p5())), cell(st == null ? null : toMs(st.p95())),
                    cell(st == null ? null : toMs(st.avg())), cell(st == null ? null : toMs(st.std())),
                    cell(toMs(b.initUs())), cell(toMs(b.firstInferenceUs())), st == null || st.count() == null ? "-" : st.count(),
                    problem == null ? "" : problem));
        }
        s.svg(WhiskerChart.svg("median inference time (ms), whiskers p5–p95", " ms", items));
        s.table(List.of("target", "delegate", "median ms", "p5 ms", "p95 ms", "mean ms", "std ms", "init ms",
                "first ms", "runs", "problem"), table);
    }

    private static String details(BenchResult b) {
        BenchStats st = b.inference();
        List<String> parts = new ArrayList<>();
        if (st.avg() != null) {
            parts.add("mean " + fmt(st.avg() / 1000) + " ms" + (st.std() == null ? "" : ", std " + fmt(st.std() / 1000) + " ms"));
        }
        if (st.min() != null && st.max() != null) {
            parts.add("min " + fmt(st.min() / 1000) + " ms, max " + fmt(st.max() / 1000) + " ms");
        }
        if (st.count() != null) {
            parts.add(st.count() + " timed runs");
        }
        parts.add("delegation: " + b.delegation());
        return String.join("; ", parts);
    }

    private void delegation(HtmlPage.Section s) {
        s.text("What each delegate took: full means every op ran on it; partial leaves ops to the CPU between "
                + "partitions; none and failed ran everything on the CPU.");
        List<List<?>> table = new ArrayList<>();
        for (Row r : rows) {
            BenchResult b = r.run().result();
            List<String> parts = new ArrayList<>();
            for (Partitioning p : b.partitions()) {
                parts.add(p.replacedNodes() + (p.totalNodes() == null ? "" : " of " + p.totalNodes()) + " nodes to "
                        + (p.kernel() == null ? "the delegate" : p.kernel())
                        + (p.partitions() == null ? "" : ", " + p.partitions() + " partition" + (p.partitions() == 1 ? "" : "s")));
            }
            Boolean fallback = b.cpuFallback();
            table.add(List.of(r.run().target(), r.run().delegate(), b.delegation(),
                    fallback == null ? "-" : fallback ? "yes" : "no", String.join("; ", parts),
                    String.join(", ", b.delegatesCreated())));
        }
        s.table(List.of("target", "delegate", "verdict", "CPU fallback", "partitions", "delegates created"), table);
    }

    private void scores(HtmlPage.Section s) {
        s.text(String.format(Locale.ROOT, "score = PSNR + α·(0.2 − clip(runtime s, 0.03, 5)), α = 20 up to 0.2 s, "
                + "else 0.5; PSNR %.2f dB%s.", psnrDb, psnrSource == null ? "" : " (" + psnrSource + ")"));
        List<List<?>> table = new ArrayList<>();
        for (Row r : rows) {
            Double msTime = r.run().result().typicalMs();
            table.add(List.of(r.run().target(), r.run().delegate(), cell(msTime),
                    r.maiScore() == null ? "-" : BigDecimal.valueOf(r.maiScore()).setScale(2, RoundingMode.HALF_EVEN)));
        }
        s.table(List.of("target", "delegate", "median ms", "MAI 2021 score"), table);
    }

    private void trend(HtmlPage.Section s) {
        List<Earlier> all = new ArrayList<>(earlier);
        all.add(new Earlier("this run", rows.stream().map(r -> new Median(r.run().target(), r.run().delegate(),
                r.run().result().typicalMs())).toList()));
        Map<String, List<Double>> series = new LinkedHashMap<>();
        for (int i = 0; i < all.size(); i++) {
            for (Median m : all.get(i).medians()) {
                List<Double> values = series.computeIfAbsent(m.target() + " " + m.delegate(), k -> new ArrayList<>());
                while (values.size() < i) {
                    values.add(null);
                }
                if (values.size() == i) {
                    values.add(m.ms());
                }
            }
        }
        s.text("The median of each target and delegate in the earlier runs given (--html-from, oldest first) and in this one.");
        s.svg(LineChart.svg("median (ms)", " ms", all.stream().map(Earlier::label).toList(),
                series.entrySet().stream().filter(e -> e.getValue().stream().anyMatch(v -> v != null))
                        .map(e -> new LineChart.Series(e.getKey(), e.getValue())).toList()));
    }

    /** ms from microseconds (null stays null). */
    static Double toMs(Double us) {
        return us == null ? null : us / 1000;
    }

    /** A table cell of ms: a number with two decimals (right-aligned), "-" for none. */
    static Object cell(Double ms) {
        return ms == null ? "-" : BigDecimal.valueOf(ms).setScale(2, RoundingMode.HALF_EVEN);
    }

    static String fmt(double ms) {
        return String.format(Locale.ROOT, "%.2f", ms);
    }

    static String name(BenchRun r) {
        return r.target() + " " + r.delegate();
    }
}
