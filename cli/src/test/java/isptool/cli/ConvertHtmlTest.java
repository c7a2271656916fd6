package isptool.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import isptool.backends.calib.BayerPattern;
import isptool.backends.html.Browser;
import isptool.backends.html.PagePixels;
import isptool.backends.html.images.PixelRange;
import isptool.backends.ort.OrtRunner;
import isptool.backends.tflite.TfliteModel;
import isptool.backends.tflite.TfliteRunner;
import isptool.backends.tflite.lower.StoredTensors;
import isptool.graph.Tensor;
import isptool.graph.io.Npy;
import isptool.graph.io.OnnxImporter;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code isptool convert --html}: the pages of testdata/syenet_isp.onnx at fp32 and int8, made by
 * the command, rendered in headless Chromium, their drawings counted against the models and their
 * images decoded and compared with the tensors they show (run here in onnxruntime and TFLite).
 */
class ConvertHtmlTest {
    private static final Path ONNX = TestFiles.testdata("syenet_isp.onnx");
    private static final Path RAW = TestFiles.testdata("calib/raw64/raw64_005.png");
    private static Browser browser;

    @TempDir
    Path tmp;

    @BeforeAll
    static void startBrowser() throws Exception {
        browser = Browser.shared();
    }

    private TestFiles.Run convert(Path out, Path page, String... options) {
        List<String> args = new ArrayList<>(List.of("convert", ONNX.toString(), "-o", out.toString(), "--report",
                tmp.resolve("report.json").toString(), "--html", page.toString()));
        args.addAll(Arrays.asList(options));
        return TestFiles.isptool(args.toArray(String[]::new));
    }

    @Test
    void fp32PageDrawsBothGraphsAndShowsTheTensorsAsImages() throws Exception {
        Path out = tmp.resolve("isp.tflite");
        Path page = tmp.resolve("isp.html");
        TestFiles.Run run = convert(out, page, "--html-input", RAW.toString(), "--bayer", "RGGB");
        assertEquals(0, run.status(), run.out() + run.err());
        assertTrue(run.out().indexOf("  wrote " + out) < run.out().indexOf("  wrote page " + page), run.out());
        JsonNode report = new ObjectMapper().readTree(tmp.resolve("report.json").toFile());

        open(page);
        assertSvgNodesAreTheOps(out);
        // what the text report says: convs as loaded minus convs left
        int folded = report.get("before").get("convs").asInt() - report.get("after").get("convs").asInt();
        assertTrue(folded > 0);
        assertEquals(folded + "|convs folded away", fact(0));
        assertEquals("fp32|precision", fact(1));
        assertEquals(List.of("64x64", "32x32", "64x64", "64x64", "64x64", "256x12"), imageSizes());

        Tensor input = bayerPacked(RAW);
        Tensor reference = reference(input);
        Tensor written = tflite(out, input);
        PagePixels.assertMosaic(browser.pixels("img[alt^='input: RGGB mosaic']"), input, BayerPattern.RGGB);
        PixelRange range = PixelRange.of(reference, written);
        PagePixels.assertPixels(browser.pixels("img[alt^='reference output']"), reference, range);
        PagePixels.assertPixels(browser.pixels("img[alt^='fp32 TFLite output']"), written, range);
        // float32 errors are far below one 8-bit level of the pixel range: white is one level, the map dark
        double level = (range.hi() - range.lo()) / 255;
        assertTrue(PagePixels.maxAbs(reference, written) < level / 100);
        PagePixels.assertErrorMap(browser.pixels("img[alt^='abs error']"), reference, written, level);
        assertTrue(browser.text("document.body.textContent").contains("white = " + String.format(Locale.ROOT, "%.3g",
                level) + " or more"));
        assertEquals(0, count("svg.bar-chart"), "no per-layer chart for a float model");
        assertEquals(List.of(), browser.errors());
        Path shot = browser.screenshot("convert-syenet_isp-fp32", 20000);
        System.out.printf("convert --html syenet_isp fp32: %d convs folded, page %d KB, screenshot %s%n", folded,
                Files.size(page) / 1024, shot);
    }

