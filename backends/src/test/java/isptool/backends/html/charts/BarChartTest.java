package isptool.backends.html.charts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;

class BarChartTest {
    static final double PX = 0.1; // the shared Svg writes coordinates with one decimal

    @Test
    void barLengthsAreProportionalToTheValuesAndTheWorstAreMarked() {
        List<BarChart.Bar> bars = List.of(new BarChart.Bar("head.conv", 48.5, "Conv", false),
                new BarChart.Bar("body.qcu <mul>", 21.25, "Mul", true), new BarChart.Bar("tail", 35, null, false),
                new BarChart.Bar("exact", Double.POSITIVE_INFINITY, null, false),
                new BarChart.Bar("lost", Double.NaN, null, false));
        SvgDom svg = new SvgDom(BarChart.svg("PSNR (dB)", " dB", bars, new BarChart.Threshold(30, "--min-psnr")));
        List<Element> items = svg.all("g", "item");
        assertEquals(5, items.size());
        assertNull(SvgDom.first(items.get(4), "rect", "bar"), "no bar for NaN");
        List<Element> rects = items.subList(0, 4).stream().map(g -> SvgDom.first(g, "rect", "bar")).toList();
        double x0 = SvgDom.num(rects.get(0), "x");
        double perDb = SvgDom.num(rects.get(0), "width") / 48.5;
        for (int i = 0; i < 3; i++) {
            Element r = rects.get(i);
            assertEquals(x0, SvgDom.num(r, "x"), PX, "bars start at 0");
            assertEquals(bars.get(i).value() * perDb, SvgDom.num(r, "width"), 2 * PX, bars.get(i).label());
            assertEquals(bars.get(i).label(), SvgDom.first(items.get(i), "text", "label").getTextContent());
        }
        double ys = SvgDom.num(rects.get(1), "y") - SvgDom.num(rects.get(0), "y");
        assertTrue(ys > SvgDom.num(rects.get(0), "height"), "rows do not overlap");
        assertEquals(ys, SvgDom.num(rects.get(2), "y") - SvgDom.num(rects.get(1), "y"), PX);

        List<Element> marked = svg.all("g", "marked");
        assertEquals(1, marked.size());
        assertEquals(rects.get(1), SvgDom.first(marked.get(0), "rect", "bar-worst"));
        assertEquals("body.qcu <mul>: 21.25 dB\nMul", SvgDom.title(marked.get(0)));

        // the infinite bar runs to the axis end, which is a tick at or past the largest finite value
        List<String> ticks = svg.texts("tick");
        double axisEnd = Double.parseDouble(ticks.get(ticks.size() - 1));
        assertTrue(axisEnd >= 48.5, ticks.toString());
        assertEquals(axisEnd * perDb, SvgDom.num(rects.get(3), "width"), 2 * PX);
        assertEquals(List.of("48.50 dB", "21.25 dB", "35.00 dB", "inf dB", "n/a"), svg.texts("value"));

        Element threshold = svg.all("g", "threshold-line").get(0);
        assertEquals(x0 + 30 * perDb, SvgDom.points(SvgDom.first(threshold, "path", "threshold"))[0], 2 * PX);
        assertEquals("--min-psnr: 30.00 dB", SvgDom.title(threshold));
    }

    @Test
    void longNamesAreCutInTheColumnAndWholeInTheTooltip() {
        String name = "model.encoder.stage3.block7.attention.conv_compress.weight_fused";
        SvgDom svg = new SvgDom(BarChart.svg("x", "", List.of(new BarChart.Bar(name, 3, null, false)), null));
        String shown = svg.texts("label").get(0);
        assertEquals(RowLayout.LABEL_CHARS, shown.length());
        assertTrue(shown.endsWith("…"));
        assertEquals(name + ": 3.00", SvgDom.title(svg.all("g", "item").get(0)));
    }

    @Test
    void axisTicksAreNiceStepsCoveringTheData() {
        Axis a = Axis.covering(0, 48.5, 6, 100, 600);
        assertEquals(List.of(0.0, 10.0, 20.0, 30.0, 40.0, 50.0), a.ticks());
        assertEquals(100 + 500 * 48.5 / 50, a.pixel(48.5), 1e-9);
        assertEquals(600, a.pixel(1e9), "clamped to the axis");
        assertEquals(List.of("0", "0.25", "1.5e+06"), List.of(Axis.label(0), Axis.label(0.25), Axis.label(1.5e6)));
    }
}
