package isptool.backends.html.charts;

import java.util.List;

/**
 * The frame of a horizontal chart: one row per item, labels in a left column (long labels cut
 * with an ellipsis; the row's tooltip keeps the whole name), a value axis along the bottom with
 * grid lines.
 */
final class RowLayout {
    static final double WIDTH = 720;
    static final double ROW = 20;
    static final double BAR = 13;
    static final double TOP = 8;
    static final double AXIS = 38;
    static final double RIGHT = 70;
    static final int LABEL_CHARS = 40;
    static final double CHAR = 6.2;

    final Axis axis;
    final double left;
    private final int rows;

    RowLayout(List<String> labels, int extraRows, double min, double max) {
        int longest = labels.stream().mapToInt(l -> Math.min(LABEL_CHARS, l.length())).max().orElse(4);
        this.left = 12 + CHAR * longest;
        this.rows = labels.size() + extraRows;
        this.axis = Axis.covering(min, max, 6, left, WIDTH - RIGHT);
    }

    double height() {
        return TOP + rows * ROW + AXIS;
    }

    /** The top of row i's bar. */
    double barTop(int row) {
        return TOP + row * ROW + (ROW - BAR) / 2;
    }

    /** The text baseline of row i. */
    double baseline(int row) {
        return TOP + row * ROW + ROW / 2 + 4;
    }

    void label(Svg s, int row, String text, String cssClass) {
        String shown = text.length() > LABEL_CHARS ? text.substring(0, LABEL_CHARS - 1) + "…" : text;
        s.text(left - 6, baseline(row), "end", cssClass, shown);
    }

    /** Grid lines and tick labels at every tick, the axis line and its title. */
    void axis(Svg s, String title) {
        double bottom = TOP + rows * ROW;
        s.open("grid", null);
        for (double t : axis.ticks()) {
            double x = axis.pixel(t);
            s.line(x, TOP, x, bottom, Palette.GRID, 1, null, null);
            s.text(x, bottom + 13, "middle", "tick", Axis.label(t));
        }
        s.close();
        s.line(left, bottom, WIDTH - RIGHT, bottom, Palette.LINE, 1, "axis", null);
        s.text((left + WIDTH - RIGHT) / 2, bottom + 30, "middle", "axis-title", title);
    }
}