    @Test
    void int8PageNamesTheWorstLayerAndComparesThePrecisions() throws Exception {
        Path out = tmp.resolve("isp8.tflite");
        Path page = tmp.resolve("isp8.html");
        TestFiles.Run run = convert(out, page, "--precision", "int8", "--calibration",
                TestFiles.testdata("calib/raw64").toString(), "--bayer", "RGGB", "--html-input", RAW.toString(),
                "--compare-precisions", "--per-layer");
        assertEquals(0, run.status(), run.out() + run.err());
        JsonNode layers = new ObjectMapper().readTree(tmp.resolve("report.json").toFile()).get("quantization")
                .get("quality").get("layers");

        open(page);
        assertSvgNodesAreTheOps(out);
        TfliteModel m = TfliteModel.open(out);
        assertEquals(m.count("QUANTIZE") + m.count("DEQUANTIZE"), count(".column:nth-child(2) svg.graph g.op > rect.k-quant"));
        // a bar per compared layer (the same tensors --per-layer prints), the 3 lowest marked and named
        assertEquals(layers.size(), count("svg.bar-chart g.item"));
        assertEquals(3, count("svg.bar-chart g.item.marked"));
        String lowest = browser.text("(() => { const bars = [...document.querySelectorAll('svg.bar-chart g.item')];"
                + " const db = b => parseFloat(b.querySelector('text.value').textContent);"
                + " return bars.reduce((a, b) => db(b) < db(a) ? b : a).querySelector('text.label').textContent; })()");
        String body = browser.text("document.body.textContent");
        assertTrue(body.contains("The layer that hurts most: " + lowest + " ("), lowest + " in " + body);
        assertTrue(fact(2).startsWith(lowest + ", ") && fact(2).endsWith("|worst layer"), fact(2));
        assertTrue(body.contains("convert again with: --float-ops '"), body);
        assertTrue(count("svg.histogram") >= 1 && count("svg.histogram") <= 3, "histograms of the worst layers");

        // the sample's images, then a row per precision (output, error map) and one colour bar
        List<String> sizes = imageSizes();
        assertEquals(List.of("64x64", "32x32", "64x64", "64x64", "64x64", "256x12", "64x64", "64x64", "64x64", "64x64",
                "64x64", "64x64", "256x12"), sizes);
        Tensor input = bayerPacked(RAW);
        PagePixels.assertMosaic(browser.pixels("img[alt^='input: RGGB mosaic']"), input, BayerPattern.RGGB);
        Tensor reference = reference(input);
        Tensor written = tflite(out, input);
        PixelRange range = PixelRange.of(reference, written);
        PagePixels.assertPixels(browser.pixels("img[alt^='reference output']"), reference, range);
        PagePixels.assertPixels(browser.pixels("img[alt^='int8 TFLite output']"), written, range);
        PagePixels.assertPixels(browser.pixels("img[alt='int8 output']"), written, PixelRange.of(reference));
        PagePixels.assertErrorMap(browser.pixels("img[alt^='abs error']"), reference, written,
                PagePixels.maxAbs(reference, written));
        String table = browser.text("[...document.querySelectorAll('table')].find(t => t.textContent.includes('int16x8'))"
                + ".textContent");
        for (String p : List.of("fp16", "int8", "int16x8")) {
            assertTrue(table.contains(p), table);
        }
        String psnr = browser.text("document.querySelector('#s3 .facts .value').textContent");
        assertTrue(body.contains("int8: PSNR " + psnr + " dB"), "the written int8 model and the int8 row agree: " + psnr);
        assertEquals(List.of(), browser.errors());
        Path shot = browser.screenshot("convert-syenet_isp-int8", 20000);
        System.out.printf("convert --html syenet_isp int8: worst layer %s, PSNR %s dB, page %d KB, screenshot %s%n",
                lowest, psnr, Files.size(page) / 1024, shot);
    }

