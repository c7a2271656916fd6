package isptool.backends.verify;

import isptool.graph.ModelException;
import isptool.graph.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How far one output is from its reference, element by element, in double precision, over the
 * elements that are finite in both:
 *
 * <pre>
 *   maxAbs = max |a - r|
 *   range  = max(r) - min(r), or max |r| if that is 0 (a constant output), or 1 if r is all zero
 *   maxRel = maxAbs / range
 *   psnr   = 10 log10(range^2 / mean((a - r)^2))   (+inf when equal)
 *   cosine = (a . r) / (|a| |r|)                    (1 when both are all zero)
 * </pre>
 *
 * Non-finite elements are counted apart ({@link NonFinite}). Where one side is NaN or infinite and
 * the other is not the same (NaN against NaN, +inf against +inf), the outputs differ: maxAbs and
 * maxRel are +inf and psnr is -inf. Non-finite values at exactly the same places in both are
 * allowed (a model may compute -inf on purpose), but an output with no finite value at all proves
 * nothing and never counts as a match.
 *
 * <p>Values smaller in magnitude than float32's smallest normal number (1.18e-38) are compared as
 * 0 and counted ({@link #subnormal}): onnxruntime computes with subnormal numbers, while TFLite's
 * XNNPACK kernels run with denormals flushed to zero, so a model with weights like 1e-42 gives
 * outputs around 1e-41 in one and exactly 0 in the other. Both are float32's underflow range,
 * below its 24-bit precision; measured against such a tiny output range they would otherwise be
 * 100% apart.
 */
public record Comparison(String output, double maxAbs, double maxRel, double psnr, double cosine, NonFinite nonFinite,
        int subnormal) {

    /**
     * Non-finite elements: how many in the reference and in the result, at how many places the two
     * differ (finite against non-finite, NaN against inf, +inf against -inf), and the first index
     * where they differ (or, if they never do, the first non-finite one), -1 for none.
     */
    public record NonFinite(int elements, int inReference, int inResult, int differing, int firstIndex,
            double referenceAtFirst, double resultAtFirst) {
        static final NonFinite NONE = new NonFinite(0, 0, 0, 0, -1, 0, 0);

        public boolean any() {
            return inReference > 0 || inResult > 0;
        }

        /** Every element is non-finite in both outputs (so nothing was compared). */
        public boolean all() {
            return elements > 0 && differing == 0 && inReference == elements;
        }

        /** What is wrong or notable, for the report line; empty when every element is finite in both. */
        public String describe() {
            if (!any()) {
                return "";
            }
            if (differing > 0) {
                return String.format(Locale.ROOT, "%d non-finite values in the result and %d in the reference, at"
                        + " %d different places (first at index %d: result %s, reference %s)", inResult, inReference,
                        differing, firstIndex, number(resultAtFirst), number(referenceAtFirst));
            }
            if (all()) {
                return String.format(Locale.ROOT, "all %d values are non-finite in both the result and the reference"
                        + " (first: %s), nothing to compare", elements, number(referenceAtFirst));
            }
            return String.format(Locale.ROOT, "%d of %d values are non-finite in both, at the same places (first at"
                    + " index %d: %s); compared on the finite values", inReference, elements, firstIndex,
                    number(referenceAtFirst));
        }
    }

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
        int finite = 0;
        int inRef = 0;
        int inAct = 0;
        int differing = 0;
        int first = -1;
        int firstDiffering = -1;
        int subnormal = 0;
        for (int i = 0; i < n; i++) {
            double r0 = reference.getDouble(i);
            double a0 = actual.getDouble(i);
            double r = flushSubnormal(r0);
            double a = flushSubnormal(a0);
            if (r != r0 || a != a0) {
                subnormal++;
            }
            boolean rf = Double.isFinite(r);
            boolean af = Double.isFinite(a);
            if (rf && af) {
                finite++;
                min = Math.min(min, r);
                max = Math.max(max, r);
                maxMagnitude = Math.max(maxMagnitude, Math.abs(r));
                double d = Math.abs(a - r);
                maxAbs = Math.max(maxAbs, d);
                sumSq += d * d;
                dot += a * r;
                normR += r * r;
                normA += a * a;
                continue;
            }
            inRef += rf ? 0 : 1;
            inAct += af ? 0 : 1;
            if (first < 0) {
                first = i;
            }
            if (!sameNonFinite(r, a)) {
                differing++;
                if (firstDiffering < 0) {
                    firstDiffering = i;
                }
            }
        }
        int at = firstDiffering >= 0 ? firstDiffering : first;
        NonFinite nf = at < 0 ? NonFinite.NONE
                : new NonFinite(n, inRef, inAct, differing, at, reference.getDouble(at), actual.getDouble(at));
        double range = max > min ? max - min : maxMagnitude > 0 ? maxMagnitude : 1;
        double cosine = normR == 0 && normA == 0 ? 1 : normR == 0 || normA == 0 ? 0 : dot / Math.sqrt(normR * normA);
        if (differing > 0) {
            return new Comparison(output, Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY,
                    Double.NEGATIVE_INFINITY, cosine, nf, subnormal);
        }
        if (n > 0 && finite == 0) {
            return new Comparison(output, Double.NaN, Double.NaN, Double.NaN, Double.NaN, nf, subnormal);
        }
        double mse = finite == 0 ? 0 : sumSq / finite;
        double psnr = mse == 0 ? Double.POSITIVE_INFINITY : 10 * Math.log10(range * range / mse);
        return new Comparison(output, maxAbs, maxAbs / range, psnr, cosine, nf, subnormal);
    }

    /** 0 for a float32 subnormal (|v| below Float.MIN_NORMAL), v otherwise (NaN and inf included). */
    private static double flushSubnormal(double v) {
        return Math.abs(v) < Float.MIN_NORMAL ? 0 : v;
    }

    private static boolean sameNonFinite(double r, double a) {
        return (Double.isNaN(r) && Double.isNaN(a)) || r == a;
    }

    /** True if every element is equal (bitwise equal tensors always are) and at least one is finite. */
    public boolean isExact() {
        return maxAbs == 0 && nonFinite.differing() == 0;
    }

    /**
     * True if the largest error is at most tolerance times the reference range, non-finite values
     * are at the same places in both, and something finite was compared.
     */
    public boolean withinRelative(double tolerance) {
        return nonFinite.differing() == 0 && !nonFinite.all() && maxRel <= tolerance;
    }

    /**
     * One line for reports: {@code output "y": max abs 3.1e-07, rel 2.2e-08, PSNR 148.3 dB, cosine 1.000000},
     * followed by what is non-finite, if anything.
     */
    @Override
    public String toString() {
        if (nonFinite.all()) {
            return "output \"" + output + "\": " + nonFinite.describe();
        }
        String line = String.format(Locale.ROOT, "output \"%s\": max abs %.1e, rel %.1e, PSNR %s dB, cosine %.6f",
                output, maxAbs, maxRel, db(psnr), cosine);
        if (subnormal > 0) {
            line += String.format(Locale.ROOT, "; %d subnormal values (below 1.2e-38, which XNNPACK flushes to zero)"
                    + " compared as 0", subnormal);
        }
        return nonFinite.any() ? line + "; " + nonFinite.describe() : line;
    }

    /** A PSNR for printing: "inf", "-inf", "n/a" (NaN: nothing compared) or one decimal. */
    public static String db(double psnr) {
        if (Double.isNaN(psnr)) {
            return "n/a";
        }
        return Double.isInfinite(psnr) ? (psnr > 0 ? "inf" : "-inf") : String.format(Locale.ROOT, "%.1f", psnr);
    }

    private static String number(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        return Double.isInfinite(v) ? (v > 0 ? "inf" : "-inf") : String.format(Locale.ROOT, "%.4g", v);
    }
}
