package isptool.backends.html;

import isptool.backends.target.OpVerdict;
import isptool.backends.target.PartitionPlan;
import isptool.backends.target.TargetReport;
import isptool.backends.tflite.TfliteModel;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The page of {@code check --html}: for each target, the model's graph coloured by where each
 * operator runs (the delegate or the CPU), the delegate's partitions outlined, each refused
 * operator outlined in red with its reasons and swap in its panel and in a table. Targets with the
 * same outcome (same partitions, same refusals in the same words) share one drawing, so
 * {@code --target all} shows as many drawings as there are different answers.
 */
public final class CheckPage {
    private CheckPage() {
    }

    /**
     * The page for the model file (titled by its file name, the path as given below the title),
     * described by source ("TFLite", "ONNX, converted in memory at fp32").
     */
    public static HtmlPage of(Path model, String source, TfliteModel m, List<TargetReport> reports) {
        HtmlPage page = new HtmlPage(model.getFileName() + ": where each operator runs")
                .subtitle(model + " (" + source + ", " + m.operators().size() + " operators)");
        summary(page.section("Targets"), m, reports);
        Map<String, List<TargetReport>> outcomes = new LinkedHashMap<>();
        for (TargetReport r : reports) {
            outcomes.computeIfAbsent(outcome(r), k -> new ArrayList<>()).add(r);
        }
        int k = 0;
        for (List<TargetReport> same : outcomes.values()) {
            target(page, same, m, "t" + k++ + ":");
        }
        return page;
    }

    private static void summary(HtmlPage.Section s, TfliteModel m, List<TargetReport> reports) {
        List<List<?>> rows = new ArrayList<>();
        for (TargetReport r : reports) {
            PartitionPlan p = r.plan();
            rows.add(List.of(r.target().name(), p.verdict().words, p.delegatedOperators() + " / " + m.operators().size(),
                    p.delegatePartitions(), p.cpuIslands(), p.crossingTensors(), kb(p.crossingBytes()),
                    r.refusedOps().isEmpty() ? "" : r.refusedOps().toString().replaceAll("[{}]", "")));
        }
        s.table(List.of("target", "verdict", "delegated ops", "partitions", "CPU islands", "crossing tensors",
                "crossing KB per inference", "refused ops"), rows);
    }

    /** One section for targets with the same outcome: figures, the coloured graph, the refusals. */
    private static void target(HtmlPage page, List<TargetReport> same, TfliteModel m, String keyPrefix) {
        TargetReport r = same.get(0);
        PartitionPlan p = r.plan();
        String delegate = r.target().family().delegate;
        List<String> names = same.stream().map(t -> t.target().name()).toList();
        HtmlPage.Section s = page.section(String.join(", ", names) + ": " + p.verdict().words);
        s.text(String.join("; ", same.stream().map(t -> t.target().description()).toList()));
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("operators on the " + delegate, p.delegatedOperators() + " / " + m.operators().size());
        facts.put("delegate partitions", p.delegatePartitions());
        facts.put("CPU islands", p.cpuIslands());
        facts.put("refused operators", r.refused().size());
        facts.put("tensors crossing", p.crossingTensors() + " (" + kb(p.crossingBytes()) + " KB)");
        s.facts(facts);
        Map<String, String> legend = new LinkedHashMap<>();
        legend.put("run-delegate", "runs on the " + delegate);
        legend.put("run-cpu", "runs on the CPU");
        legend.put("refused", "refused by the " + delegate + " (reasons in its panel and below)");
        legend.put("partition", "a partition of the " + delegate);
        Diagram d = GraphDrawing.of(m);
        if (d.boxes().stream().anyMatch(b -> b.has("transpose"))) {
            legend.put("transpose", "TRANSPOSE left in the model");
        }
        if (d.boxes().stream().anyMatch(b -> b.has("float-island"))) {
            legend.put("float-island", "float operator between DEQUANTIZE and QUANTIZE");
        }
        s.legend(legend);

        for (OpVerdict v : r.operators()) {
            Diagram.Box b = d.box(GraphDrawing.operatorId(v.index()));
            boolean onDelegate = !isCpu(p, v.index());
            b.fill(onDelegate ? "run-delegate" : "run-cpu");
            b.note("runs on", onDelegate ? delegate : "CPU");
            if (!v.runs()) {
                b.mark("refused").note("refused because", v.reasons());
                b.note("swap", v.swap() == null ? "none" : v.swap());
            } else if (p.dropped().get(v.index())) {
                b.note("CPU because", "the " + delegate + " keeps at most " + r.target().maxPartitions()
                        + " partitions; this one is smaller");
            }
        }
        int k = 0;
        for (PartitionPlan.Segment seg : p.segments()) {
            if (seg.delegated()) {
                int n = seg.operators().size();
                d.group("partition " + ++k + " (" + n + (n == 1 ? " op)" : " ops)"), "partition",
                        seg.operators().stream().map(GraphDrawing::operatorId).toList());
            }
        }
        s.svg(d.draw(page, keyPrefix).svg());
        if (!r.refused().isEmpty()) {
            List<List<?>> rows = new ArrayList<>();
            for (OpVerdict v : r.refused()) {
                rows.add(java.util.Arrays.asList(v.index(), v.op(), v.onnxNode(), v.reasons(), v.swap()));
            }
            s.section("Refused operators").table(List.of("#", "op", "ONNX node", "why", "swap"), rows);
        }
    }

    private static boolean isCpu(PartitionPlan p, int op) {
        return p.segments().stream().anyMatch(s -> !s.delegated() && s.operators().contains(op));
    }

    /** What makes two targets' sections the same: the segments and every refusal, word for word. */
    private static String outcome(TargetReport r) {
        StringBuilder b = new StringBuilder(r.target().family().name()).append('|');
        r.plan().segments().forEach(s -> b.append(s.delegated()).append(s.operators()).append(';'));
        r.refused().forEach(v -> b.append(v.index()).append(v.reasons()).append(v.swap()).append(';'));
        return b.append(r.plan().dropped()).toString();
    }

    private static String kb(long bytes) {
        return String.format(Locale.ROOT, "%.1f", bytes / 1024.0);
    }
}
