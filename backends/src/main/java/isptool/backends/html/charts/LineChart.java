package isptool.backends.html.charts;

import java.util.List;
import java.util.Locale;

/**
 * A trend over runs: x is the run (its label below the axis), one line with dots per series (a
 * device and delegate), gaps where a run has no value; a legend names the series above the plot.
 */
public final class LineChart {
    static final double WIDTH = 720;
    static final double HEIGHT = 260;
    static final double LEFT = 56;
    static final double RIGHT = 20;
    static final double BOTTOM = 48;

    /** A named series with a value per run (null: none that run). */
    public record Series(String name, List<Double> values) {
    }

    private LineChart() {
    }

    public static String svg(String title, String axisTitle, String unit, List<String> runs, List<Series> series) {
        double min = 0;
        double max = 0;
        for (Series se : series) {
            for (Double v : se.values()) {
                max = v != null && Double.isFinite(v) ? Math.max(max, v) : max;
            }
        }
        double top = 22 + 16 * ((series.size() + 2) / 3);
        double base = HEIGHT - BOTTOM + top - 22;
        double height = base + BOTTOM;
        Axis y = Axis.covering(min, max, 5, base, top);
        double step = runs.size() > 1 ? (WIDTH - LEFT - RIGHT - 20) / (runs.size() - 1) : 0;
        Svg s = new Svg(WIDTH, height, "chart line-chart", title);
        for (int i = 0; i < series.size(); i++) {
            double lx = LEFT + (i % 3) * 220;
            double ly = 14 + 16 * (i / 3);
            s.rect(lx, ly - 8, 14, 4, Palette.series(i), "legend-key", null);
            s.text(lx + 18, ly - 3, "start", "legend", series.get(i).name());
        }
        for (double t : y.ticks()) {
            s.line(LEFT, y.pixel(t), WIDTH - RIGHT, y.pixel(t), Palette.GRID, 1, null, null);
            s.text(LEFT - 5, y.pixel(t) + 4, "end", "tick", Axis.label(t));
        }
        s.line(LEFT, base, WIDTH - RIGHT, base, Palette.LINE, 1, "axis", null);
        for (int r = 0; r < runs.size(); r++) {
            s.text(x(r, step), base + 15, "middle", "tick run", runs.get(r));
        }
        s.text(14, (top + base) / 2, "middle", "axis-title", axisTitle);
        for (int i = 0; i < series.size(); i++) {
            Series se = series.get(i);
            s.open("series", null);
            double[] segment = new double[2 * runs.size()];
            int n = 0;
            for (int r = 0; r <= runs.size(); r++) {
                Double v = r < runs.size() && r < se.values().size() ? se.values().get(r) : null;
                if (v == null || !Double.isFinite(v)) {
                    if (n >= 4) {
                        s.polyline(java.util.Arrays.copyOf(segment, n), Palette.series(i), 2, "trend");
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
                    s.circle(x(r, step), y.pixel(v), 3.5, Palette.series(i), "point",
                            String.format(Locale.ROOT, "%s, %s: %s", se.name(), runs.get(r), BarChart.value(v, unit)),
                            "series", se.name(), "run", runs.get(r), "value", Double.toString(v));
                }
            }
            s.close();
        }
        return s.toString();
    }

    private static double x(int run, double step) {
        return LEFT + 10 + run * step;
    }
}
