package isptool.backends.verify;

import isptool.graph.ModelException;
import isptool.graph.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How far one output is from its reference, element by element, in double precision:
 *
 * <pre>
 *   maxAbs = max |a - r|
 *   range  = max(r) - min(r), or max |r| if that is 0 (a constant output), or 1 if r is all zero
 *   maxRel = maxAbs / range
 *   psnr   = 10 log10(range^2 / mean((a - r)^2))   (+inf when equal)
 *   cosine = (a . r) / (|a| |r|)                    (1 when both are all zero)
 * </pre>
 *
 * Equal non-finite elements (NaN against NaN, +inf against +inf) count as equal; any other
 * non-finite element makes maxAbs infinite. Range and cosine use the finite elements only.
 */
public record Comparison(String output, double maxAbs, double maxRel, double psnr, double cosine) {

    /** Compares every output of the reference with the output of the same name. */
    public static List<Comparison> compare(Map<String, Tensor> reference, Map<String, Tensor> actual) {
        List<Comparison> r = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : reference.entrySet()) {
            Tensor a = actual.get(e.getKey());
            if (a == null) {
                throw new ModelException("output \"" + e.getKey() + "\" is missing from the compared results; they"
                        + " have " + String.join(", ", actual.keySet()));
            }
            r.add(of(e.getKey(), e.getValue(), a));
        }
        return r;
    }

    public static Comparison of(String output, Tensor reference, Tensor actual) {
        if (!Arrays.equals(reference.shape(), actual.shape())) {
            throw new ModelException("output \"" + output + "\": the reference has shape "
                    + Arrays.toString(reference.shape()) + " but the compared output has "
                    + Arrays.toString(actual.shape()));
        }
        int n = reference.elementCount();
        double maxAbs = 0;
        double sumSq = 0;
        double dot = 0;
        double normR = 0;
        double normA = 0;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        double maxMagnitude = 0;
        for (int i = 0; i < n; i++) {
            double r = reference.getDouble(i);
            double a = actual.getDouble(i);
            if (Double.isFinite(r)) {
                min = Math.min(min, r);
                max = Math.max(max, r);
                maxMagnitude = Math.max(maxMagnitude, Math.abs(r));
            }
            if (Double.isFinite(r) && Double.isFinite(a)) {
                double d = Math.abs(a - r);
                maxAbs = Math.max(maxAbs, d);
                sumSq += d * d;
                dot += a * r;
                normR += r * r;
                normA += a * a;
            } else if (!sameNonFinite(r, a)) {
                maxAbs = Double.POSITIVE_INFINITY;
                sumSq = Double.POSITIVE_INFINITY;
            }
        }
        double range = max > min ? max - min : maxMagnitude > 0 ? maxMagnitude : 1;
        double mse = n == 0 ? 0 : sumSq / n;
        double psnr = mse == 0 ? Double.POSITIVE_INFINITY : 10 * Math.log10(range * range / mse);
        double cosine = normR == 0 && normA == 0 ? 1 : normR == 0 || normA == 0 ? 0 : dot / Math.sqrt(normR * normA);
        return new Comparison(output, maxAbs, maxAbs / range, psnr, cosine);
    }

    private static boolean sameNonFinite(double r, double a) {
        return (Double.isNaN(r) && Double.isNaN(a)) || r == a;
    }

    /** True if every element is equal (bitwise equal tensors always are). */
    public boolean isExact() {
        return maxAbs == 0;
    }

    /** True if the largest error is at most tolerance times the reference range. */
    public boolean withinRelative(double tolerance) {
        return maxRel <= tolerance;
    }

    /** One line for reports: {@code output "y": max abs 3.1e-07, rel 2.2e-08, PSNR 148.3 dB, cosine 1.000000}. */
    @Override
    public String toString() {
        return String.format(Locale.ROOT, "output \"%s\": max abs %.1e, rel %.1e, PSNR %s dB, cosine %.6f", output,
                maxAbs, maxRel, Double.isInfinite(psnr) ? (psnr > 0 ? "inf" : "-inf") : String.format(Locale.ROOT,
                        "%.1f", psnr), cosine);
    }
}
