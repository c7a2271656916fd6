package isptool.backends.html;

import isptool.backends.bench.OpProfileRow;
import isptool.backends.bench.OpTimes;
import isptool.backends.html.charts.BarChart;
import java.util.List;
import java.util.Locale;

/**
 * The op profile of --profile-ops runs on the bench page: per run, the slowest ops (named by the
 * ONNX node they came from when the model carries the mapping, else by their output tensors) and
 * the time by op type, as bar charts of average ms per run; ops taking a quarter of the run or
 * more are marked.
 */
final class BenchOpsSection {
    /** An op at or above this share of the run is marked. */
    static final double HEAVY_PERCENT = 25;

    private BenchOpsSection() {
    }

    static void add(HtmlPage.Section s, List<BenchPage.Row> rows, int top) {
        s.text(String.format(Locale.ROOT, "benchmark_model's op profiler: average ms per run of each op; ops at %.0f%% "
                + "of the run or more are marked.", HEAVY_PERCENT));
        List<String> without = rows.stream().filter(r -> r.run().result().ops().isEmpty())
                .map(r -> BenchPage.name(r.run())).toList();
        if (!without.isEmpty()) {
            s.text("No op profile from " + String.join(", ", without) + ".");
        }
        for (BenchPage.Row r : rows) {
            OpTimes t = new OpTimes(r.run().result().ops());
            String name = BenchPage.name(r.run());
            if (t.isEmpty()) {
                continue;
            }
            HtmlPage.Section run = s.section(String.format(Locale.ROOT, "%s: %d ops, %s ms per run in all", name,
                    t.opCount(), BenchPage.fmt(t.totalMs())));
            List<BarChart.Bar> slowest = t.slowest(top).stream().map(op -> new BarChart.Bar(label(op), op.avgMs(),
                    String.format(Locale.ROOT, "%s, %.1f%% of the run, first run %s ms, called %d time%s%s", op.nodeType(),
                            t.share(op.avgMs()), BenchPage.fmt(op.firstMs()), op.timesCalled(),
                            op.timesCalled() == 1 ? "" : "s", op.onnxNode() == null ? "" : "\noutput " + op.name()),
                    t.share(op.avgMs()) >= HEAVY_PERCENT)).toList();
            run.text("The " + slowest.size() + " slowest ops:");
            run.svg(BarChart.svg("average time per run (ms)", " ms", slowest, null));
            List<BarChart.Bar> types = t.byType().stream().map(type -> new BarChart.Bar(type.nodeType(), type.avgMs(),
                    String.format(Locale.ROOT, "%d op%s, %.1f%% of the run", type.ops(), type.ops() == 1 ? "" : "s",
                            type.percent()), type.percent() >= HEAVY_PERCENT)).toList();
            run.text("By op type:");
            run.svg(BarChart.svg("average time per run (ms)", " ms", types, null));
        }
    }

    /** The ONNX node when known (what the user wrote), else the op's output tensors, with the op type. */
    private static String label(OpProfileRow op) {
        return (op.onnxNode() != null ? op.onnxNode() : op.name()) + " (" + op.opName() + ")";
    }
}
