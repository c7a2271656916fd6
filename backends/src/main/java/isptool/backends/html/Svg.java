package isptool.backends.html;

import java.util.Locale;

/**
 * A small SVG writer for the report pages: shapes carry CSS classes of page.css (colours live in
 * the stylesheet, not in each element), text is escaped, coordinates are written with one decimal.
 * Groups can carry {@code data-info} keys for the page's hover/click panel ({@link HtmlPage#info}).
 */
public final class Svg {
    private final StringBuilder b = new StringBuilder(1 << 12);
    private int open;

    /** An SVG of the given user-space size, drawn at that size in CSS pixels. */
    public Svg(double width, double height, String cssClass) {
        b.append("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"").append(HtmlPage.escape(cssClass))
                .append("\" width=\"").append(num(width)).append("\" height=\"").append(num(height))
                .append("\" viewBox=\"0 0 ").append(num(width)).append(' ').append(num(height)).append("\">\n");
    }

    /** Opens a group; info may be null (no panel), cssClass may be empty. Close it with {@link #end}. */
    public Svg group(String cssClass, String info) {
        b.append("<g");
        attr("class", cssClass);
        attr("data-info", info);
        b.append(">\n");
        open++;
        return this;
    }

    public Svg end() {
        if (open == 0) {
            throw new IllegalStateException("end() without an open group");
        }
        open--;
        b.append("</g>\n");
        return this;
    }

    public Svg rect(double x, double y, double w, double h, double radius, String cssClass) {
        b.append("<rect x=\"").append(num(x)).append("\" y=\"").append(num(y)).append("\" width=\"")
                .append(num(w)).append("\" height=\"").append(num(h)).append('"');
        if (radius > 0) {
            b.append(" rx=\"").append(num(radius)).append('"');
        }
        attr("class", cssClass);
        b.append("/>\n");
        return this;
    }

    /** A path through the points (x0, y0, x1, y1, ...), straight segments. */
    public Svg polyline(double[] xy, String cssClass) {
        b.append("<path d=\"");
        for (int i = 0; i + 1 < xy.length; i += 2) {
            b.append(i == 0 ? "M" : " L").append(num(xy[i])).append(' ').append(num(xy[i + 1]));
        }
        b.append('"');
        attr("class", cssClass);
        b.append("/>\n");
        return this;
    }

    public Svg line(double x1, double y1, double x2, double y2, String cssClass) {
        return polyline(new double[] {x1, y1, x2, y2}, cssClass);
    }

    /** Text at (x, y) (its baseline; anchoring from the CSS class). */
    public Svg text(double x, double y, String text, String cssClass) {
        b.append("<text x=\"").append(num(x)).append("\" y=\"").append(num(y)).append('"');
        attr("class", cssClass);
        b.append('>').append(HtmlPage.escape(text)).append("</text>\n");
        return this;
    }

    /** A native tooltip for the enclosing group (shown by every browser, even without script). */
    public Svg title(String text) {
        b.append("<title>").append(HtmlPage.escape(text)).append("</title>\n");
        return this;
    }

    /** The finished markup; every group must be closed. */
    @Override
    public String toString() {
        if (open != 0) {
            throw new IllegalStateException(open + " group(s) left open");
        }
        return b + "</svg>";
    }

    private void attr(String name, String value) {
        if (value != null && !value.isEmpty()) {
            b.append(' ').append(name).append("=\"").append(HtmlPage.escape(value)).append('"');
        }
    }

    static String num(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e9) {
            return Long.toString((long) v);
        }
        return String.format(Locale.ROOT, "%.1f", v);
    }
}