    @Test
    void aFloatIslandStandsOutInTheWrittenGraph() throws Exception {
        Path out = tmp.resolve("mixed.tflite");
        Path page = tmp.resolve("mixed.html");
        TestFiles.Run run = convert(out, page, "--precision", "int8", "--calibration",
                TestFiles.testdata("calib/raw64").toString(), "--bayer", "RGGB", "--float-ops", "/body/compress/Conv",
                "--html-input", TestFiles.testdata("syenet_isp.input.npy").toString());
        assertEquals(0, run.status(), run.out() + run.err());
        open(page);
        assertSvgNodesAreTheOps(out);
        assertTrue(count(".column:nth-child(2) svg.graph g.op.float-island") >= 1);
        String islands = browser.text("[...document.querySelectorAll('#s1 .fact')].find(f => f.textContent"
                + ".endsWith('float island ops')).querySelector('.value').textContent");
        assertTrue(Integer.parseInt(islands) >= 1, islands);
        assertTrue(browser.text("document.body.textContent").contains("On --html-input syenet_isp.input.npy: the input"));
        assertEquals(6, imageSizes().size(), "a .npy sample's images");
        assertEquals(List.of(), browser.errors());
    }

    @Test
    void badHtmlInputIsOneLineAndWritesNeitherModelNorPage() throws Exception {
        Path missing = tmp.resolve("nope.png");
        Path grey = tmp.resolve("grey.png");
        ImageIO.write(new BufferedImage(64, 48, BufferedImage.TYPE_BYTE_GRAY), "png", grey.toFile());
        Path corrupt = tmp.resolve("corrupt.png");
        Files.write(corrupt, Arrays.copyOf(Files.readAllBytes(RAW), 60));
        Path npy = tmp.resolve("wrong.npy");
        Npy.write(npy, Tensor.ofFloats(new long[] {1, 3, 32, 32}, new float[3 * 32 * 32]));
        Map<Path, String> cases = Map.of(missing, "no such file", grey, "is [1,4,32,32]", corrupt,
                "cannot read the image", npy, "is [1,4,32,32]");
        for (Map.Entry<Path, String> c : cases.entrySet()) {
            Path out = tmp.resolve("m.tflite");
            Path page = tmp.resolve("m.html");
            // --bayer: the corrupt file's header (intact) gives the input's shape, so its pixels are what fails
            TestFiles.Run run = convert(out, page, "--html-input", c.getKey().toString(), "--bayer", "RGGB");
            assertEquals(Main.EXIT_BAD_INPUT, run.status(), c.getKey() + ": " + run.err());
            assertEquals(1, run.err().lines().count(), run.err());
            assertTrue(run.err().contains("--html-input " + c.getKey()) && run.err().contains(c.getValue()), run.err());
            assertFalse(run.err().contains("Exception"), run.err());
            assertFalse(Files.exists(out) || Files.exists(page), c.getKey() + ": nothing written");
        }
    }

