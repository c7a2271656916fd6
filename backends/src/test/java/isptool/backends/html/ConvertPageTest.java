package isptool.backends.html;

import isptool.backends.convert.FloatConversion;
import isptool.backends.ort.Inputs;
import isptool.backends.ort.OrtRunner;
import isptool.backends.quant.Precision;
import isptool.backends.target.TestdataModels;
import isptool.backends.tflite.TfliteModel;
import isptool.backends.tflite.TfliteRunner;
import isptool.backends.tflite.lower.StoredTensors;
import isptool.backends.verify.Comparison;
import isptool.graph.Graph;
import isptool.graph.Node;
import isptool.graph.Tensor;
import isptool.graph.io.OnnxImporter;
import isptool.passes.PassReport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The convert page of a real float conversion of testdata/syenet_isp.onnx, rendered in Chromium. */
class ConvertPageTest {
    private static Browser browser;

    @BeforeAll
    static void startBrowser() throws Exception {
        browser = Browser.shared();
    }

    /** What convert knows after a float conversion of the testdata net, verified in the real runtimes. */
    static ConvertPage.Input convert(String name, Path dir) throws IOException {
        return convert(name, Precision.FP32, dir, 1e-4);
    }

    /**
     * The same written at a precision, its outputs checked against onnxruntime to relative error
     * tolerance (max abs error / output range).
     */
    static ConvertPage.Input convert(String name, Precision precision, Path dir, double tolerance) throws IOException {
        Path onnx = TestdataModels.root().resolve(name + ".onnx");
        Graph g = OnnxImporter.load(onnx);
        Graph loaded = ConvertPage.snapshot(g);
        assertEquals(g.nodes().stream().map(Node::name).toList(), loaded.nodes().stream().map(Node::name).toList(),
                "the snapshot has the graph's nodes, names and order");
        g.trackProvenance();
        FloatConversion c = FloatConversion.run(g, true, true);
        Path file = dir.resolve(name + ".written.tflite");
        Files.write(file, TestdataModels.written(c, name, precision, dir, null, null));
        Map<String, Tensor> in = Inputs.random(loaded, 1);
        Map<String, Tensor> ref = OrtRunner.runOnce(loaded, in, OrtRunner.Options.REFERENCE);
        Map<String, Tensor> nhwc = new LinkedHashMap<>();
        in.forEach((k, v) -> nhwc.put(k, StoredTensors.toNhwc(v)));
        Map<String, Tensor> got = new LinkedHashMap<>();
        try (TfliteRunner r = TfliteRunner.open(file)) {
            r.run(nhwc).forEach((k, v) -> got.put(k, StoredTensors.toNchw(v)));
        }
        List<Comparison> rows = Comparison.compare(ref, got);
        rows.forEach(row -> assertTrue(row.withinRelative(tolerance), row.toString()));
        return new ConvertPage.Input(Path.of("testdata", name + ".onnx"), loaded, g, TfliteModel.open(file),
                c.report(), "random input (seed 1)", rows);
    }

    /**
     * Writes and opens the page; checks it has no errors, a box per trained node and per written
     * operator, and a group per fold.
     */
    private static Path render(ConvertPage.Input in, Path page) throws IOException {
        ConvertPage.of(in).write(page);
        browser.open(page);
        assertEquals(List.of(), browser.errors());
        assertEquals(in.loaded().nodeCount(), count(".column:nth-child(1) svg.graph g.op"));
        assertEquals(in.written().operators().size(), count(".column:nth-child(2) svg.graph g.op"));
        long folds = Folds.of(in.folded(), in.folded().provenance()).stream().filter(Folds.Fold::isFold).count();
        assertTrue(folds > 0);
        assertEquals(folds, count(".column:nth-child(1) svg.graph rect.fold"));
        return page;
    }

    private static int count(String selector) throws IOException {
        return (int) browser.number("document.querySelectorAll('" + selector + "').length");
    }

