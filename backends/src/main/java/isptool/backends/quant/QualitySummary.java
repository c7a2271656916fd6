package isptool.backends.quant;

import isptool.backends.verify.Comparison;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A quantized model's quality rows summed up for reports and judged: per output over several
 * samples ({@link Aggregate}), rows as JSON, and a PSNR as people read it.
 */
public final class QualitySummary {
    /**
     * One output over several samples: mean and lowest PSNR, largest max abs error, lowest cosine, and
     * what was wrong with non-finite values on the first sample where they differ or fill the output
     * (null if none did).
     */
    public record Aggregate(String output, int samples, double meanPsnr, double minPsnr, double maxAbs,
            double minCosine, String nonFinite) {
        public Map<String, Object> toJson() {
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

    private QualitySummary() {
    }

    /** Per output, the aggregate over the rows of every sample (each list holds one row per output). */
    public static List<Aggregate> aggregate(List<List<QualityReport.Row>> perSample) {
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
                cs.stream().filter(QualitySummary::nonFiniteFails).findFirst()
                        .map(c -> c.nonFinite().describe()).orElse(null))));
        return result;
    }

    /** Non-finite values that make the comparison meaningless: at different places, or everywhere. */
    public static boolean nonFiniteFails(Comparison c) {
        return c.nonFinite().differing() > 0 || c.nonFinite().all();
    }

    public static List<Object> rowsJson(List<QualityReport.Row> rows) {
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

    /** "41.07 dB", "inf", "-inf" or "n/a". */
    public static String db(double psnr) {
        if (Double.isNaN(psnr)) {
            return "n/a";
        }
        return Double.isInfinite(psnr) ? (psnr > 0 ? "inf" : "-inf") : String.format(Locale.ROOT, "%.2f dB", psnr);
    }
}
