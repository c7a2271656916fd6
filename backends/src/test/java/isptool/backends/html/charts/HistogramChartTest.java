package isptool.backends.html.charts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
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
        assertEquals(4999, Arrays.stream(bins.counts()).sum(), "every finite value in one bin");
        double lo = -2.5;
        double hi = 2.0;
        SvgDom svg = new SvgDom(HistogramChart.svg("value", bins, lo, hi));
        List<Element> groups = svg.all("g", "bin");
        assertEquals(40, groups.size());
        List<Element> rects = groups.stream().map(g -> SvgDom.first(g, "rect", "bar")).toList();
        long largest = Arrays.stream(bins.counts()).max().orElseThrow();
        double full = rects.stream().mapToDouble(e -> SvgDom.num(e, "height")).max().orElseThrow();
        double x0 = SvgDom.num(rects.get(0), "x");
        double binPx = (SvgDom.num(rects.get(39), "x") + SvgDom.num(rects.get(39), "width") - x0) / 40;
        double pxPerUnit = binPx / bins.binWidth();
        for (int i = 0; i < 40; i++) {
            Element e = rects.get(i);
            long c = bins.counts()[i];
            assertTrue(SvgDom.title(groups.get(i)).contains(": " + c + " value"), SvgDom.title(groups.get(i)));
            assertEquals(full * Math.log10(1 + c) / Math.log10(1 + largest), SvgDom.num(e, "height"), 0.1);
            assertEquals(x0 + i * binPx, SvgDom.num(e, "x"), 0.15, "bins side by side");
            double centre = bins.min() + (i + 0.5) * bins.binWidth();
            assertEquals(centre < lo || centre > hi, groups.get(i).getAttribute("class").contains("clipped"), "bin " + i);
        }
        Element range = svg.all("rect", "chosen-range").get(0);
        assertEquals(x0 + (lo - bins.min()) * pxPerUnit, SvgDom.num(range, "x"), 0.2);
        assertEquals((hi - lo) * pxPerUnit, SvgDom.num(range, "width"), 0.2);
        assertEquals("chosen range -2.500 .. 2.000", SvgDom.title(svg.all("g", "range").get(0)));
        assertTrue(svg.all("g", "clipped").size() > 0, "the tails beyond 2.0 are clipped");
    }

    @Test
    void aRangeWiderThanTheValuesWidensTheAxis() {
        HistogramChart.Bins bins = HistogramChart.Bins.of(new double[] {0, 0.25, 0.5, 1}, 4);
        assertEquals(List.of(1L, 1L, 1L, 1L), Arrays.stream(bins.counts()).boxed().toList());
        SvgDom svg = new SvgDom(HistogramChart.svg("value", bins, -1, 1));
        assertTrue(svg.texts("tick").contains("-1"), svg.texts("tick").toString());
        assertEquals(0, svg.all("g", "clipped").size());
    }
}
