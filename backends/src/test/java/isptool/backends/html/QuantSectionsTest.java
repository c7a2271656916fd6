package isptool.backends.html;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import isptool.backends.calib.BayerPattern;
import isptool.backends.html.images.ErrorMap;
import isptool.backends.html.images.PixelRange;
import isptool.backends.html.images.VerificationImages;
import isptool.backends.ort.OrtRunner;
import isptool.backends.quant.CalibrationMethod;
import isptool.backends.quant.Precision;
import isptool.backends.quant.QualityReport;
import isptool.backends.quant.QuantFixture;
import isptool.backends.quant.QuantResult;
import isptool.backends.tflite.TfliteRunner;
import isptool.backends.tflite.lower.StoredTensors;
import isptool.graph.Tensor;
import isptool.graph.io.Npy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The quantization sections for the convert page, on syenet_isp quantized to int8, rendered in headless Chromium. */
class QuantSectionsTest {
    @Test
    void floatOpsRegexMatchesExactlyTheNamesAndShowsControlCharacters() {
        List<String> names = List.of("/body/conv.1/Conv", "a+b (x)[0]{2}|^$?*\\", "two\nlines\u001b[31m", "it's");
        String regex = QuantSections.floatOpsRegex(names);
        assertEquals("/body/conv\\.1/Conv|a\\+b \\(x\\)\\[0\\]\\{2\\}\\|\\^\\$\\?\\*\\\\|two\\nlines\\x1b\\[31m|it's", regex);
        Pattern p = Pattern.compile(regex);
        for (String n : names) {
            assertTrue(p.matcher(n).matches(), n);
        }
        for (String other : List.of("/body/conv11/Conv", "/body/conv.1/Conv2", "two\nlines", "a+b (x)[0]{2}")) {
            assertFalse(p.matcher(other).matches(), other);
        }
        assertTrue(regex.chars().noneMatch(Character::isISOControl), "no raw control character on the page");
        assertEquals("--float-ops 'it'\\''s'", QuantSections.floatOpsOption(List.of("it's")));
    }

