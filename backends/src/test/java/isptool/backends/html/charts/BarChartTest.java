package isptool.backends.html.charts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;

class BarChartTest {
    static final double PX = 0.01; // coordinates are written with two decimals

    @Test
    void barLengthsAreProportionalToTheValuesAndTheWorstAreMarked() {
        List<BarChart.Bar> bars = List.of(new BarChart.Bar("head.conv", 48.5, "Conv", false),
                new BarChart.Bar("body.qcu <mul>", 21.25, "Mul", true), new BarChart.Bar("tail", 35, null, false),
                new BarChart.Bar("exact", Double.POSITIVE_INFINITY, null, false),
                new BarChart.Bar("lost", Double.NaN, null, false));
        SvgDom svg = new SvgDom(BarChart.svg("per-layer PSNR", "PSNR (dB)", " dB", bars,
                new BarChart.Threshold(30, "--min-psnr")));
        List<Element> rects = svg.all("rect", "bar");
        assertEquals(4, rects.size(), "a bar per finite or infinite value, none for NaN");
        double x0 = SvgDom.num(rects.get(0), "x");
        double perDb = SvgDom.num(rects.get(0), "width") / 48.5;
        for (int i = 0; i < 3; i++) {
            Element r = rects.get(i);
            assertEquals(x0, SvgDom.num(r, "x"), PX, "bars start at 0");
            assertEquals(bars.get(i).value() * perDb, SvgDom.num(r, "width"), 2 * PX, bars.get(i).label());
            assertEquals(bars.get(i).label(), r.getAttribute("data-label"));
        }
        double ys = SvgDom.num(rects.get(1), "y") - SvgDom.num(rects.get(0), "y");
        assertTrue(ys > SvgDom.num(rects.get(0), "height"), "rows do not overlap");
        assertEquals(ys, SvgDom.num(rects.get(2), "y") - SvgDom.num(rects.get(1), "y"), PX);

        List<Element> marked = svg.all("rect", "marked");
        assertEquals(1, marked.size());
        assertEquals("body.qcu <mul>", marked.get(0).getAttribute("data-label"));
        assertEquals(Palette.MARKED, marked.get(0).getAttribute("fill"));
        assertEquals("body.qcu <mul>: 21.25 dB\nMul", SvgDom.title(marked.get(0)));

        // the infinite bar runs to the axis end, which is a tick at or past the largest finite value
        List<String> ticks = svg.texts("tick");
        double axisEnd = Double.parseDouble(ticks.get(ticks.size() - 1));
        assertTrue(axisEnd >= 48.5, ticks.toString());
        assertEquals(axisEnd * perDb, SvgDom.num(rects.get(3), "width"), 2 * PX);
        assertTrue(svg.texts("value").containsAll(List.of("inf dB", "n/a", "48.50 dB")), svg.texts("value").toString());

        Element threshold = svg.all("line", "threshold").get(0);
        assertEquals(x0 + 30 * perDb, SvgDom.num(threshold, "x1"), 2 * PX);
        assertEquals("--min-psnr: 30.00 dB", SvgDom.title(threshold));
    }

    @Test
    void longNamesAreCutInTheColumnAndWholeInTheTooltip() {
        String name = "model.encoder.stage3.block7.attention.conv_compress.weight_fused";
        SvgDom svg = new SvgDom(BarChart.svg("t", "x", "", List.of(new BarChart.Bar(name, 3, null, false)), null));
        String shown = svg.texts("label").get(0);
        assertEquals(RowLayout.LABEL_CHARS, shown.length());
        assertTrue(shown.endsWith("…"));
        assertTrue(SvgDom.title(svg.all("rect", "bar").get(0)).startsWith(name + ": 3.00"));
    }
}
