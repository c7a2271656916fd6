package isptool.backends.html;

import java.util.LinkedHashMap;
import java.util.Map;

/** Draws a laid-out {@link Diagram}: group outlines, then edges with arrowheads, then boxes on top. */
final class DiagramSvg {
    private DiagramSvg() {
    }

    static Diagram.Drawing draw(Diagram d, HtmlPage page, String keyPrefix) {
        DiagramLayout.Placed p = DiagramLayout.layout(d);
        Svg svg = new Svg(Math.ceil(p.width()), Math.ceil(p.height()), "graph");
        for (Diagram.Group g : d.groups()) {
            DiagramLayout.Rect r = p.groups().get(g.id());
            svg.group("group", null).title(g.detail())
                    .rect(r.x(), r.y(), r.w(), r.h(), 6, g.cssClass())
                    .text(r.x() + 8, r.y() + 14, g.label(), g.cssClass() + "-label").end();
        }
        svg.group("edges", null);
        for (double[] xy : p.edges()) {
            svg.polyline(xy, "edge");
            arrowhead(svg, xy);
        }
        svg.end();
        for (Diagram.Box b : d.boxes()) {
            DiagramLayout.Rect r = p.boxes().get(b.id);
            String key = keyPrefix + b.id;
            svg.group(String.join(" ", b.classes), key).title(String.join("  ", b.lines))
                    .rect(r.x(), r.y(), r.w(), r.h(), b.io ? 9 : 4, b.fill);
            double y = r.y() + DiagramLayout.LINE_HEIGHT + 1;
            for (int i = 0; i < b.lines.size(); i++) {
                String cls = b.io ? "c" : "c " + (i == 0 ? "type" : i == 1 && b.lines.size() == 3 ? "name" : "shape");
                svg.text(r.x() + r.w() / 2, y, b.lines.get(i), cls);
                y += DiagramLayout.LINE_HEIGHT;
            }
            svg.end();
            if (page != null) {
                Map<String, Object> fields = new LinkedHashMap<>();
                fields.put("title", b.lines.size() > 1 && !b.io ? b.lines.get(0) + "  " + b.lines.get(1) : b.lines.get(0));
                fields.putAll(b.info);
                page.info(key, fields);
            }
        }
        return new Diagram.Drawing(svg.toString(), p.millis(), p.width(), p.height());
    }

    /** A filled triangle at the end of a route, pointing along its last segment. */
    private static void arrowhead(Svg svg, double[] xy) {
        int n = xy.length;
        if (n < 4) {
            return;
        }
        double ex = xy[n - 2];
        double ey = xy[n - 1];
        double dx = ex - xy[n - 4];
        double dy = ey - xy[n - 3];
        double len = Math.hypot(dx, dy);
        if (len == 0) {
            return;
        }
        dx /= len;
        dy /= len;
        double l = 6;
        double w = 3;
        svg.polyline(new double[] {ex, ey, ex - l * dx + w * dy, ey - l * dy - w * dx,
            ex - l * dx - w * dy, ey - l * dy + w * dx}, "edge-head");
    }
}
