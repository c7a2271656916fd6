package isptool.backends.html.charts;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class SvgTest {
    @Test
    void namesWithMarkupQuotesAndControlCharactersStayText() {
        String name = "a<b>&\"c\"'d'\u001b[31m\n";
        Svg s = new Svg(10, 10, "c", name);
        s.rect(0, 0, 1, 1, "#000", "bar", name, "label", name);
        s.text(0, 0, "start", "t", name);
        SvgDom dom = new SvgDom(s.toString());
        assertEquals("a<b>&\"c\"'d'\\x1b[31m\n", dom.texts("t").get(0));
        assertEquals("a<b>&\"c\"'d'\\x1b[31m\n", SvgDom.title(dom.all("rect", "bar").get(0)));
        assertEquals(List.of("0", "1.5", "-2.25", "3"), List.of(Svg.num(-0.001), Svg.num(1.5), Svg.num(-2.25),
                Svg.num(2.999)));
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
