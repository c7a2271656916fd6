package isptool.backends.verify;

import isptool.graph.Tensor;
import java.util.Locale;

/**
 * The NaN and infinite elements of a floating-point tensor: how many of each and where the first
 * one is. Integer tensors never have any.
 */
public record NonFiniteValues(int nan, int positiveInf, int negativeInf, int firstIndex, double first) {

    /** Counts t's non-finite elements; null if there are none. */
    public static NonFiniteValues of(Tensor t) {
        if (!t.dtype().isFloatingPoint()) {
            return null;
        }
        int nan = 0;
        int pos = 0;
        int neg = 0;
        int first = -1;
        int n = t.elementCount();
        for (int i = 0; i < n; i++) {
            double v = t.getDouble(i);
            if (Double.isFinite(v)) {
                continue;
            }
            if (Double.isNaN(v)) {
                nan++;
            } else if (v > 0) {
                pos++;
            } else {
                neg++;
            }
            if (first < 0) {
                first = i;
            }
        }
        return first < 0 ? null : new NonFiniteValues(nan, pos, neg, first, t.getDouble(first));
    }

    public int count() {
        return nan + positiveInf + negativeInf;
    }

    /** E.g. {@code 3 NaN and 1 -inf values (the first at index 7 is NaN)}. */
    public String describe() {
        StringBuilder b = new StringBuilder();
        append(b, nan, "NaN");
        append(b, positiveInf, "+inf");
        append(b, negativeInf, "-inf");
        return String.format(Locale.ROOT, "%s value%s (the first at index %d is %s)", b, count() == 1 ? "" : "s",
                firstIndex, Double.isNaN(first) ? "NaN" : first > 0 ? "+inf" : "-inf");
    }

    private static void append(StringBuilder b, int n, String what) {
        if (n == 0) {
            return;
        }
        if (b.length() > 0) {
            b.append(" and ");
        }
        b.append(n).append(' ').append(what);
    }
}
