package isptool.backends.html.charts;

import java.util.Locale;

/**
 * A histogram of values in equal bins over [min, max] with a chosen range marked (an activation's
 * calibration histogram and the range its quantization keeps): the range shaded between two
 * lines, bins whose centre falls outside it (clipped values) in the warning colour. Counts are on
 * a log scale, {@code height = log10(1 + count) / log10(1 + largest count)}, so that the tails a
 * range clips stay visible beside the peak.
 */
public final class HistogramChart {
    static final double WIDTH = 520;
    static final double HEIGHT = 200;
    static final double LEFT = 44;
    static final double RIGHT = 12;
    static final double TOP = 22;
    static final double BOTTOM = 36;

    private HistogramChart() {
    }

    /** Equal-width bins of finite values over their [min, max] (all in bin 0 when they are equal). */
    public record Bins(double min, double max, long[] counts) {
        public static Bins of(double[] values, int bins) {
            double min = Double.POSITIVE_INFINITY;
            double max = Double.NEGATIVE_INFINITY;
            for (double v : values) {
                if (Double.isFinite(v)) {
                    min = Math.min(min, v);
                    max = Math.max(max, v);
                }
            }
            long[] counts = new long[bins];
            if (!(max >= min)) {
                return new Bins(0, 0, counts);
            }
            double width = (max - min) / bins;
            for (double v : values) {
                if (Double.isFinite(v)) {
                    int b = width > 0 ? (int) ((v - min) / width) : 0;
                    counts[Math.max(0, Math.min(bins - 1, b))]++;
                }
            }
            return new Bins(min, max, counts);
        }

        public double binWidth() {
            return (max - min) / counts.length;
        }
    }

    /**
     * @param title what is shown (accessible label)
     * @param axisTitle the value axis's title
     * @param lo the chosen range's lower end
     * @param hi the chosen range's upper end
     */
    public static String svg(String title, String axisTitle, Bins bins, double lo, double hi) {
        long largest = 1;
        for (long c : bins.counts()) {
            largest = Math.max(largest, c);
        }
        double max = bins.max() > bins.min() ? bins.max() : bins.min() + 1;
        Axis x = Axis.covering(Math.min(bins.min(), lo), Math.max(max, hi), 6, LEFT, WIDTH - RIGHT);
        double base = HEIGHT - BOTTOM;
        double plot = base - TOP;
        Svg s = new Svg(WIDTH, HEIGHT, "chart histogram", title);
        s.rect(x.pixel(lo), TOP, x.pixel(hi) - x.pixel(lo), plot, Palette.RANGE_FILL, "chosen-range",
                String.format(Locale.ROOT, "chosen range %.4g .. %.4g", lo, hi), "lo", Double.toString(lo), "hi",
                Double.toString(hi));
        s.open("bins", null);
        double w = (max - bins.min()) / bins.counts().length;
        for (int i = 0; i < bins.counts().length; i++) {
            long c = bins.counts()[i];
            double a = bins.min() + i * w;
            double b = a + w;
            double centre = (a + b) / 2;
            boolean clipped = centre < lo || centre > hi;
            double h = c == 0 ? 0 : plot * Math.log10(1 + c) / Math.log10(1 + largest);
            s.rect(x.pixel(a), base - h, x.pixel(b) - x.pixel(a), h, clipped ? Palette.MARKED : Palette.BAR,
                    clipped ? "bin clipped" : "bin",
                    String.format(Locale.ROOT, "%.4g .. %.4g: %d value%s%s", a, b, c, c == 1 ? "" : "s",
                            clipped ? " (outside the chosen range: clipped)" : ""),
                    "count", Long.toString(c));
        }
        s.close();
        for (double end : new double[] {lo, hi}) {
            s.line(x.pixel(end), TOP - 6, x.pixel(end), base, Palette.RANGE, 2, "range-end", null);
        }
        s.text(x.pixel(lo), TOP - 9, "middle", "range-label", Axis.label(lo));
        s.text(x.pixel(hi), TOP - 9, "middle", "range-label", Axis.label(hi));
        for (double t : x.ticks()) {
            s.line(x.pixel(t), base, x.pixel(t), base + 4, Palette.LINE, 1, null, null);
            s.text(x.pixel(t), base + 15, "middle", "tick", Axis.label(t));
        }
        s.line(LEFT, base, WIDTH - RIGHT, base, Palette.LINE, 1, "axis", null);
        s.text((LEFT + WIDTH - RIGHT) / 2, HEIGHT - 6, "middle", "axis-title", axisTitle);
        s.text(LEFT - 4, TOP + 8, "end", "tick", Long.toString(largest));
        s.text(LEFT - 4, base, "end", "tick", "0");
        return s.toString();
    }
}
