package isptool.backends.html.charts;

import isptool.backends.html.Svg;
import java.util.List;

/**
 * The frame of a horizontal chart: one row per item, labels right-aligned in a left column (long
 * labels cut with an ellipsis; the row's tooltip keeps the whole name), a value axis along the
 * bottom with grid lines at its ticks.
 */
final class RowLayout {
    static final double WIDTH = 720;
    static final double ROW = 20;
    static final double BAR = 13;
    static final double TOP = 8;
    static final double AXIS = 38;
    static final double RIGHT = 80;
    static final int LABEL_CHARS = 40;
    static final double CHAR = 7;

    final Axis axis;
    final double left;
    private final int rows;

    /** A frame of rows rows, its label column as wide as the longest label (up to {@link #LABEL_CHARS}). */
    RowLayout(List<String> labels, int rows, double min, double max) {
        int longest = labels.stream().mapToInt(l -> Math.min(LABEL_CHARS, l.length())).max().orElse(4);
        this.left = 12 + CHAR * longest;
        this.rows = rows;
        this.axis = Axis.covering(min, max, 6, left, WIDTH - RIGHT);
    }

    double height() {
        return TOP + rows * ROW + AXIS;
    }

    double bottom() {
        return TOP + rows * ROW;
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
        s.text(left - 6, baseline(row), cut(text), "e " + cssClass);
    }

    static String cut(String text) {
        return text.length() > LABEL_CHARS ? text.substring(0, LABEL_CHARS - 1) + "…" : text;
    }

    /** Grid lines and tick labels at every tick, the axis line and its title. */
    void axis(Svg s, String title) {
        s.group("grid-lines", null);
        for (double t : axis.ticks()) {
            double x = axis.pixel(t);
            s.line(x, TOP, x, bottom(), "grid");
            s.text(x, bottom() + 13, Axis.label(t), "c tick");
        }
        s.end();
        s.line(left, bottom(), WIDTH - RIGHT, bottom(), "axis");
        s.text((left + WIDTH - RIGHT) / 2, bottom() + 30, title, "c axis-title");
    }
}