    @Test
    void syenetInt8PerLayerPsnrRangesAndImagesRenderInChromium(@TempDir Path dir) throws Exception {
        Browser browser = Browser.shared();
        QuantFixture f = QuantFixture.testdata("syenet_isp", dir);
        QuantResult q = f.quantize(Precision.INT8, CalibrationMethod.MSE, false, null);
        Path model = f.write(q, "int8");
        String in = f.g.inputs().get(0).name();
        Path testdata = Path.of(System.getProperty("isptool.root", "..")).resolve("testdata");
        Tensor raw = Npy.read(testdata.resolve("syenet_isp.input.npy"));
        List<QualityReport.Row> rows = QualityReport.compare(model, f.g, f.plan, Map.of(in, raw), true);
        List<QualityReport.Row> worst = QuantSections.worst(rows, 3);
        assertEquals(3, worst.size());

        HtmlPage page = new HtmlPage("syenet_isp.onnx: int8");
        QuantSections.perLayerPsnr(page.section("Per-layer quality"), rows, 3, 30.0);
        @SuppressWarnings("unchecked")
        Map<String, ?> ranges = (Map<String, ?>) q.summary().get("ranges");
        List<Map<String, Tensor>> samples = IntStream.range(0, 4).mapToObj(i -> f.image(1000 + i)).toList();
        List<QuantSections.ActivationRange> acts = QuantSections.activationRanges(f.g, samples, worst, ranges);
        QuantSections.activationHistograms(page.section("Activation ranges of the worst layers"), acts);

        Tensor reference = OrtRunner.runOnce(f.g, Map.of(in, raw), OrtRunner.Options.REFERENCE).values().iterator().next();
        Tensor actual;
        try (TfliteRunner tfl = TfliteRunner.open(model)) {
            Tensor out = tfl.run(Map.of(tfl.inputNames().get(0), StoredTensors.toNhwc(raw))).values().iterator().next();
            actual = StoredTensors.toNchw(out);
        }
        assertTrue(VerificationImages.applies(reference));
        VerificationImages.add(page.section("Output image"), raw, BayerPattern.RGGB, reference, actual, "int8 TFLite",
                new ErrorMap.Scale.MaxAbs());
        Path file = dir.resolve("quant.html");
        page.write(file);

        browser.open(file);
        assertEquals(List.of(), browser.errors());
        // a bar per compared layer, the 3 lowest marked, and the option that keeps exactly them float
        assertEquals(rows.size(), browser.number("document.querySelectorAll('svg.bar-chart g.item').length"));
        assertEquals(3, browser.number("document.querySelectorAll('svg.bar-chart g.item.marked').length"));
        String body = browser.text("document.body.textContent");
        List<String> worstNodes = worst.stream().map(QualityReport.Row::node).toList();
        String option = QuantSections.floatOpsOption(worstNodes);
        assertTrue(body.contains("convert again with: " + option), body);
        Pattern regex = Pattern.compile(QuantSections.floatOpsRegex(worstNodes));
        assertEquals(worstNodes, rows.stream().map(QualityReport.Row::node).distinct()
                .filter(n -> regex.matcher(n).matches()).sorted((a, b) -> worstNodes.indexOf(a) - worstNodes.indexOf(b)).toList());
        // a histogram per worst layer with a chosen range
        assertEquals(acts.size(), browser.number("document.querySelectorAll('svg.histogram').length"));
        assertEquals(acts.size() * QuantSections.BINS, browser.number("document.querySelectorAll('svg.histogram g.bin').length"));
        for (QuantSections.ActivationRange a : acts) {
            List<?> lohi = (List<?>) ranges.get(a.tensor());
            assertEquals(((Number) lohi.get(0)).doubleValue(), a.lo());
            assertEquals(4 * Arrays.stream(f.g.value(a.tensor()).shape().dims()).reduce(1, (x, y) -> x * y),
                    Arrays.stream(a.bins().counts()).sum(), "every value of 4 samples binned");
        }
        // images decoded by the browser: mosaic 64x64, preview 32x32, outputs and error map 64x64, colour bar 256x12
        assertEquals(List.of("64x64", "32x32", "64x64", "64x64", "64x64", "256x12"), Arrays.asList(browser.text(
                "[...document.querySelectorAll('img')].map(i => i.naturalWidth + 'x' + i.naturalHeight).join(',')")
                .split(",")));
        PixelRange range = PixelRange.of(reference, actual);
        assertTrue(range.stretched(), "syenet's output is about -0.4..0.4: " + range.describe());
        PagePixels.assertPixels(browser.pixels("figure:nth-of-type(3) img"), reference, range);
        PagePixels.assertPixels(browser.pixels("figure:nth-of-type(4) img"), actual, range);
        assertTrue(Files.size(browser.screenshot("quant_sections_syenet_int8")) > 10_000);
        assertEquals(List.of(), browser.errors());
        System.out.printf("quant sections of syenet_isp int8: %d layers, worst %s at %.2f dB, %d bytes%n", rows.size(),
                worstNodes.get(0), worst.get(0).comparison().psnr(), Files.size(file));
    }

    @Test
    void outputsOfTwoShapesGetASentenceNotImages() {
        HtmlPage page = new HtmlPage("p");
        Tensor a = Tensor.ofFloats(new long[] {1, 3, 2, 2}, new float[12]);
        Tensor b = Tensor.ofFloats(new long[] {1, 3, 2, 3}, new float[18]);
        VerificationImages.add(page.section("Output image"), a, null, a, b, "int8 TFLite", new ErrorMap.Scale.MaxAbs());
        String html = page.html();
        assertTrue(html.contains("No output images: the reference output is [1,3,2,2] and the int8 TFLite output"
                + " [1,3,2,3]; images need one shape [N, 1|3|4, H, W]."), html);
        assertFalse(html.contains("<img"));
    }
}
