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
        SvgDom svg = new SvgDom(LineChart.svg("median (ms)", " ms", runs, series));
        List<Element> points = svg.all("g", "point");
        assertEquals(7, points.size());
        double[] values = {10, 8, 9, 4, 3, 2, 2.5};
        double[] y = new double[7];
        double[] x = new double[7];
        for (int i = 0; i < 7; i++) {
            Element dot = SvgDom.first(points.get(i), "rect", "dot");
            y[i] = SvgDom.num(dot, "y") + 3.5;
            x[i] = SvgDom.num(dot, "x") + 3.5;
        }
        double perMs = (y[3] - y[0]) / (10 - 4);
        for (int i = 0; i < 7; i++) {
            assertEquals(y[0] + (10 - values[i]) * perMs, y[i], 0.2, "point " + i);
        }
        double dx = x[1] - x[0];
        assertTrue(dx > 0);
        assertEquals(x[0] + 2 * dx, x[5], 0.2, "pixel7's second point is run3");
        List<Element> lines = svg.all("path", "trend");
        assertEquals(2, lines.size(), "host's four points in one line, pixel7's run3-run4 (run1 stands alone)");
        assertEquals(8, SvgDom.points(lines.get(0)).length);
        assertEquals(List.of("trend s0", "trend s1"), lines.stream().map(l -> l.getAttribute("class")).toList());
        assertEquals("pixel7 gpu, run3: 2.00 ms", SvgDom.title(points.get(5)));
        assertEquals(runs, svg.texts("run"));
        assertEquals(List.of("host xnnpack", "pixel7 gpu"), svg.texts("key-label"));
    }
}
