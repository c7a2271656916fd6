package isptool.backends.html.charts;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A value axis with "nice" ticks (steps of 1, 2 or 5 times a power of ten) covering the data,
 * mapped onto a pixel span: {@code pixel = from + (v - lo) / (hi - lo) * (to - from)}.
 */
public final class Axis {
    private final double lo;
    private final double hi;
    private final double step;
    private final double from;
    private final double to;

    private Axis(double lo, double hi, double step, double from, double to) {
        this.lo = lo;
        this.hi = hi;
        this.step = step;
        this.from = from;
        this.to = to;
    }

    /** An axis covering min..max (finite) with about ticks intervals, drawn from pixel from to pixel to. */
    public static Axis covering(double min, double max, int ticks, double from, double to) {
        if (!(max > min)) {
            double pad = min == 0 ? 1 : Math.abs(min) * 0.1;
            min -= max == min && min == 0 ? 0 : pad;
            max += pad;
        }
        double raw = (max - min) / Math.max(1, ticks);
        double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
        double norm = raw / magnitude;
        double step = (norm < 1.5 ? 1 : norm < 3 ? 2 : norm < 7 ? 5 : 10) * magnitude;
        double lo = Math.floor(min / step + 1e-9) * step;
        double hi = Math.ceil(max / step - 1e-9) * step;
        return new Axis(lo, hi, step, from, to);
    }

    public double lo() {
        return lo;
    }

    public double hi() {
        return hi;
    }

    /** The pixel of a value, clamped to the axis. */
    public double pixel(double v) {
        double f = (Math.max(lo, Math.min(hi, v)) - lo) / (hi - lo);
        return from + f * (to - from);
    }

    /** The pixel length of a value measured from the axis's lower end. */
    public double length(double v) {
        return Math.abs(pixel(v) - pixel(lo));
    }

    public List<Double> ticks() {
        List<Double> t = new ArrayList<>();
        int n = (int) Math.round((hi - lo) / step);
        for (int i = 0; i <= n; i++) {
            t.add(lo + i * step);
        }
        return t;
    }

    /** A tick's label: up to 4 significant digits, no trailing zeros. */
    public static String label(double v) {
        if (Math.abs(v) < 1e-12) {
            return "0";
        }
        String s = String.format(Locale.ROOT, "%.4g", v);
        int e = s.indexOf('e');
        return e < 0 ? trimZeros(s) : trimZeros(s.substring(0, e)) + s.substring(e);
    }

    private static String trimZeros(String s) {
        if (!s.contains(".")) {
            return s;
        }
        s = s.replaceAll("0+$", "");
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }
}
