package isptool.backends.html;

import isptool.backends.html.charts.BarChart;
import isptool.backends.html.charts.HistogramChart;
import isptool.backends.ort.OrtRunner;
import isptool.backends.quant.QualityReport;
import isptool.backends.verify.Comparison;
import isptool.graph.Graph;
import isptool.graph.Tensor;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The quantization parts of the convert page, from plain data: per-layer PSNR as bars (graph
 * order) with the worst layers marked and the {@code --float-ops} regex that keeps exactly those
 * layers float, and the activation histograms of the worst layers with the range quantization
 * chose for each.
 */
public final class QuantSections {
    /** Bins of the activation histograms. */
    public static final int BINS = 64;

    /** One activation: its tensor, the node writing it and that node's op, its values binned, the chosen range. */
    public record ActivationRange(String tensor, String node, String op, HistogramChart.Bins bins, double lo, double hi) {
    }

    private QuantSections() {
    }

    /** The n rows of lowest PSNR, lowest first (NaN rows, no figure, are left out). */
    public static List<QualityReport.Row> worst(List<QualityReport.Row> rows, int n) {
        return rows.stream().filter(r -> !Double.isNaN(r.comparison().psnr()))
                .sorted(Comparator.comparingDouble(r -> r.comparison().psnr())).limit(n).toList();
    }

