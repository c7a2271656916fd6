package isptool.backends.html.charts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;

class WhiskerChartTest {
    @Test
    void aBarPerItemAtItsValueWithWhiskersFromLowToHighUnderItsGroup() {
        List<WhiskerChart.Item> items = List.of(
                new WhiskerChart.Item("pixel7", "xnnpack", 12.0, 11.0, 15.5, null, null),
                new WhiskerChart.Item("pixel7", "gpu", 4.0, 3.5, 6.0, "full", null),
                new WhiskerChart.Item("a54", "nnapi", null, null, null, null, "failed: delegate refused"),
                new WhiskerChart.Item("a54", "cpu", 20.0, null, null, null, null));
        SvgDom svg = new SvgDom(WhiskerChart.svg("latency", "median latency (ms)", " ms", items));
        assertEquals(List.of("pixel7", "a54"), svg.texts("group"));
        List<Element> bars = svg.all("rect", "bar");
        assertEquals(3, bars.size(), "no bar for the item without a value");
        double x0 = SvgDom.num(bars.get(0), "x");
        double perMs = SvgDom.num(bars.get(0), "width") / 12.0;
        double[] values = {12, 4, 20};
        for (int i = 0; i < 3; i++) {
            assertEquals(x0, SvgDom.num(bars.get(i), "x"), 0.01);
            assertEquals(values[i] * perMs, SvgDom.num(bars.get(i), "width"), 0.02);
        }
        List<Element> whiskers = svg.all("line", "whisker");
        assertEquals(2, whiskers.size(), "the cpu row has no percentiles");
        assertEquals(x0 + 11.0 * perMs, SvgDom.num(whiskers.get(0), "x1"), 0.02);
        assertEquals(x0 + 15.5 * perMs, SvgDom.num(whiskers.get(0), "x2"), 0.02);
        assertEquals(x0 + 3.5 * perMs, SvgDom.num(whiskers.get(1), "x1"), 0.02);
        assertEquals(x0 + 6.0 * perMs, SvgDom.num(whiskers.get(1), "x2"), 0.02);
        double barMiddle = SvgDom.num(bars.get(1), "y") + SvgDom.num(bars.get(1), "height") / 2;
        assertEquals(barMiddle, SvgDom.num(whiskers.get(1), "y1"), 0.01, "the whisker crosses its own bar");
        assertTrue(svg.texts("none").contains("failed: delegate refused"));
        Element gpu = svg.all("g", "item").get(1);
        assertEquals("pixel7 gpu: 4.00 ms (p5 3.50 ms, p95 6.00 ms)\nfull", SvgDom.title(gpu));
    }
}
