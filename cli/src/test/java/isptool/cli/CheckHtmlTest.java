package isptool.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import isptool.backends.html.Browser;
import isptool.backends.target.Target;
import isptool.backends.tflite.TfliteModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code isptool check --html}: the page, rendered in headless Chromium. */
class CheckHtmlTest {
    private static Browser browser;

    @TempDir
    Path tmp;

    @BeforeAll
    static void startBrowser() throws Exception {
        browser = Browser.shared();
    }

    private static int count(String selector) throws Exception {
        return (int) browser.number("document.querySelectorAll(" + quote(selector) + ").length");
    }

    private static String quote(String s) {
        return "'" + s.replace("'", "\\'") + "'";
    }

    @Test
    void colorsEachOperatorByWhereItRunsAndOutlinesPartitionsAndRefusals() throws Exception {
        Path html = tmp.resolve("check.html");
        Path json = tmp.resolve("check.json");
        TestFiles.Run run = TestFiles.isptool("check", TestFiles.testdata("unet_small.onnx").toString(), "--target",
                "nnapi-29,gpu", "--html", html.toString(), "--json", json.toString());
        assertEquals(0, run.status(), run.err());
        browser.open(html);
        assertEquals(List.of(), browser.errors());
        // what the text report says (CheckCommandTest): 17 operators, RESIZE_BILINEAR #8 refused on nnapi-29, 2 partitions
        assertEquals(2, count("main > section svg.graph"), "one drawing per target (their outcomes differ)");
        for (String section : List.of("#s2", "#s3")) {
            assertEquals(17, count(section + " svg.graph g.op"), section);
            assertEquals(17, count(section + " svg.graph g.op > rect.run-delegate") + count(section + " svg.graph g.op > rect.run-cpu"));
        }
        assertTrue(browser.text("document.querySelector('#s2 h2').textContent").startsWith("nnapi-29: partially"));
        assertEquals(1, count("#s2 svg.graph g.op.refused"));
        assertEquals(1, count("#s2 svg.graph g.op.refused > rect.run-cpu"));
        assertEquals(2, count("#s2 svg.graph rect.partition"));
        assertEquals(16, count("#s2 svg.graph g.op > rect.run-delegate"));
        assertEquals(0, count("#s3 svg.graph g.op.refused"));
        assertEquals(1, count("#s3 svg.graph rect.partition"));
        String table = browser.text("document.querySelector('#s2 table').textContent");
        assertTrue(table.contains("RESIZE_BILINEAR") && table.contains("/Resize") && table.contains("half_pixel_centers = true needs API 30")
                && table.contains("TRANSPOSE_CONV"), table);
        browser.click("#s2 svg.graph g.op.refused");
        String panel = browser.text("document.getElementById('info-body').textContent");
        assertTrue(panel.contains("refused because") && panel.contains("needs API 30") && panel.contains("swap"), panel);
        assertEquals(List.of(), browser.errors());
        browser.screenshot("check_unet_small_nnapi29_gpu", 4000);
    }

    @Test
    void allTargetsShareADrawingPerOutcome() throws Exception {
        Path tflite = tmp.resolve("isp.tflite");
        assertEquals(0, TestFiles.isptool("convert", TestFiles.testdata("syenet_isp.onnx").toString(), "-o",
                tflite.toString()).status());
        int operators = TfliteModel.open(tflite).operators().size();
        Path html = tmp.resolve("all.html");
        TestFiles.Run run = TestFiles.isptool("check", tflite.toString(), "--target", "all", "--html", html.toString());
        assertEquals(0, run.status(), run.err());
        browser.open(html);
        assertEquals(List.of(), browser.errors());
        int drawings = count("main > section svg.graph");
        assertTrue(drawings > 1 && drawings < Target.all().size(), drawings + " drawings");
        assertEquals(drawings * operators, count("svg.graph g.op"));
        assertEquals(Target.all().size(), count("#s1 tbody tr"), "a summary row per target");
        String headings = browser.text("Array.from(document.querySelectorAll('main > section h2')).map(h => h.textContent).join('|')");
        for (Target t : Target.all()) {
            assertTrue(Stream.of(headings.split("[|:,] ?")).anyMatch(t.name()::equals), t.name() + " in " + headings);
        }
        // the text report: PRELU refused on nnapi-27, htp-v68 not delegated at all
        assertTrue(count("svg.graph g.op.refused") > 0);
        browser.screenshot("check_syenet_isp_all_targets", 8000);
        System.out.printf("check --target all on syenet_isp: %d operators, %d drawings, page %d KB%n", operators,
                drawings, Files.size(html) / 1024);
    }

    @Test
    void refusesToOverwriteTheModelOrTheJsonAndWritesNoPartialPage() throws Exception {
        Path tflite = tmp.resolve("u.tflite");
        assertEquals(0, TestFiles.isptool("convert", TestFiles.testdata("unet_small.onnx").toString(), "-o",
                tflite.toString()).status());
        long size = Files.size(tflite);
        TestFiles.Run overwrite = TestFiles.isptool("check", tflite.toString(), "--target", "gpu", "--html", tflite.toString());
        assertEquals(Main.EXIT_BAD_INPUT, overwrite.status());
        assertTrue(overwrite.err().contains("--html names the input model"), overwrite.err());
        assertEquals(size, Files.size(tflite));
        Path same = tmp.resolve("r.out");
        TestFiles.Run both = TestFiles.isptool("check", tflite.toString(), "--target", "gpu", "--html", same.toString(),
                "--json", same.toString());
        assertEquals(Main.EXIT_BAD_INPUT, both.status());
        assertTrue(both.err().contains("--html and --json name the same file"), both.err());
        TestFiles.Run folder = TestFiles.isptool("check", tflite.toString(), "--target", "gpu", "--html", tmp.toString());
        assertEquals(Main.EXIT_BAD_INPUT, folder.status());
        assertTrue(folder.err().contains("is a folder"), folder.err());
        assertFalse(folder.err().contains("Exception"), folder.err());
        assertFalse(Files.exists(same));
    }
}
