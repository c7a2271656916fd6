package isptool.backends.html.charts;

import isptool.backends.html.Svg;
import java.util.List;
import java.util.Locale;

/**
 * A horizontal bar chart, one bar per item measured from 0, marked bars in the warning colour and
 * an optional threshold drawn as a dashed line across all rows (per-layer PSNR, worst layers
 * marked, against the --min-psnr asked for). Infinite values (an exact layer's PSNR) run to the
 * axis end and say so; NaN draws no bar. Each row is a group {@code g.item} whose
 * {@code <title>} is its tooltip.
 */
public final class BarChart {
    /** One bar: its row label, value, extra tooltip text (null for none) and whether it is marked. */
    public record Bar(String label, double value, String tooltip, boolean marked) {
    }

    /** A reference value drawn across the chart, with what it is. */
    public record Threshold(double value, String label) {
    }

    private BarChart() {
    }

    /**
     * The chart as an SVG element.
     *
     * @param axisTitle the value axis's title with its unit
     * @param unit appended to each value label (e.g. " dB")
     * @param threshold null for none
     */
    public static String svg(String axisTitle, String unit, List<Bar> bars, Threshold threshold) {
        double min = 0;
        double max = 0;
        for (Bar b : bars) {
            if (Double.isFinite(b.value())) {
                min = Math.min(min, b.value());
                max = Math.max(max, b.value());
            }
        }
        if (threshold != null) {
            max = Math.max(max, threshold.value());
            min = Math.min(min, threshold.value());
        }
        RowLayout f = new RowLayout(bars.stream().map(Bar::label).toList(), bars.size(), min, max);
        Svg s = new Svg(RowLayout.WIDTH, f.height(), "chart bar-chart");
        f.axis(s, axisTitle);
        double zero = f.axis.pixel(0);
        for (int i = 0; i < bars.size(); i++) {
            Bar b = bars.get(i);
            String shown = value(b.value(), unit);
            s.group(b.marked() ? "item marked" : "item", null)
                    .title(b.label() + ": " + shown + (b.tooltip() == null ? "" : "\n" + b.tooltip()));
            f.label(s, i, b.label(), b.marked() ? "label marked-label" : "label");
            double end = zero;
            if (!Double.isNaN(b.value())) {
                end = f.axis.pixel(b.value() == Double.POSITIVE_INFINITY ? f.axis.hi()
                        : b.value() == Double.NEGATIVE_INFINITY ? f.axis.lo() : b.value());
                s.rect(Math.min(zero, end), f.barTop(i), Math.abs(end - zero), RowLayout.BAR, 0,
                        b.marked() ? "bar bar-worst" : "bar");
            }
            s.text(Math.max(zero, end) + 4, f.baseline(i), shown, "value");
            s.end();
        }
        if (threshold != null) {
            double x = f.axis.pixel(threshold.value());
            s.group("threshold-line", null).title(threshold.label() + ": " + value(threshold.value(), unit))
                    .line(x, RowLayout.TOP - 4, x, f.bottom(), "threshold").end();
        }
        return s.toString();
    }

    /** A value with two decimals and its unit; inf, -inf, n/a. */
    public static String value(double v, String unit) {
        if (Double.isNaN(v)) {
            return "n/a";
        }
        if (Double.isInfinite(v)) {
            return (v > 0 ? "inf" : "-inf") + unit;
        }
        return String.format(Locale.ROOT, "%.2f", v) + unit;
    }
}
