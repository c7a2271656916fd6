package isptool.backends.html.charts;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Horizontal bars with whiskers, grouped: a bar per item at its typical value (a median latency)
 * and a whisker from its low to its high value (p5 to p95), under a heading row per group (a
 * device, its delegates below). An item without a value shows why instead of a bar.
 */
public final class WhiskerChart {
    /**
     * One item: its group and label, typical value with the whisker's ends (either end null: no
     * whisker), tooltip text; value null means no result, and note says why.
     */
    public record Item(String group, String label, Double value, Double low, Double high, String tooltip, String note) {
    }

    private WhiskerChart() {
    }

    public static String svg(String title, String axisTitle, String unit, List<Item> items) {
        List<Object> lines = new ArrayList<>(); // a group's name (String) or an Item
        double max = 0;
        String group = null;
        for (Item it : items) {
            if (lines.isEmpty() || !Objects.equals(group, it.group())) {
                group = it.group();
                lines.add(group);
            }
            lines.add(it);
            for (Double d : new Double[] {it.value(), it.low(), it.high()}) {
                max = d != null && Double.isFinite(d) ? Math.max(max, d) : max;
            }
        }
        List<String> labels = lines.stream().map(l -> l instanceof Item i ? "  " + i.label() : (String) l).toList();
        RowLayout f = new RowLayout(labels, 0, 0, max);
        Svg s = new Svg(RowLayout.WIDTH, f.height(), "chart whisker-chart", title);
        f.axis(s, axisTitle);
        double zero = f.axis.pixel(0);
        for (int row = 0; row < lines.size(); row++) {
            if (!(lines.get(row) instanceof Item it)) {
                f.label(s, row, (String) lines.get(row), "group");
                continue;
            }
            f.label(s, row, it.label(), "label");
            String name = it.group() + " " + it.label();
            if (it.value() == null) {
                s.text(zero + 4, f.baseline(row), "start", "value none", it.note() == null ? "no result" : it.note());
                continue;
            }
            String tip = name + ": " + BarChart.value(it.value(), unit)
                    + (it.low() != null && it.high() != null ? " (p5 " + BarChart.value(it.low(), unit) + ", p95 "
                            + BarChart.value(it.high(), unit) + ")" : "")
                    + (it.tooltip() == null ? "" : "\n" + it.tooltip());
            s.open("item", tip);
            double end = f.axis.pixel(it.value());
            s.rect(zero, f.barTop(row), end - zero, RowLayout.BAR, Palette.BAR, "bar", null, "group", it.group(),
                    "label", it.label(), "value", Double.toString(it.value()));
            double right = end;
            if (it.low() != null && it.high() != null) {
                double lo = f.axis.pixel(it.low());
                double hi = f.axis.pixel(it.high());
                double mid = f.barTop(row) + RowLayout.BAR / 2;
                s.line(lo, mid, hi, mid, Palette.LINE, 1.2, "whisker", null, "low", Double.toString(it.low()),
                        "high", Double.toString(it.high()));
                s.line(lo, mid - 4, lo, mid + 4, Palette.LINE, 1.2, "whisker-end", null);
                s.line(hi, mid - 4, hi, mid + 4, Palette.LINE, 1.2, "whisker-end", null);
                right = Math.max(right, hi);
            }
            s.text(right + 4, f.baseline(row), "start", "value", BarChart.value(it.value(), unit));
            s.close();
        }
        return s.toString();
    }
}