    @Test
    void refusesClashingFilesQnnAndWritesNoPageForAFailedModel() throws Exception {
        Path out = tmp.resolve("q.tflite");
        TestFiles.Run same = TestFiles.isptool("convert", ONNX.toString(), "-o", out.toString(), "--html", out.toString());
        assertEquals(Main.EXIT_BAD_INPUT, same.status());
        assertTrue(same.err().contains("--html names the same file as -o"), same.err());
        Path report = tmp.resolve("r.json");
        TestFiles.Run rep = TestFiles.isptool("convert", ONNX.toString(), "-o", out.toString(), "--report",
                report.toString(), "--html", report.toString());
        assertTrue(rep.err().contains("--html names the same file as --report"), rep.err());
        Path copy = tmp.resolve("in.onnx");
        Files.copy(ONNX, copy);
        TestFiles.Run input = TestFiles.isptool("convert", copy.toString(), "-o", out.toString(), "--html", copy.toString());
        assertTrue(input.err().contains("--html names the input model"), input.err());
        assertEquals(Files.size(ONNX), Files.size(copy));
        TestFiles.Run qnn = TestFiles.isptool("convert", ONNX.toString(), "-o", tmp.resolve("q").toString(), "--backend",
                "qnn", "--html", tmp.resolve("q.html").toString());
        assertEquals(Main.EXIT_BAD_INPUT, qnn.status());
        assertTrue(qnn.err().contains("does not apply to --backend qnn"), qnn.err());
        TestFiles.Run orphan = TestFiles.isptool("convert", ONNX.toString(), "-o", out.toString(), "--html-input",
                RAW.toString());
        assertTrue(orphan.err().contains("give --html too"), orphan.err());
        for (TestFiles.Run r : List.of(same, rep, input, qnn, orphan)) {
            assertEquals(1, r.err().lines().filter(l -> l.startsWith("isptool")).count(), r.err());
        }
        assertFalse(Files.exists(out));

        // the quality gate fails: exit 3, no model and no page
        Path page = tmp.resolve("gate.html");
        TestFiles.Run gate = convert(out, page, "--precision", "int8", "--calibration",
                TestFiles.testdata("calib/raw64").toString(), "--bayer", "RGGB", "--min-psnr", "90");
        assertEquals(Main.EXIT_MISMATCH, gate.status(), gate.out() + gate.err());
        assertFalse(Files.exists(out) || Files.exists(page));
        assertFalse(gate.out().contains("wrote page"), gate.out());
    }

    private static void open(Path page) throws IOException {
        browser.open(page);
        assertEquals(List.of(), browser.errors());
    }

    /** A box per ONNX node as loaded and per TFLite operator written. */
    private static void assertSvgNodesAreTheOps(Path tflite) throws IOException {
        assertEquals(OnnxImporter.load(ONNX).nodeCount(), count(".column:nth-child(1) svg.graph g.op"));
        assertEquals(TfliteModel.open(tflite).operators().size(), count(".column:nth-child(2) svg.graph g.op"));
    }

    private static int count(String selector) throws IOException {
        return (int) browser.number("document.querySelectorAll(\"" + selector + "\").length");
    }

    /** The i-th summary tile as "value|label". */
    private static String fact(int i) throws IOException {
        return browser.text("(() => { const f = document.querySelectorAll('#s1 .fact')[" + i + "];"
                + " return f.querySelector('.value').textContent + '|' + f.querySelector('.label').textContent; })()");
    }

    private static List<String> imageSizes() throws IOException {
        return Arrays.asList(browser.text("[...document.querySelectorAll('img')].map(i => i.naturalWidth + 'x'"
                + " + i.naturalHeight).join(',')").split(","));
    }

    private static Tensor reference(Tensor input) {
        return OrtRunner.runOnce(ONNX, Map.of("input", input), OrtRunner.Options.REFERENCE).get("output");
    }

    /** The written model in the TFLite interpreter (NHWC in and out, float I/O), back in NCHW. */
    private static Tensor tflite(Path model, Tensor input) {
        try (TfliteRunner r = TfliteRunner.open(model)) {
            return StoredTensors.toNchw(r.run(Map.of("input", StoredTensors.toNhwc(input))).get("output"));
        }
    }

    /** The PNG's grey mosaic (8 or 16 bits) packed as --bayer RGGB packs it, scaled to [0, 1]. */
    private static Tensor bayerPacked(Path png) throws IOException {
        BufferedImage img = ImageIO.read(png.toFile());
        int w = img.getWidth();
        int h = img.getHeight();
        int[] planes = BayerPattern.RGGB.pack(img.getRaster().getSamples(0, 0, w, h, 0, (int[]) null), h, w);
        double scale = 1.0 / ((1L << img.getRaster().getSampleModel().getSampleSize(0)) - 1);
        float[] v = new float[planes.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (planes[i] * scale);
        }
        return Tensor.ofFloats(new long[] {1, 4, h / 2, w / 2}, v);
    }
}
