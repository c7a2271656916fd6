package isptool.backends.html.charts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;

class LineChartTest {
    @Test
    void pointsSitAtTheirValuesAndGapsBreakTheLine() {
        List<String> runs = List.of("run1", "run2", "run3", "run4");
        List<LineChart.Series> series = List.of(new LineChart.Series("host xnnpack", Arrays.asList(10.0, 8.0, 9.0, 4.0)),
                new LineChart.Series("pixel7 gpu", Arrays.asList(3.0, null, 2.0, 2.5)));
        SvgDom svg = new SvgDom(LineChart.svg("trend", "median (ms)", " ms", runs, series));
        List<Element> points = svg.all("circle", "point");
        assertEquals(7, points.size());
        Element a = points.get(0); // 10 ms
        Element b = points.get(3); // 4 ms
        double perMs = (SvgDom.num(b, "cy") - SvgDom.num(a, "cy")) / (10 - 4);
        for (Element p : points) {
            double v = Double.parseDouble(p.getAttribute("data-value"));
            assertEquals(SvgDom.num(a, "cy") + (10 - v) * perMs, SvgDom.num(p, "cy"), 0.02);
        }
        double dx = SvgDom.num(points.get(1), "cx") - SvgDom.num(points.get(0), "cx");
        assertTrue(dx > 0);
        assertEquals(SvgDom.num(points.get(0), "cx") + 2 * dx, SvgDom.num(points.get(5), "cx"), 0.02,
                "pixel7's second point is run3");
        List<Element> lines = svg.all("polyline", "trend");
        assertEquals(2, lines.size(), "host's four points in one line, pixel7's run3-run4 (run1 stands alone)");
        assertEquals("pixel7 gpu, run3: 2.00 ms", SvgDom.title(points.get(5)));
        assertEquals(runs, svg.texts("run"));
    }
}
