package isptool.cli;

import isptool.backends.quant.QualityReport;
import isptool.backends.verify.Comparison;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Tables of a quantized model's quality against float32 onnxruntime, and the same as JSON. */
final class QualityPrinter {
    /**
     * One output over several samples: mean and lowest PSNR, largest max abs error, lowest cosine, and
     * what was wrong with non-finite values on the first sample where they differ or fill the output
     * (null if none did).
     */
    record Aggregate(String output, int samples, double meanPsnr, double minPsnr, double maxAbs, double minCosine,
            String nonFinite) {
        Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("output", output);
            m.put("samples", samples);
            m.put("psnr_mean_db", meanPsnr);
            m.put("psnr_min_db", minPsnr);
            m.put("max_abs", maxAbs);
            m.put("cosine_min", minCosine);
            m.put("non_finite", nonFinite);
            return m;
        }
    }

    private QualityPrinter() {
    }

    /** Per output, the aggregate over the rows of every sample (each list holds one row per output). */
    static List<Aggregate> aggregate(List<List<QualityReport.Row>> perSample) {
        Map<String, List<Comparison>> byOutput = new LinkedHashMap<>();
        for (List<QualityReport.Row> rows : perSample) {
            for (QualityReport.Row r : rows) {
                byOutput.computeIfAbsent(r.tensor(), k -> new ArrayList<>()).add(r.comparison());
            }
        }
        List<Aggregate> result = new ArrayList<>();
        byOutput.forEach((output, cs) -> result.add(new Aggregate(output, cs.size(),
                cs.stream().mapToDouble(Comparison::psnr).average().orElse(Double.NaN),
                cs.stream().mapToDouble(Comparison::psnr).min().orElse(Double.NaN),
                cs.stream().mapToDouble(Comparison::maxAbs).max().orElse(Double.NaN),
                cs.stream().mapToDouble(Comparison::cosine).min().orElse(Double.NaN),
                cs.stream().filter(QualityPrinter::nonFiniteFails).findFirst()
                        .map(c -> c.nonFinite().describe()).orElse(null))));
        return result;
    }

    /** Non-finite values that make the comparison meaningless: at different places, or everywhere. */
    static boolean nonFiniteFails(Comparison c) {
        return c.nonFinite().differing() > 0 || c.nonFinite().all();
    }

    static void printAggregates(PrintWriter out, String title, List<Aggregate> rows) {
        out.printf("  %s:%n", title);
        int width = Math.max(6, rows.stream().mapToInt(r -> r.output().length()).max().orElse(0));
        out.printf("    %-" + width + "s  %9s  %9s  %9s  %10s%n", "output", "PSNR mean", "PSNR min", "max abs",
                "cosine min");
        for (Aggregate a : rows) {
            out.printf(Locale.ROOT, "    %-" + width + "s  %9s  %9s  %9.2e  %10.6f%n", a.output(), db(a.meanPsnr()),
                    db(a.minPsnr()), a.maxAbs(), a.minCosine());
        }
        for (Aggregate a : rows) {
            if (a.nonFinite() != null) {
                out.printf("    output \"%s\": %s%n", a.output(), a.nonFinite());
            }
        }
    }

    /** A row per compared tensor; with layers, node and op columns and the lowest PSNR marked. */
    static void printRows(PrintWriter out, String title, List<QualityReport.Row> rows, boolean layers) {
        out.printf("  %s:%n", title);
        int width = Math.max(6, rows.stream().mapToInt(r -> r.tensor().length()).max().orElse(0));
        int nodeWidth = Math.max(4, rows.stream().mapToInt(r -> r.node().length()).max().orElse(0));
        QualityReport.Row worst = rows.stream().min((a, b) -> Double.compare(a.comparison().psnr(),
                b.comparison().psnr())).orElse(null);
        String nodeColumns = layers ? "  %-" + nodeWidth + "s  %-18s" : "%s%s";
        out.printf("    %-" + width + "s" + nodeColumns + "  %9s  %9s  %10s%n", layers ? "tensor" : "output",
                layers ? "node" : "", layers ? "op" : "", "PSNR", "max abs", "cosine");
        for (QualityReport.Row r : rows) {
            Comparison c = r.comparison();
            out.printf(Locale.ROOT, "    %-" + width + "s" + nodeColumns + "  %9s  %9.2e  %10.6f%s%n", r.tensor(),
                    layers ? r.node() : "", layers ? r.op() : "", db(c.psnr()), c.maxAbs(), c.cosine(),
                    layers && r == worst && rows.size() > 1 ? "  <- worst" : "");
        }
        for (QualityReport.Row r : rows) {
            if (r.comparison().nonFinite().any()) {
                out.printf("    %s \"%s\": %s%n", layers ? "tensor" : "output", r.tensor(),
                        r.comparison().nonFinite().describe());
            }
        }
    }

    static List<Object> rowsJson(List<QualityReport.Row> rows) {
        List<Object> r = new ArrayList<>();
        for (QualityReport.Row row : rows) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("tensor", row.tensor());
            m.put("node", row.node());
            m.put("op", row.op());
            m.put("psnr_db", row.comparison().psnr());
            m.put("max_abs", row.comparison().maxAbs());
            m.put("cosine", row.comparison().cosine());
            m.put("non_finite", row.comparison().nonFinite().any() ? row.comparison().nonFinite().describe() : null);
            r.add(m);
        }
        return r;
    }

    static String db(double psnr) {
        if (Double.isNaN(psnr)) {
            return "n/a";
        }
        return Double.isInfinite(psnr) ? (psnr > 0 ? "inf" : "-inf") : String.format(Locale.ROOT, "%.2f dB", psnr);
    }
}