    @Test
    void drawsBothGraphsAndEachFoldAsTheGroupOfNodesItReplaced(@TempDir Path dir) throws IOException {
        ConvertPage.Input in = convert("syenet_isp", dir);
        List<Folds.Fold> folds = Folds.of(in.folded(), in.folded().provenance());
        long foldGroups = folds.stream().filter(Folds.Fold::isFold).count();
        assertTrue(foldGroups > 0);

        // every branch list the passes report is inside the fold that holds the reported node
        Pattern listed = Pattern.compile("\\[([^\\]]*)\\]");
        int checked = 0;
        for (PassReport.Entry e : in.report().applied()) {
            Matcher m = listed.matcher(e.what());
            if (!e.pass().equals("MergeConcatOfConvs") || !m.find()) {
                continue;
            }
            Folds.Fold f = folds.stream().filter(x -> x.originals().contains(e.node())).findFirst().orElseThrow();
            assertTrue(f.originals().containsAll(Set.of(m.group(1).split(", "))), e + " within " + f);
            checked++;
        }
        assertTrue(checked > 0, "MergeConcatOfConvs reported its branches");

        Path page = render(in, dir.resolve("convert.html"));
        long foldedOps = in.written().operatorOrigins().stream().filter(o -> o != null && folds.stream()
                .anyMatch(f -> f.isFold() && f.results().contains(o))).count();
        assertEquals(0, in.written().count("QUANTIZE") + in.written().count("DEQUANTIZE"), "a float model");
        assertTrue(foldedOps > 0);
        assertEquals(foldedOps, count(".column:nth-child(2) svg.graph g.op.folded"));
        String facts = browser.text("document.querySelector('.facts').textContent");
        assertTrue(facts.contains(in.loaded().count("Conv") + " → "), facts);
        String table = browser.text("document.querySelector('#s2 table').textContent");
        assertTrue(table.contains(Comparison.db(in.verification().get(0).psnr())), table);
        browser.click(".column:nth-child(2) svg.graph g.op.folded");
        String panel = browser.text("document.getElementById('info-body').textContent");
        assertTrue(panel.contains("stands for") && panel.contains("MergeConcatOfConvs") && panel.contains("pass notes")
                && panel.contains("concatenated branches"), panel);
        String shapes = browser.text("document.querySelector('.column:nth-child(1) svg.graph g.op text.shape').textContent");
        assertEquals(String.valueOf(in.loaded().nodes().get(0).output(0).shape()), shapes, "the trained graph's shapes");
        assertEquals(List.of(), browser.errors());
        browser.screenshot("convert_syenet_isp_fp32", 5000);
        System.out.printf("convert page syenet_isp: %d trained nodes, %d operators, %d folds, page %d KB%n",
                in.loaded().nodeCount(), in.written().operators().size(), foldGroups, Files.size(page) / 1024);
    }

    @Test
    void showsAnInt8ModelWithItsQuantizeOpsAndTheSameFolds(@TempDir Path dir) throws IOException {
        ConvertPage.Input in = convert("syenet_isp", Precision.INT8, dir, 0.05);
        Path page = render(in, dir.resolve("convert_int8.html"));
        assertEquals(in.written().count("QUANTIZE") + in.written().count("DEQUANTIZE"),
                count(".column:nth-child(2) svg.graph g.op > rect.k-quant"));
        assertTrue(count(".column:nth-child(2) svg.graph g.op.folded") > 0);
        assertEquals(0, count(".column:nth-child(2) svg.graph g.op.folded > rect.k-quant"), "quantization ops are no fold's");
        browser.screenshot("convert_syenet_isp_int8", 5000);
        System.out.printf("convert page syenet_isp int8: %d operators, PSNR %s dB, page %d KB%n",
                in.written().operators().size(), Comparison.db(in.verification().get(0).psnr()), Files.size(page) / 1024);
    }

    @Test
    void refusesAGraphWhoseProvenanceWasNotTracked(@TempDir Path dir) throws IOException {
        ConvertPage.Input in = convert("syenet_isp", dir);
        ConvertPage.Input untracked = new ConvertPage.Input(in.model(), in.loaded(), in.loaded(), in.written(),
                in.report(), null, List.of());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ConvertPage.of(untracked));
        assertTrue(e.getMessage().contains("trackProvenance"), e.getMessage());
    }
}
