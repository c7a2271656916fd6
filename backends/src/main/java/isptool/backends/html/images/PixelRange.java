package isptool.backends.html.images;

import isptool.graph.Tensor;
import java.util.Locale;

/**
 * The tensor values shown black to white: [0, 1] clamped when the values lie in [0, 1] up to a
 * small overshoot ({@value #OVERSHOOT} on either side; networks that end without a clamp stray a
 * little), else the values' own min..max stretched. A pixel's 8-bit level is
 * {@code round(clamp((v - lo) / (hi - lo), 0, 1) * 255)}.
 */
public record PixelRange(double lo, double hi, boolean stretched) {
    /** How far outside [0, 1] values may stray and still be shown as [0, 1] clamped. */
    public static final double OVERSHOOT = 0.05;

    public static final PixelRange UNIT = new PixelRange(0, 1, false);

    public PixelRange {
        if (!(hi > lo)) {
            throw new IllegalArgumentException("pixel range " + lo + ".." + hi + " is empty");
        }
    }

    /** The range for these tensors shown together (e.g. a reference output and a model's output). */
    public static PixelRange of(Tensor... tensors) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (Tensor t : tensors) {
            for (int i = 0, n = t.elementCount(); i < n; i++) {
                double v = t.getDouble(i);
                if (Double.isFinite(v)) {
                    min = Math.min(min, v);
                    max = Math.max(max, v);
                }
            }
        }
        if (!(max >= min) || (min >= -OVERSHOOT && max <= 1 + OVERSHOOT)) {
            return UNIT;
        }
        return new PixelRange(min, max > min ? max : min + 1, true);
    }

    /** The 8-bit level of a value (NaN shows black). */
    public int level(double v) {
        if (Double.isNaN(v)) {
            return 0;
        }
        double x = (v - lo) / (hi - lo);
        return (int) Math.round(Math.max(0, Math.min(1, x)) * 255);
    }

    /** What the page says under the image. */
    public String describe() {
        return stretched
                ? String.format(Locale.ROOT, "values %.4g..%.4g stretched to black..white (not a [0, 1] image)", lo, hi)
                : "values in [0, 1], clamped";
    }
}
