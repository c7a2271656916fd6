package isptool.backends.html.charts;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A horizontal bar chart, one bar per item measured from the axis's lower end, marked bars in a
 * warning colour and an optional threshold drawn as a dashed line across all rows (per-layer
 * PSNR, worst layers marked, against the --min-psnr a user asked for). Infinite values (an exact
 * layer's PSNR) run to the axis end and say so; NaN draws no bar.
 */
public final class BarChart {
    /** One bar: its row label, value, tooltip text and whether it is marked. */
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
     * @param title what the chart shows (its accessible label)
     * @param axisTitle the value axis's title with its unit
     * @param unit appended to each bar's value label (e.g. " dB")
     * @param threshold null for none
     */
    public static String svg(String title, String axisTitle, String unit, List<Bar> bars, Threshold threshold) {
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
        List<String> labels = new ArrayList<>(bars.stream().map(Bar::label).toList());
        RowLayout f = new RowLayout(labels, 0, min, max);
        Svg s = new Svg(RowLayout.WIDTH, f.height(), "chart bar-chart", title);
        f.axis(s, axisTitle);
        double zero = f.axis.pixel(0);
        s.open("bars", null);
        for (int i = 0; i < bars.size(); i++) {
            Bar b = bars.get(i);
            f.label(s, i, b.label(), b.marked() ? "label marked" : "label");
            String shown = value(b.value(), unit);
            if (!Double.isNaN(b.value())) {
                double end = f.axis.pixel(b.value() == Double.POSITIVE_INFINITY ? f.axis.hi()
                        : b.value() == Double.NEGATIVE_INFINITY ? f.axis.lo() : b.value());
                s.rect(Math.min(zero, end), f.barTop(i), Math.abs(end - zero), RowLayout.BAR,
                        b.marked() ? Palette.MARKED : Palette.BAR, b.marked() ? "bar marked" : "bar",
                        b.label() + ": " + shown + (b.tooltip() == null ? "" : "\n" + b.tooltip()),
                        "label", b.label(), "value", Double.toString(b.value()));
                s.text(Math.max(zero, end) + 4, f.baseline(i), "start", "value", shown);
            } else {
                s.text(zero + 4, f.baseline(i), "start", "value", shown);
            }
        }
        s.close();
        if (threshold != null) {
            double x = f.axis.pixel(threshold.value());
            s.dashed(x, RowLayout.TOP - 4, x, RowLayout.TOP + bars.size() * RowLayout.ROW, Palette.LINE, 1.5,
                    "threshold", threshold.label() + ": " + value(threshold.value(), unit),
                    "value", Double.toString(threshold.value()));
        }
        return s.toString();
    }

    static String value(double v, String unit) {
        if (Double.isNaN(v)) {
            return "n/a";
        }
        if (Double.isInfinite(v)) {
            return (v > 0 ? "inf" : "-inf") + unit;
        }
        return String.format(Locale.ROOT, "%.2f", v) + unit;
    }
}
