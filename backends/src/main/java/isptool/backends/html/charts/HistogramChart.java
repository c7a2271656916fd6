package isptool.backends.html.charts;

import isptool.backends.html.Svg;
import java.util.Locale;

/**
 * A histogram of values in equal bins with a chosen range marked (an activation's values over the
 * calibration samples and the range its quantization keeps): the range shaded between two lines,
 * bins whose centre falls outside it (values the range clips) in the warning colour. Counts are on
 * a log scale, {@code height = log10(1 + count) / log10(1 + largest count)}, so that the tails a
 * range clips stay visible beside the peak. Each bin is a group {@code g.bin} with a tooltip.
 */
public final class HistogramChart {
    static final double WIDTH = 520;
    static final double HEIGHT = 200;
    static final double LEFT = 44;
    static final double RIGHT = 14;
    static final double TOP = 22;
    static final double BOTTOM = 36;

    /**
     * Equal-width bins over [min, max]: bin i counts the values in [min + i w, min + (i + 1) w), the
     * last also max; values outside [min, max] count in the end bins, non-finite ones nowhere.
     */
    public record Bins(double min, double max, long[] counts) {
        /** The finite values binned over their own min..max (all in bin 0 when they are equal). */
        public static Bins of(double[] values, int bins) {
            double min = Double.POSITIVE_INFINITY;
            double max = Double.NEGATIVE_INFINITY;
            for (double v : values) {
                if (Double.isFinite(v)) {
                    min = Math.min(min, v);
                    max = Math.max(max, v);
                }
            }
            Bins b = max >= min ? new Bins(min, max, new long[bins]) : new Bins(0, 0, new long[bins]);
            for (double v : values) {
                b.add(v);
            }
            return b;
        }

        /** Counts one more value (the counts are this record's own array). */
        public void add(double v) {
            if (Double.isFinite(v)) {
                double width = binWidth();
                int b = width > 0 ? (int) ((v - min) / width) : 0;
                counts[Math.max(0, Math.min(counts.length - 1, b))]++;
            }
        }

        public double binWidth() {
            return (max - min) / counts.length;
        }
    }

    private HistogramChart() {
    }

    /**
     * @param axisTitle the value axis's title
     * @param lo the chosen range's lower end
     * @param hi the chosen range's upper end
     */
    public static String svg(String axisTitle, Bins bins, double lo, double hi) {
        long largest = 1;
        for (long c : bins.counts()) {
            largest = Math.max(largest, c);
        }
        double max = bins.max() > bins.min() ? bins.max() : bins.min() + 1;
        Axis x = Axis.covering(Math.min(bins.min(), lo), Math.max(max, hi), 6, LEFT, WIDTH - RIGHT);
        double base = HEIGHT - BOTTOM;
        double plot = base - TOP;
        Svg s = new Svg(WIDTH, HEIGHT, "chart histogram");
        s.group("range", null).title(String.format(Locale.ROOT, "chosen range %.4g .. %.4g", lo, hi))
                .rect(x.pixel(lo), TOP, x.pixel(hi) - x.pixel(lo), plot, 0, "chosen-range").end();
        double w = (max - bins.min()) / bins.counts().length;
        for (int i = 0; i < bins.counts().length; i++) {
            long c = bins.counts()[i];
            double a = bins.min() + i * w;
            double b = a + w;
            boolean clipped = (a + b) / 2 < lo || (a + b) / 2 > hi;
            double h = c == 0 ? 0 : plot * Math.log10(1 + c) / Math.log10(1 + largest);
            s.group(clipped ? "bin clipped" : "bin", null)
                    .title(String.format(Locale.ROOT, "%.4g .. %.4g: %d value%s%s", a, b, c, c == 1 ? "" : "s",
                            clipped ? " (outside the chosen range: clipped)" : ""))
                    .rect(x.pixel(a), base - h, x.pixel(b) - x.pixel(a), h, 0, clipped ? "bar bar-worst" : "bar")
                    .end();
        }
        for (double end : new double[] {lo, hi}) {
            s.line(x.pixel(end), TOP - 6, x.pixel(end), base, "range-end");
            s.text(x.pixel(end), TOP - 9, Axis.label(end), "c range-label");
        }
        for (double t : x.ticks()) {
            s.line(x.pixel(t), base, x.pixel(t), base + 4, "axis");
            s.text(x.pixel(t), base + 15, Axis.label(t), "c tick");
        }
        s.line(LEFT, base, WIDTH - RIGHT, base, "axis");
        s.text((LEFT + WIDTH - RIGHT) / 2, HEIGHT - 6, axisTitle, "c axis-title");
        s.text(LEFT - 4, TOP + 8, Long.toString(largest), "e tick");
        s.text(LEFT - 4, base, "0", "e tick");
        return s.toString();
    }
}
