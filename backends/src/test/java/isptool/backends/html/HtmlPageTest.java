package isptool.backends.html;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The page framework, as text and as rendered by headless Chromium. */
class HtmlPageTest {
    private static Browser browser;

    @BeforeAll
    static void startBrowser() throws Exception {
        browser = Browser.shared();
    }

    /** A 7x5 RGB gradient: pixel (x, y) = (30x, 50y, 255 - 20x - 10y). */
    static BufferedImage gradient() {
        BufferedImage img = new BufferedImage(7, 5, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 5; y++) {
            for (int x = 0; x < 7; x++) {
                img.setRGB(x, y, (30 * x) << 16 | (50 * y) << 8 | (255 - 20 * x - 10 * y));
            }
        }
        return img;
    }

    static byte[] png(BufferedImage img) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        return out.toByteArray();
    }

    private static HtmlPage samplePage() throws IOException {
        HtmlPage page = new HtmlPage("a <page> & its \"title\"").subtitle("model: x.onnx");
        Svg svg = new Svg(200, 80, "graph");
        svg.group("op k-conv", "n1").title("Conv").rect(10, 10, 80, 30, 4, "k-conv").text(50, 30, "Conv </svg>", "c").end();
        svg.line(50, 40, 50, 70, "edge");
        page.info("n1", Map.of("title", "conv_1", "op", "Conv", "kernel_shape", List.of(3, 3), "note", "</script><b>x"));
        HtmlPage.Section s = page.section("Summary & figures");
        s.facts(Map.of("convs folded", 12)).text("text with <script>alert(1)</script> in it");
        s.section("the graph").svg(svg.toString()).legend(Map.of("k-conv", "convolution"));
        s.section("image").png(png(gradient()), 7, 5, "gradient 7x5");
        s.table(List.of("output", "PSNR dB"), List.of(List.of("y", 51.25), java.util.Arrays.asList("z", null)));
        return page;
    }

    @Test
    void escapesTextAndEmbedsEverythingInline() throws IOException {
        String html = samplePage().html();
        assertTrue(html.contains("<title>a &lt;page&gt; &amp; its &quot;title&quot;</title>"), html);
        assertTrue(html.contains("text with &lt;script&gt;alert(1)&lt;/script&gt; in it"));
        assertTrue(html.contains("Conv &lt;/svg&gt;"));
        assertTrue(html.contains("<\\/script><b>x"), "a </script> inside the JSON data is broken up");
        assertFalse(html.replace("xmlns=\"http://www.w3.org/2000/svg\"", "").contains("://"), "no URL but the SVG namespace");
        assertTrue(html.contains("src=\"data:image/png;base64,"));
    }

    @Test
    void refusesAPngOfAnotherSizeAndADuplicateInfoKey() throws IOException {
        HtmlPage page = new HtmlPage("t");
        byte[] png = png(gradient());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> page.section("s").png(png, 5, 7, "wrong"));
        assertEquals("PNG \"wrong\" is 7x5, not 5x7", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> page.section("s").png(new byte[30], 1, 1, "x"));
        page.info("k", Map.of());
        assertThrows(IllegalArgumentException.class, () -> page.info("k", Map.of()));
        assertThrows(IllegalStateException.class, () -> new Svg(1, 1, "").group("", null).toString());
    }

    @Test
    void writesTheWholePageOrNothing(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("sub/page.html");
        samplePage().write(file);
        assertEquals(samplePage().html(), Files.readString(file));
        try (var files = Files.list(file.getParent())) {
            assertEquals(List.of(file), files.toList(), "no temporary file left beside the page");
        }
    }

    @Test
    void rendersInChromiumWithoutErrorsAndShowsTheInfoPanel(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("page.html");
        samplePage().write(file);
        browser.open(file);
        assertEquals(List.of(), browser.errors());
        assertEquals("a <page> & its \"title\"", browser.text("document.title"));
        assertEquals(1, browser.number("document.querySelectorAll('svg g.op').length"));
        assertEquals(2, browser.number("document.scripts.length"), "only the page's data and its own script");
        assertEquals(7, browser.number("document.querySelector('img').naturalWidth"));
        assertEquals(5, browser.number("document.querySelector('img').naturalHeight"));
        int[] rgba = browser.pixels("img");
        BufferedImage src = gradient();
        int[] expected = new int[7 * 5 * 4];
        for (int i = 0; i < 35; i++) {
            int p = src.getRGB(i % 7, i / 7);
            expected[4 * i] = p >> 16 & 0xff;
            expected[4 * i + 1] = p >> 8 & 0xff;
            expected[4 * i + 2] = p & 0xff;
            expected[4 * i + 3] = 255;
        }
        assertArrayEquals(expected, rgba, "the browser decodes the PNG to the exact pixels written");
        assertEquals(51.25, browser.number("+document.querySelector('td.num').textContent"));

        assertTrue((Boolean) browser.evaluate("document.getElementById('info').hidden"));
        browser.hover("g.op");
        assertFalse((Boolean) browser.evaluate("document.getElementById('info').hidden"), "hover shows the panel");
        assertEquals("conv_1", browser.text("document.querySelector('#info h4').textContent"));
        browser.click("g.op");
        browser.hover("h1");
        assertFalse((Boolean) browser.evaluate("document.getElementById('info').hidden"), "click pins the panel");
        assertTrue(browser.text("document.getElementById('info-body').textContent").contains("</script><b>x"));
        assertTrue(browser.text("document.getElementById('info-body').textContent").contains("3, 3"));
        browser.click("#info-close");
        assertTrue((Boolean) browser.evaluate("document.getElementById('info').hidden"));
        assertEquals(List.of(), browser.errors());
        assertTrue(Files.size(browser.screenshot("html_page_sample")) > 1000);
    }

    @Test
    void reportsScriptErrorsAndBlockedUrls(@TempDir Path dir) throws IOException {
        // a page that breaks the rules: the harness must see it, or the other tests prove nothing
        Path file = dir.resolve("bad.html");
        String html = samplePage().html().replace("</main>",
                "</main><img src=\"https://example.invalid/x.png\"><script>undefinedFunction();</script>");
        Files.writeString(file, html);
        browser.open(file);
        List<String> errors = browser.errors();
        assertTrue(errors.stream().anyMatch(e -> e.contains("undefinedFunction") || e.contains("Content Security Policy")), errors.toString());
        assertTrue(errors.stream().anyMatch(e -> e.contains("example.invalid") || e.contains("img-src")), errors.toString());
    }
}