    /**
     * A regex that matches exactly these ONNX node names and nothing else (as {@code --float-ops}
     * matches a whole name): the names joined by {@code |}, regex metacharacters escaped with a
     * backslash and control characters written as regex escapes ({@code \n}, {@code \x1b}), which
     * match themselves and stay visible on a page or terminal.
     */
    public static String floatOpsRegex(Collection<String> nodes) {
        StringBuilder b = new StringBuilder();
        for (String node : nodes) {
            b.append(b.isEmpty() ? "" : "|");
            for (int i = 0; i < node.length(); i++) {
                char c = node.charAt(i);
                if ("\\^$.|?*+()[]{}".indexOf(c) >= 0) {
                    b.append('\\').append(c);
                } else if (c == '\n' || c == '\r' || c == '\t') {
                    b.append(c == '\n' ? "\\n" : c == '\r' ? "\\r" : "\\t");
                } else if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
                    b.append(c <= 0xff ? String.format("\\x%02x", (int) c) : String.format("\\u%04x", (int) c));
                } else {
                    b.append(c);
                }
            }
        }
        return b.toString();
    }

    /** The option as a shell word: {@code --float-ops 'REGEX'} (a ' in the regex as '\''). */
    public static String floatOpsOption(Collection<String> nodes) {
        return "--float-ops '" + floatOpsRegex(nodes).replace("'", "'\\''") + "'";
    }

    /**
     * Per-layer PSNR bars in the rows' order, the worst n marked, the threshold line at minPsnr
     * (null: none), and the --float-ops option that keeps the worst n layers float.
     */
    public static void perLayerPsnr(HtmlPage.Section s, List<QualityReport.Row> rows, int worst, Double minPsnr) {
        List<QualityReport.Row> bad = worst(rows, worst);
        List<BarChart.Bar> bars = new ArrayList<>();
        for (QualityReport.Row r : rows) {
            Comparison c = r.comparison();
            bars.add(new BarChart.Bar(r.node().isEmpty() ? r.tensor() : r.node(), c.psnr(),
                    String.format(Locale.ROOT, "%s, tensor %s\nmax abs %.3g, cosine %.6f", r.op(), r.tensor(), c.maxAbs(),
                            c.cosine()), bad.contains(r)));
        }
        s.text("PSNR of each layer's output in the written model against float32 (onnxruntime), in graph order; the "
                + bad.size() + " lowest are marked. A low layer early in the graph hurts everything after it.");
        s.svg(BarChart.svg("PSNR against float32 (dB)", " dB", bars,
                minPsnr == null ? null : new BarChart.Threshold(minPsnr, "--min-psnr")));
        if (!bad.isEmpty()) {
            List<String> nodes = bad.stream().map(r -> r.node().isEmpty() ? r.tensor() : r.node()).distinct().toList();
            s.text("To keep the " + nodes.size() + " worst layer" + (nodes.size() == 1 ? "" : "s") + " in float, convert"
                    + " again with: " + floatOpsOption(nodes));
        }
    }

    /**
     * The activations of the given rows over the samples, binned ({@link #BINS} bins over their
     * observed range), each with the range the quantizer chose: {@code ranges} is the quantizer
     * summary's {@code "ranges"} (tensor name → [lo, hi]). Rows whose tensor has no chosen range
     * (kept float) are left out. onnxruntime runs the samples twice, first for the observed
     * ranges, then for the counts, so that no activation is held whole.
     */
    public static List<ActivationRange> activationRanges(Graph g, List<Map<String, Tensor>> samples,
            List<QualityReport.Row> rows, Map<String, ?> ranges) {
        List<QualityReport.Row> ranged = rows.stream().filter(r -> ranges.get(r.tensor()) instanceof List<?> l
                && l.size() == 2).toList();
        List<String> names = ranged.stream().map(QualityReport.Row::tensor).distinct().toList();
        Map<String, double[]> extent = new LinkedHashMap<>();
        Map<String, HistogramChart.Bins> bins = new LinkedHashMap<>();
        try (OrtRunner ort = OrtRunner.openCapturing(g, names, OrtRunner.Options.REFERENCE)) {
            for (Map<String, Tensor> in : samples) {
                ort.run(in, names).forEach((name, t) -> {
                    double[] e = extent.computeIfAbsent(name, k -> new double[] {Double.POSITIVE_INFINITY,
                            Double.NEGATIVE_INFINITY});
                    for (int i = 0, n = t.elementCount(); i < n; i++) {
                        double v = t.getDouble(i);
                        if (Double.isFinite(v)) {
                            e[0] = Math.min(e[0], v);
                            e[1] = Math.max(e[1], v);
                        }
                    }
                });
            }
            extent.forEach((name, e) -> bins.put(name, e[1] >= e[0] ? new HistogramChart.Bins(e[0], e[1], new long[BINS])
                    : new HistogramChart.Bins(0, 0, new long[BINS])));
            for (Map<String, Tensor> in : samples) {
                ort.run(in, names).forEach((name, t) -> {
                    HistogramChart.Bins b = bins.get(name);
                    for (int i = 0, n = t.elementCount(); i < n; i++) {
                        b.add(t.getDouble(i));
                    }
                });
            }
        }
        List<ActivationRange> r = new ArrayList<>();
        for (QualityReport.Row row : ranged) {
            List<?> lohi = (List<?>) ranges.get(row.tensor());
            r.add(new ActivationRange(row.tensor(), row.node(), row.op(), bins.get(row.tensor()),
                    ((Number) lohi.get(0)).doubleValue(), ((Number) lohi.get(1)).doubleValue()));
        }
        return r;
    }

    /** A histogram per activation with its chosen range, and how much of it the range clips. */
    public static void activationHistograms(HtmlPage.Section s, List<ActivationRange> activations) {
        s.text("Values each activation took over the calibration samples (log count), the range quantization chose "
                + "(shaded) and the values it clips (red bins).");
        for (ActivationRange a : activations) {
            long total = 0;
            long clipped = 0;
            HistogramChart.Bins b = a.bins();
            for (int i = 0; i < b.counts().length; i++) {
                double centre = b.min() + (i + 0.5) * b.binWidth();
                total += b.counts()[i];
                clipped += centre < a.lo() || centre > a.hi() ? b.counts()[i] : 0;
            }
            HtmlPage.Section sub = s.section(String.format(Locale.ROOT, "%s (%s): range %.4g .. %.4g", a.node(), a.op(),
                    a.lo(), a.hi()));
            sub.text(String.format(Locale.ROOT, "tensor %s: values %.4g .. %.4g; %d of %d values (%.2f%%) in bins outside"
                    + " the chosen range", a.tensor(), b.min(), b.max(), clipped, total,
                    total == 0 ? 0.0 : 100.0 * clipped / total));
            sub.svg(HistogramChart.svg(a.tensor() + " value", b, a.lo(), a.hi()));
        }
    }
}
