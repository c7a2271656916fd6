package isptool.backends.html.charts;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
        SvgDom svg = new SvgDom(WhiskerChart.svg("median latency (ms)", " ms", items));
        assertEquals(List.of("pixel7", "a54"), svg.texts("group-label"));
        List<Element> groups = svg.all("g", "item");
        assertEquals(4, groups.size());
        List<Element> bars = svg.all("rect", "bar");
        assertEquals(3, bars.size(), "no bar for the item without a value");
        double x0 = SvgDom.num(bars.get(0), "x");
        double perMs = SvgDom.num(bars.get(0), "width") / 12.0;
        double[] values = {12, 4, 20};
        for (int i = 0; i < 3; i++) {
            assertEquals(x0, SvgDom.num(bars.get(i), "x"), 0.1);
            assertEquals(values[i] * perMs, SvgDom.num(bars.get(i), "width"), 0.2);
        }
        List<Element> whiskers = svg.all("path", "whisker").stream()
                .filter(p -> !p.getAttribute("class").contains("whisker-end")).toList();
        assertEquals(2, whiskers.size(), "the cpu row has no percentiles");
        double[] xnnpack = SvgDom.points(whiskers.get(0));
        double[] gpu = SvgDom.points(whiskers.get(1));
        assertEquals(x0 + 11.0 * perMs, xnnpack[0], 0.2);
        assertEquals(x0 + 15.5 * perMs, xnnpack[2], 0.2);
        assertEquals(x0 + 3.5 * perMs, gpu[0], 0.2);
        assertEquals(x0 + 6.0 * perMs, gpu[2], 0.2);
        double barMiddle = SvgDom.num(bars.get(1), "y") + SvgDom.num(bars.get(1), "height") / 2;
        assertEquals(barMiddle, gpu[1], 0.1, "the whisker crosses its own bar");
        assertEquals(List.of("failed: delegate refused"), svg.texts("none"));
        assertEquals("a54 nnapi: failed: delegate refused", SvgDom.title(groups.get(2)));
        assertEquals("pixel7 gpu: 4.00 ms (p5 3.50 ms, p95 6.00 ms)\nfull", SvgDom.title(groups.get(1)));
    }

    @Test
    void aLongReasonIsCutInTheChartAndWholeInTheTooltip() {
        String why = "device 'R5CT1' (Pixel_7): benchmark_model failed (exit 1) with --delegate nnapi: Failed to apply"
                + " NNAPI delegate. Benchmarking failed.";
        SvgDom svg = new SvgDom(WhiskerChart.svg("ms", " ms", List.of(new WhiskerChart.Item("R5CT1", "nnapi", null, null,
                null, null, why))));
        String shown = svg.texts("none").get(0);
        assertEquals(why.substring(0, shown.length() - 1) + "…", shown);
        assertEquals("R5CT1 nnapi: " + why, SvgDom.title(svg.all("g", "item").get(0)));
    }
}
