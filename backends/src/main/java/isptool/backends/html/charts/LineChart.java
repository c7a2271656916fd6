package isptool.backends.html.charts;

import isptool.backends.html.Svg;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A trend over runs: x is the run (its label below the axis), a line with square points per
 * series (a device and delegate), broken where a run has no value; a key above the plot names the
 * series. Series colours are the page's {@code s0}..{@code s7} classes, repeating after 8.
 */
public final class LineChart {
    static final double WIDTH = 720;
    static final double LEFT = 56;
    static final double RIGHT = 20;
    static final double PLOT = 190;
    static final double BOTTOM = 48;
    static final int COLOURS = 8;

    /** A named series with a value per run (null: none that run). */
    public record Series(String name, List<Double> values) {
    }

    private LineChart() {
    }

    public static String svg(String axisTitle, String unit, List<String> runs, List<Series> series) {
        double max = 0;
        for (Series se : series) {
            for (Double v : se.values()) {
                max = v != null && Double.isFinite(v) ? Math.max(max, v) : max;
            }
        }
        double top = 22 + 16 * ((series.size() + 2) / 3);
        double base = top + PLOT;
        Axis y = Axis.covering(0, max, 5, base, top);
        double step = runs.size() > 1 ? (WIDTH - LEFT - RIGHT - 20) / (runs.size() - 1) : 0;
        Svg s = new Svg(WIDTH, base + BOTTOM, "chart line-chart");
        for (int i = 0; i < series.size(); i++) {
            double kx = LEFT + (i % 3) * 220;
            double ky = 14 + 16 * (i / 3);
            s.rect(kx, ky - 8, 14, 4, 0, "key " + colour(i));
            s.text(kx + 18, ky - 3, series.get(i).name(), "key-label");
        }
        for (double t : y.ticks()) {
            s.line(LEFT, y.pixel(t), WIDTH - RIGHT, y.pixel(t), "grid");
            s.text(LEFT - 5, y.pixel(t) + 4, Axis.label(t), "e tick");
        }
        s.line(LEFT, base, WIDTH - RIGHT, base, "axis");
        for (int r = 0; r < runs.size(); r++) {
            s.text(x(r, step), base + 15, runs.get(r), "c tick run");
        }
        s.text(LEFT, top - 8, axisTitle, "axis-title");
        for (int i = 0; i < series.size(); i++) {
            Series se = series.get(i);
            s.group("series", null);
            double[] segment = new double[2 * runs.size()];
            int n = 0;
            for (int r = 0; r <= runs.size(); r++) {
                Double v = r < runs.size() && r < se.values().size() ? se.values().get(r) : null;
                if (v == null || !Double.isFinite(v)) {
                    if (n >= 4) {
                        s.polyline(Arrays.copyOf(segment, n), "trend " + colour(i));
                    }
                    n = 0;
                    continue;
                }
                segment[n++] = x(r, step);
                segment[n++] = y.pixel(v);
            }
            for (int r = 0; r < Math.min(runs.size(), se.values().size()); r++) {
                Double v = se.values().get(r);
                if (v != null && Double.isFinite(v)) {
                    s.group("point", null)
                            .title(String.format(Locale.ROOT, "%s, %s: %s", se.name(), runs.get(r), BarChart.value(v, unit)))
                            .rect(x(r, step) - 3.5, y.pixel(v) - 3.5, 7, 7, 0, "dot " + colour(i)).end();
                }
            }
            s.end();
        }
        return s.toString();
    }

    static String colour(int series) {
        return "s" + series % COLOURS;
    }

    private static double x(int run, double step) {
        return LEFT + 10 + run * step;
    }
}
