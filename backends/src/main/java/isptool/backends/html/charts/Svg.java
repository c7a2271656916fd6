package isptool.backends.html.charts;

import java.util.Locale;

/**
 * A small SVG writer for the charts: elements with presentation attributes inline (the SVG draws
 * the same without the page's CSS), text escaped, coordinates with at most two decimals, and a
 * {@code <title>} child where an element has a tooltip.
 */
public final class Svg {
    private final StringBuilder sb = new StringBuilder();

    /** An SVG of width x height user units, with a class and an accessible label. */
    public Svg(double width, double height, String cssClass, String label) {
        sb.append("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"").append(escape(cssClass))
                .append("\" width=\"").append(num(width)).append("\" height=\"").append(num(height))
                .append("\" viewBox=\"0 0 ").append(num(width)).append(' ').append(num(height))
                .append("\" role=\"img\" aria-label=\"").append(escape(label)).append("\" font-family=\"sans-serif\""
                        + " font-size=\"11\">");
    }

    /** Text safe inside XML/HTML content and attribute values. */
    public static String escape(String s) {
        StringBuilder r = new StringBuilder(s.length() + 8);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> r.append("&lt;");
                case '>' -> r.append("&gt;");
                case '&' -> r.append("&amp;");
                case '"' -> r.append("&quot;");
                case '\'' -> r.append("&#39;");
                default -> {
                    // XML 1.0 allows no C0 controls but tab, newline and return
                    if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
                        r.append("\\x").append(String.format("%02x", (int) c));
                    } else {
                        r.append(c);
                    }
                }
            }
        }
        return r.toString();
    }

    /** A coordinate: at most two decimals, no exponent, no trailing zeros. */
    public static String num(double v) {
        String s = String.format(Locale.ROOT, "%.2f", v);
        if (s.contains(".")) {
            s = s.replaceAll("0+$", "");
            s = s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
        }
        return s.equals("-0") ? "0" : s;
    }

    /** Opens a group with a class (and a tooltip for all it holds, when title is not null). */
    public Svg open(String cssClass, String title) {
        sb.append("<g class=\"").append(escape(cssClass)).append("\">");
        title(title);
        return this;
    }

    public Svg close() {
        sb.append("</g>");
        return this;
    }

    /** A rectangle; data attributes name what it stands for (tests and scripts read them). */
    public Svg rect(double x, double y, double w, double h, String fill, String cssClass, String title,
            String... data) {
        sb.append("<rect x=\"").append(num(x)).append("\" y=\"").append(num(y)).append("\" width=\"")
                .append(num(Math.max(0, w))).append("\" height=\"").append(num(Math.max(0, h))).append("\" fill=\"")
                .append(escape(fill)).append('"');
        attributes(cssClass, data);
        return body(title, "rect");
    }

    public Svg line(double x1, double y1, double x2, double y2, String stroke, double width, String cssClass,
            String title, String... data) {
        return line(x1, y1, x2, y2, stroke, width, null, cssClass, title, data);
    }

    /** A dashed line (5 on, 3 off). */
    public Svg dashed(double x1, double y1, double x2, double y2, String stroke, double width, String cssClass,
            String title, String... data) {
        return line(x1, y1, x2, y2, stroke, width, "5 3", cssClass, title, data);
    }

    private Svg line(double x1, double y1, double x2, double y2, String stroke, double width, String dash,
            String cssClass, String title, String... data) {
        sb.append("<line x1=\"").append(num(x1)).append("\" y1=\"").append(num(y1)).append("\" x2=\"")
                .append(num(x2)).append("\" y2=\"").append(num(y2)).append("\" stroke=\"").append(escape(stroke))
                .append("\" stroke-width=\"").append(num(width)).append('"');
        if (dash != null) {
            sb.append(" stroke-dasharray=\"").append(dash).append('"');
        }
        attributes(cssClass, data);
        return body(title, "line");
    }

    public Svg circle(double cx, double cy, double r, String fill, String cssClass, String title, String... data) {
        sb.append("<circle cx=\"").append(num(cx)).append("\" cy=\"").append(num(cy)).append("\" r=\"")
                .append(num(r)).append("\" fill=\"").append(escape(fill)).append('"');
        attributes(cssClass, data);
        return body(title, "circle");
    }

    /** A polyline through the points {x0, y0, x1, y1, ...}. */
    public Svg polyline(double[] xy, String stroke, double width, String cssClass) {
        sb.append("<polyline fill=\"none\" stroke=\"").append(escape(stroke)).append("\" stroke-width=\"")
                .append(num(width)).append("\" points=\"");
        for (int i = 0; i + 1 < xy.length; i += 2) {
            sb.append(i == 0 ? "" : " ").append(num(xy[i])).append(',').append(num(xy[i + 1]));
        }
        sb.append('"');
        attributes(cssClass);
        sb.append("/>");
        return this;
    }

    /** Text at (x, y); anchor start, middle or end. */
    public Svg text(double x, double y, String anchor, String cssClass, String text) {
        sb.append("<text x=\"").append(num(x)).append("\" y=\"").append(num(y)).append("\" text-anchor=\"")
                .append(anchor).append('"');
        attributes(cssClass);
        sb.append('>').append(escape(text)).append("</text>");
        return this;
    }

    /** Raw markup the caller built (e.g. a gradient definition). */
    public Svg raw(String markup) {
        sb.append(markup);
        return this;
    }

    private void attributes(String cssClass, String... data) {
        if (cssClass != null) {
            sb.append(" class=\"").append(escape(cssClass)).append('"');
        }
        for (int i = 0; i + 1 < data.length; i += 2) {
            sb.append(" data-").append(data[i]).append("=\"").append(escape(data[i + 1])).append('"');
        }
    }

    private Svg body(String title, String element) {
        if (title == null) {
            sb.append("/>");
        } else {
            sb.append('>');
            title(title);
            sb.append("</").append(element).append('>');
        }
        return this;
    }

    private void title(String title) {
        if (title != null) {
            sb.append("<title>").append(escape(title)).append("</title>");
        }
    }

    /** The finished SVG element. */
    @Override
    public String toString() {
        return sb + "</svg>";
    }
}
