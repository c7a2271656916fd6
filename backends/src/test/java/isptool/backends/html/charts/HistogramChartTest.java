package isptool.backends.html.charts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;

class HistogramChartTest {
    @Test
    void binsCountTheValuesAndTheirHeightsFollowTheLogOfTheCounts() {
        double[] values = new double[5000];
        Random r = new Random(1);
        for (int i = 0; i < values.length; i++) {
            values[i] = r.nextGaussian();
        }
        values[0] = Double.NaN;
        HistogramChart.Bins bins = HistogramChart.Bins.of(values, 40);
        long total = 0;
        for (long c : bins.counts()) {
            total += c;
        }
        assertEquals(4999, total, "every finite value in one bin");
        double lo = -2.5;
        double hi = 2.0;
        SvgDom svg = new SvgDom(HistogramChart.svg("act", "value", bins, lo, hi));
        List<Element> rects = svg.all("rect", "bin");
        assertEquals(40, rects.size());
        long largest = java.util.Arrays.stream(bins.counts()).max().orElseThrow();
        double full = rects.stream().mapToDouble(e -> SvgDom.num(e, "height")).max().orElseThrow();
        double x0 = SvgDom.num(rects.get(0), "x");
        double binPx = (SvgDom.num(rects.get(39), "x") + SvgDom.num(rects.get(39), "width") - x0) / 40;
        Element range = svg.all("rect", "chosen-range").get(0);
        double pxPerUnit = binPx / bins.binWidth();
        for (int i = 0; i < 40; i++) {
            Element e = rects.get(i);
            long c = bins.counts()[i];
            assertEquals(Long.toString(c), e.getAttribute("data-count"));
            assertEquals(full * Math.log10(1 + c) / Math.log10(1 + largest), SvgDom.num(e, "height"), 0.01);
            assertEquals(x0 + i * binPx, SvgDom.num(e, "x"), 0.02, "bins side by side");
            double centre = bins.min() + (i + 0.5) * bins.binWidth();
            assertEquals(centre < lo || centre > hi, e.getAttribute("class").contains("clipped"), "bin " + i);
        }
        assertEquals(x0 + (lo - bins.min()) * pxPerUnit, SvgDom.num(range, "x"), 0.05);
        assertEquals((hi - lo) * pxPerUnit, SvgDom.num(range, "width"), 0.05);
        assertTrue(SvgDom.title(range).startsWith("chosen range -2.500 .. 2.000"), SvgDom.title(range));
        assertTrue(svg.all("rect", "clipped").size() > 0, "the tails beyond 2.0 are clipped");
    }

    @Test
    void aRangeWiderThanTheValuesWidensTheAxis() {
        HistogramChart.Bins bins = HistogramChart.Bins.of(new double[] {0, 0.25, 0.5, 1}, 4);
        assertEquals(List.of(1L, 1L, 1L, 1L), java.util.Arrays.stream(bins.counts()).boxed().toList());
        SvgDom svg = new SvgDom(HistogramChart.svg("act", "value", bins, -1, 1));
        List<String> ticks = svg.texts("tick");
        assertTrue(ticks.contains("-1"), ticks.toString());
        assertEquals(0, svg.all("rect", "clipped").size());
    }
}
