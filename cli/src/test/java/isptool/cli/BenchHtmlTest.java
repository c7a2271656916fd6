package isptool.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import isptool.backends.bench.adb.DeviceStandIn;
import isptool.backends.bench.adb.StandInBenchmarkModel;
import isptool.backends.bench.adb.StandInQnnSdk;
import isptool.backends.html.Browser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code bench --html}: the page of a bench against {@link DeviceStandIn} phones (the real adb
 * client, stand-in benchmark_model scripts), rendered in headless Chromium.
 */
class BenchHtmlTest extends AdbBenchTestBase {
    static Path model;

    @BeforeAll
    static void convert() {
        model = scratch.resolve("syenet_isp.tflite");
        TestFiles.Run run = TestFiles.isptool("convert", TestFiles.testdata("syenet_isp.onnx").toString(), "-o",
                model.toString());
        assertEquals(0, run.status(), run.err());
    }

    private static List<String> texts(String selector) throws Exception {
        String joined = Browser.shared().text("[...document.querySelectorAll('" + selector + "')].map(e => e.textContent).join('|')");
        return joined.isEmpty() ? List.of() : Arrays.asList(joined.split("\\|"));
    }

    @Test
    void twoDevicesEveryDelegateAndATrendOfEarlierJsonResults() throws Exception {
        Browser browser = Browser.shared();
        try (DeviceStandIn a = phone("a", StandInBenchmarkModel.succeeding(dir));
                DeviceStandIn b = phone("b", StandInBenchmarkModel.nnapiFails(dir))) {
            String devices = serial(a) + "," + serial(b);
            Path first = dir.resolve("nightly-1.json");
            assertEquals(Main.EXIT_DEVICE, TestFiles.isptool("bench", model.toString(), "--device", devices, "--delegate",
                    "all", "--runs", "5", "--json", first.toString()).status(), "b's nnapi fails");
            Path page = dir.resolve("bench.html");
            TestFiles.Run run = TestFiles.isptool("bench", model.toString(), "--device", devices, "--delegate", "all",
                    "--runs", "5", "--psnr", "32.5", "--html", page.toString(), "--html-from", first.toString());
            assertEquals(Main.EXIT_DEVICE, run.status(), run.err());
            assertEquals(1, run.errors().lines().count(), "the one error line of the failed run: " + run.err());

            browser.open(page);
            assertEquals(List.of(), browser.errors());
            assertEquals(model + ": bench", browser.text("document.title"));
            assertEquals("benchmark_model on 2 devices over adb, 1 thread", browser.text("document.querySelector('.subtitle').textContent"));
            // one row per device x delegate: 2 x (cpu, xnnpack, gpu, nnapi), a bar for each but b's nnapi
            assertEquals(8, browser.number("document.querySelectorAll('svg.whisker-chart g.item').length"));
            assertEquals(7, browser.number("document.querySelectorAll('svg.whisker-chart g.item rect.bar').length"));
            assertEquals(List.of(serial(a) + " (StandIn 9, SM8550, Android SDK 34, arm64-v8a)",
                    serial(b) + " (StandIn 9, SM8550, Android SDK 34, arm64-v8a)"), texts("svg.whisker-chart text.group-label"));
            assertEquals(List.of("cpu", "xnnpack", "gpu", "nnapi", "cpu", "xnnpack", "gpu", "nnapi"),
                    texts("svg.whisker-chart text.label"));
            String failed = browser.text("document.querySelectorAll('svg.whisker-chart g.item')[7].textContent");
            assertTrue(failed.contains("no result: ") && failed.contains("Failed to apply NNAPI delegate."), failed);
            // the stand-in prints p5=17921 median=18040 p95=18533 us for every run: equal bars and whiskers
            List<String> tips = texts("svg.whisker-chart g.item:not(.none) > title");
            assertEquals(7, tips.size());
            for (String tip : tips) {
                assertTrue(tip.matches("127\\.0\\.0\\.1:\\d+ \\(StandIn 9, [^)]*\\) \\w+: 18\\.04 ms \\(p5 17\\.92 ms, p95"
                        + " 18\\.53 ms\\)\\nmean 18\\.10 ms, std 0\\.17 ms; min 17\\.90 ms, max 18\\.88 ms; 55 timed runs; .*"), tip);
            }
            double[] widths = Arrays.stream(browser.text("[...document.querySelectorAll('svg.whisker-chart rect.bar')]"
                    + ".map(r => r.getBBox().width).join(',')").split(",")).mapToDouble(Double::parseDouble).toArray();
            assertTrue(Arrays.stream(widths).allMatch(w -> Math.abs(w - widths[0]) < 0.01), Arrays.toString(widths));
            assertTrue(browser.text("document.body.textContent").contains("MAI 2021 score"));
            assertEquals(List.of("nightly-1", "this run"), texts("svg.line-chart text.run"));
            assertEquals(14, browser.number("document.querySelectorAll('svg.line-chart g.point').length"),
                    "7 medians in each run");
            assertTrue(Files.size(browser.screenshot("bench_two_devices")) > 10_000);
            assertEquals(List.of(), browser.errors());
            System.out.printf("bench --html, 2 devices x 4 delegates and a trend: %d bytes%n", Files.size(page));
        }
    }

