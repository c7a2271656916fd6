package isptool.backends.html.charts;

import isptool.backends.html.Svg;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Horizontal bars with whiskers, grouped: a bar per item at its typical value (a median latency)
 * and a whisker from its low to its high value (p5 to p95), under a heading row per group (a
 * device, its delegates below). An item without a value shows why instead of a bar. Each item is
 * a group {@code g.item} whose {@code <title>} is its tooltip.
 */
public final class WhiskerChart {
    /**
     * One item: its group and label, typical value with the whisker's ends (either end null: no
     * whisker), extra tooltip text; value null means no result, and note says why.
     */
    public record Item(String group, String label, Double value, Double low, Double high, String tooltip,
            String note) {
    }

    private WhiskerChart() {
    }

    public static String svg(String axisTitle, String unit, List<Item> items) {
        List<Object> lines = new ArrayList<>(); // a group's name (String) or an Item
        double max = 0;
        for (Item it : items) {
            if (lines.isEmpty() || !Objects.equals(((Item) lines.get(lines.size() - 1)).group(), it.group())) {
                lines.add(it.group());
            }
            lines.add(it);
            for (Double d : new Double[] {it.value(), it.low(), it.high()}) {
                max = d != null && Double.isFinite(d) ? Math.max(max, d) : max;
            }
        }
        // a group's heading spans its row: only the items' labels size the label column
        RowLayout f = new RowLayout(items.stream().map(Item::label).toList(), lines.size(), 0, max);
        Svg s = new Svg(RowLayout.WIDTH, f.height(), "chart whisker-chart");
        f.axis(s, axisTitle);
        double zero = f.axis.pixel(0);
        for (int row = 0; row < lines.size(); row++) {
            if (!(lines.get(row) instanceof Item it)) {
                s.text(12, f.baseline(row), (String) lines.get(row), "group-label");
                continue;
            }
            String name = it.group() + " " + it.label();
            if (it.value() == null) {
                s.group("item none", null).title(name + ": " + (it.note() == null ? "no result" : it.note()));
                f.label(s, row, it.label(), "label");
                String note = it.note() == null ? "no result" : it.note();
                int fits = (int) ((RowLayout.WIDTH - zero) / RowLayout.CHAR);
                s.text(zero + 4, f.baseline(row), note.length() > fits ? note.substring(0, fits - 1) + "…" : note,
                        "value none");
                s.end();
                continue;
            }
            boolean whisker = it.low() != null && it.high() != null;
            s.group("item", null).title(name + ": " + BarChart.value(it.value(), unit)
                    + (whisker ? " (p5 " + BarChart.value(it.low(), unit) + ", p95 " + BarChart.value(it.high(), unit)
                            + ")" : "")
                    + (it.tooltip() == null ? "" : "\n" + it.tooltip()));
            f.label(s, row, it.label(), "label");
            double end = f.axis.pixel(it.value());
            s.rect(zero, f.barTop(row), end - zero, RowLayout.BAR, 0, "bar");
            double right = end;
            if (whisker) {
                double lo = f.axis.pixel(it.low());
                double hi = f.axis.pixel(it.high());
                double mid = f.barTop(row) + RowLayout.BAR / 2;
                s.line(lo, mid, hi, mid, "whisker");
                s.line(lo, mid - 4, lo, mid + 4, "whisker whisker-end");
                s.line(hi, mid - 4, hi, mid + 4, "whisker whisker-end");
                right = Math.max(right, hi);
            }
            s.text(right + 4, f.baseline(row), BarChart.value(it.value(), unit), "value");
            s.end();
        }
        return s.toString();
    }
}
