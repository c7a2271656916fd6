package isptool.cli;

import isptool.backends.quant.QualityReport;
import isptool.backends.quant.QualitySummary;
import isptool.backends.quant.QualitySummary.Aggregate;
import isptool.backends.verify.Comparison;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;

/** Tables of a quantized model's quality against float32 onnxruntime. */
final class QualityPrinter {
    private QualityPrinter() {
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

    static String db(double psnr) {
        return QualitySummary.db(psnr);
    }
}