    @Test
    void profileOpsPutsTheSlowestOpsAndOpTypesOnThePage() throws Exception {
        Browser browser = Browser.shared();
        Path profiled = StandInBenchmarkModel.printing(dir, fixture("newest_op_profile.log"), "", 0);
        try (DeviceStandIn phone = phone("p", profiled)) {
            Path page = dir.resolve("ops.html");
            TestFiles.Run run = TestFiles.isptool("bench", model.toString(), "--device", serial(phone), "--delegate", "cpu",
                    "--profile-ops", "--html", page.toString());
            assertEquals(0, run.status(), run.err());
            browser.open(page);
            assertEquals(List.of(), browser.errors());
            assertEquals(1, browser.number("document.querySelectorAll('svg.whisker-chart rect.bar').length"));
            assertEquals(List.of("/body/compress/Conv (CONV_2D)", "/head/compress/Conv (CONV_2D)",
                    "/head_act/PRelu (PRELU)", "/shuffle/DepthToSpace (DEPTH_TO_SPACE)"),
                    texts("svg.bar-chart:nth-of-type(1) text.label").subList(0, 4), "ONNX nodes name the slowest ops");
            assertEquals(List.of("CONV_2D", "PRELU", "DEPTH_TO_SPACE"), texts("svg.bar-chart text.label").subList(4, 7));
            assertEquals(List.of("/body/compress/Conv (CONV_2D)", "/head/compress/Conv (CONV_2D)", "CONV_2D"),
                    texts("svg.bar-chart g.marked text.label"), "ops at a quarter of the run or more are marked");
            assertTrue(Files.size(browser.screenshot("bench_profile_ops")) > 10_000);
        }
    }

    /** The host bench's percentiles come from its own run times: a bar and a whisker. */
    @Test
    void hostBenchPage() throws Exception {
        Browser browser = Browser.shared();
        Path page = dir.resolve("host.html");
        TestFiles.Run run = TestFiles.isptool("bench", model.toString(), "--host", "--runs", "5", "--min-secs", "0",
                "--html", page.toString());
        assertEquals(0, run.status(), run.err());
        browser.open(page);
        assertEquals(List.of(), browser.errors());
        assertEquals(List.of("host"), texts("svg.whisker-chart text.group-label"));
        assertEquals(List.of("xnnpack"), texts("svg.whisker-chart text.label"));
        assertEquals(1, browser.number("document.querySelectorAll('svg.whisker-chart path.whisker:not(.whisker-end)').length"));
        assertTrue(browser.text("document.querySelector('.subtitle').textContent")
                .startsWith("host (TFLite interpreter in-process, 1 thread, XNNPACK)"));
    }

    /** qnn-net-run prints an average only: the HTP row is a bar without whisker, its device's HTP named. */
    @Test
    void qnnBenchPage() throws Exception {
        Browser browser = Browser.shared();
        Path qnn = scratch.resolve("qnn/acnet");
        TestFiles.Run convert = TestFiles.isptool("convert", TestFiles.testdata("acnet.onnx").toString(), "--backend", "qnn",
                "--precision", "fp32", "-o", qnn.toString());
        assertEquals(0, convert.status(), convert.err());
        try (DeviceStandIn phone = new DeviceStandIn(dir.resolve("qnn-phone")).start(0)) {
            Path sdk = StandInQnnSdk.create(dir.resolve("sdk"), "acnet", "v73", true,
                    StandInQnnSdk.fixture("profile_viewer_htp.txt"));
            Path page = dir.resolve("qnn.html");
            TestFiles.Run run = TestFiles.isptool("bench", qnn.toString(), "--device", serial(phone), "--qnn-sdk",
                    sdk.toString(), "--runs", "5", "--html", page.toString());
            assertEquals(0, run.status(), run.err());
            browser.open(page);
            assertEquals(List.of(), browser.errors());
            assertEquals("qnn-net-run on the HTP of 1 device over adb",
                    browser.text("document.querySelector('.subtitle').textContent"));
            assertEquals(List.of(serial(phone) + " (StandIn 9, SM8550, Android SDK 34, arm64-v8a, HTP v73)"),
                    texts("svg.whisker-chart text.group-label"));
            assertEquals(List.of("htp-v73"), texts("svg.whisker-chart text.label"));
            assertEquals(1, browser.number("document.querySelectorAll('svg.whisker-chart rect.bar').length"));
            assertEquals(0, browser.number("document.querySelectorAll('svg.whisker-chart path.whisker').length"));
            assertEquals(List.of(serial(phone) + " (StandIn 9, SM8550, Android SDK 34, arm64-v8a, HTP v73) htp-v73: 2.43 ms"
                    + "\nmean 2.43 ms; 5 timed runs; delegation: full"), texts("svg.whisker-chart g.item > title"));
        }
    }

    @Test
    void htmlFromNeedsHtmlAndBenchJsonFiles() throws IOException {
        TestFiles.Run alone = TestFiles.isptool("bench", model.toString(), "--host", "--html-from", "a.json");
        assertEquals(Main.EXIT_BAD_INPUT, alone.status());
        assertTrue(alone.errors().contains("--html-from draws earlier results on the page of --html FILE; give --html too"),
                alone.err());

        Path report = dir.resolve("convert.json");
        Files.writeString(report, "{\"command\": \"convert\"}");
        Path page = dir.resolve("never.html");
        TestFiles.Run wrong = TestFiles.isptool("bench", model.toString(), "--host", "--runs", "1", "--html",
                page.toString(), "--html-from", report.toString());
        assertEquals(Main.EXIT_BAD_INPUT, wrong.status());
        assertEquals("isptool: " + report + ": not a bench result (no \"command\": \"bench\" with \"runs\"); give"
                + " --html-from files bench --json wrote\n", wrong.errors());
        assertFalse(Files.exists(page), "no page, and no bench, for a bad --html-from");
        assertEquals("", wrong.out());
    }
}
