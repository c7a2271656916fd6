package isptool.backends.html;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import isptool.backends.bench.BenchResult;
import isptool.backends.bench.BenchRun;
import isptool.backends.bench.BenchmarkModelParser;
import isptool.backends.bench.MaiScore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bench page from benchmark_model logs of the fixtures, rendered in headless Chromium. */
class BenchPageTest {
    static BenchResult parsed(String fixture) throws IOException {
        try (InputStream in = BenchPageTest.class.getResourceAsStream("/bench/" + fixture)) {
            return BenchmarkModelParser.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void latencyDelegationScoresOpsAndTrendRenderInChromium(@TempDir Path dir) throws Exception {
        Browser browser = Browser.shared();
        List<BenchRun> runs = List.of(new BenchRun("R5CT1", "xnnpack", parsed("era_newest.log")),
                new BenchRun("R5CT1", "nnapi", parsed("fail_nnapi_partial.log")),
                new BenchRun("R5CT1", "cpu", parsed("newest_op_profile.log")),
                new BenchRun("emulator-5554", "nnapi", parsed("fail_nnapi_failed.log")),
                new BenchRun("emulator-5554", "cpu", parsed("era_1_13.log")));
        BenchPage bench = new BenchPage("syenet_isp.tflite", "devices over adb, 1 thread")
                .target("R5CT1", "Pixel 7, gs201, Android SDK 34, arm64-v8a").psnr(31.5, "from convert.json");
        for (BenchRun r : runs) {
            Double ms = r.result().typicalMs();
            bench.row(r, r.result().ok() ? null : r.result().problem(), ms == null ? null : MaiScore.score(31.5, ms / 1000));
        }
        bench.earlier(List.of(new BenchPage.Earlier("nightly-1", List.of(new BenchPage.Median("R5CT1", "xnnpack", 1400.0),
                new BenchPage.Median("R5CT1", "cpu", 20.0))), new BenchPage.Earlier("nightly-2",
                List.of(new BenchPage.Median("R5CT1", "xnnpack", 1300.0), new BenchPage.Median("R5CT1", "nnapi", null)))));
        Path file = dir.resolve("bench.html");
        bench.page().write(file);
        String html = Files.readString(file);

        browser.open(file);
        assertEquals(List.of(), browser.errors());
        assertEquals("syenet_isp.tflite: bench", browser.text("document.title"));
        // one row per target x delegate, a bar for each with a median, a whisker for each with p5/p95
        assertEquals(5, browser.number("document.querySelectorAll('svg.whisker-chart g.item').length"));
        assertEquals(4, browser.number("document.querySelectorAll('svg.whisker-chart rect.bar').length"));
        assertEquals(3, browser.number("document.querySelectorAll('svg.whisker-chart path.whisker:not(.whisker-end)').length"),
                "the 1.13-era log prints no percentiles");
        assertEquals(List.of("R5CT1 (Pixel 7, gs201, Android SDK 34, arm64-v8a)", "emulator-5554"),
                Arrays.asList(browser.text("[...document.querySelectorAll('svg.whisker-chart text.group-label')]"
                        + ".map(t => t.textContent).join('|')").split("\\|")));
        // the bars' rendered widths are in proportion to the medians
        double[] widths = numbers("[...document.querySelectorAll('svg.whisker-chart rect.bar')]"
                + ".map(r => r.getBBox().width).join(',')");
        double[] medians = runs.stream().filter(r -> r.result().typicalMs() != null)
                .mapToDouble(r -> r.result().typicalMs()).toArray();
        for (int i = 0; i < widths.length; i++) {
            assertEquals(medians[i] / medians[0], widths[i] / widths[0], 0.002, "bar " + i);
        }
        assertTrue(browser.text("document.querySelectorAll('svg.whisker-chart g.item')[3].textContent")
                .contains("no result: Failed to apply NNAPI delegate."));
        assertTrue(browser.text("document.body.textContent").contains("partial (2 kernels, 12/15 ops, 3 partitions)"));
        assertTrue(browser.text("document.body.textContent").contains("12 of 15 nodes to TfLiteNnapiDelegate, 3 partitions"));
        assertTrue(browser.text("document.body.textContent").contains("MAI 2021 score"));

        // --profile-ops rows: the slowest ops and the op types, for the cpu run only
        assertEquals(2, browser.number("document.querySelectorAll('svg.bar-chart').length"));
        assertEquals(4, browser.number("document.querySelectorAll('svg.bar-chart')[0].querySelectorAll('rect.bar').length"));
        assertTrue(browser.text("document.querySelector('svg.bar-chart g.item title').textContent")
                .startsWith("/body/compress/Conv_output_0 (CONV_2D): 10.80 ms"),
                browser.text("document.querySelector('svg.bar-chart g.item title').textContent"));
        // the trend: two earlier runs and this one, a point per known median
        assertEquals(List.of("nightly-1", "nightly-2", "this run"), Arrays.asList(browser.text(
                "[...document.querySelectorAll('svg.line-chart text.run')].map(t => t.textContent).join('|')").split("\\|")));
        assertEquals(2 + 1 + 4, browser.number("document.querySelectorAll('svg.line-chart g.point').length"));
        assertTrue(Files.size(browser.screenshot("bench_page_fixtures")) > 10_000);
        assertEquals(List.of(), browser.errors());
        System.out.printf("bench page from 5 fixture runs: %d bytes%n", html.length());
    }

    private static double[] numbers(String js) throws Exception {
        return Arrays.stream(Browser.shared().text(js).split(",")).mapToDouble(Double::parseDouble).toArray();
    }
}
