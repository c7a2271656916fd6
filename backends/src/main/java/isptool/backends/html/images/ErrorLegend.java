package isptool.backends.html.images;

import isptool.backends.html.charts.Svg;

/** The colour bar under an error map: the {@link HeatScale} from 0 to the map's full scale, and what that means. */
public final class ErrorLegend {
    static final double WIDTH = 260;
    static final double HEIGHT = 44;

    private ErrorLegend() {
    }

    public static String svg(ErrorMap map) {
        Svg s = new Svg(WIDTH, HEIGHT, "error-legend", "error colour scale: " + map.scale());
        StringBuilder gradient = new StringBuilder("<defs><linearGradient id=\"heat\" x1=\"0\" x2=\"1\">");
        for (String[] stop : HeatScale.STOPS) {
            gradient.append("<stop offset=\"").append(stop[0]).append("\" stop-color=\"").append(stop[1]).append("\"/>");
        }
        s.raw(gradient.append("</linearGradient></defs>").toString());
        s.rect(10, 4, WIDTH - 20, 12, "url(#heat)", "scale", map.scale());
        s.text(10, 28, "start", null, "0");
        s.text(WIDTH - 10, 28, "end", null, String.format(java.util.Locale.ROOT, "%.3g", map.fullScale()));
        s.text(WIDTH / 2, 40, "middle", "note", map.scale());
        return s.toString();
    }
}
