package isptool.backends.html;

import isptool.backends.quant.Precision;
import isptool.backends.target.TestdataModels;
import isptool.backends.tflite.TfliteModel;
import isptool.backends.tflite.TfliteModel.OperatorInfo;
import isptool.backends.tflite.TfliteType;
import isptool.graph.DType;
import isptool.graph.Graph;
import isptool.graph.Shape;
import isptool.graph.Value;
import isptool.graph.io.OnnxImporter;
import isptool.graph.shapes.ShapeInference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Graph drawings of testdata nets, laid out by ELK and rendered in headless Chromium. */
class GraphDrawingTest {
    private static Browser browser;

    @BeforeAll
    static void startBrowser() throws Exception {
        browser = Browser.shared();
    }

    /** A testdata net with its shapes inferred. */
    static Graph load(String name) {
        Graph g = OnnxImporter.load(TestdataModels.root().resolve(name + ".onnx"));
        ShapeInference.run(g);
        return g;
    }

    /** Writes a page with the drawing, opens it, checks there are no errors; returns the drawing. */
    private static Diagram.Drawing render(Diagram d, String title, Path file) throws IOException {
        HtmlPage page = new HtmlPage(title);
        Diagram.Drawing drawing = d.draw(page, "g:");
        page.section("graph").svg(drawing.svg());
        page.write(file);
        browser.open(file);
        assertEquals(List.of(), browser.errors(), title);
        return drawing;
    }

    /** x -> Relu -> Relu -> ... (n of them) -> y on a [1, 4, 8, 8] input. */
    private static Graph reluChain(int n) {
        Graph g = new Graph();
        g.opsets().put("", 17L);
        Value v = g.valueNamed("x");
        v.setType(DType.FLOAT, Shape.of(1, 4, 8, 8));
        g.addInput(v);
        for (int i = 0; i < n; i++) {
            v = g.addNode("Relu", "relu" + i, List.of(v), List.of(g.newValue("t" + i))).output(0);
        }
        g.addOutput(v);
        ShapeInference.run(g);
        return g;
    }

    /** A 5,000-operator chain overflowed the default stack inside ELK; the layout thread's stack is deep enough. */
    @Test
    void aDeepChainIsLaidOut() {
        Diagram d = GraphDrawing.of(reluChain(5000));
        assertEquals(5000, d.opCount());
        Diagram.Drawing drawing = d.draw(null, "c:");
        assertTrue(drawing.height() > 5000 * 24.0, "one layer per operator: " + drawing.height());
        assertEquals(5000, Pattern.compile("<g class=\"op").matcher(drawing.svg()).results().count());
    }

    /** Above Diagram.MAX_BOXES nothing is laid out; the drawing's place says why. */
    @Test
    void aDiagramAboveTheLimitIsNotLaidOut() {
        Diagram d = GraphDrawing.of(reluChain(Diagram.MAX_BOXES));
        Diagram.Drawing drawing = d.draw(null, "c:");
        assertEquals(0, drawing.layoutMillis());
        assertTrue(drawing.svg().contains("not drawn: 10,002 boxes, more than the 10,000 a drawing takes"),
                drawing.svg());
    }

    @Test
    void drawsAnOnnxGraphWithABoxPerNodeAndAnEdgePerTensorUse(@TempDir Path dir) throws IOException {
        Graph g = load("syenet_isp");
        Diagram d = GraphDrawing.of(g);
        assertEquals(g.nodeCount(), d.opCount());
        render(d, "syenet_isp.onnx", dir.resolve("onnx.html"));
        assertEquals(g.nodeCount(), browser.number("document.querySelectorAll('svg.graph g.op').length"));
        assertEquals(g.inputs().size() + g.outputs().size(), browser.number("document.querySelectorAll('svg.graph g.io').length"));
        assertEquals(d.edges().size(), browser.number("document.querySelectorAll('svg.graph path.edge').length"));
        assertEquals(g.count("Conv"), browser.number("document.querySelectorAll('svg.graph g.op > rect.k-conv').length"));
        // every edge runs from the bottom of its source box down to the top of its target (top to bottom DAG)
        Object bad = browser.evaluate("(() => { let bad = 0; for (const p of document.querySelectorAll('path.edge')) {"
                + " const n = p.getTotalLength(); const a = p.getPointAtLength(0), b = p.getPointAtLength(n);"
                + " if (!(b.y > a.y)) bad++; } return bad; })()");
        assertEquals(0.0, bad);
        browser.click("svg.graph g.op");
        String panel = browser.text("document.getElementById('info-body').textContent");
        assertTrue(panel.contains(g.nodes().get(0).name()) && panel.contains("kernel_shape"), panel);
        browser.screenshot("graph_syenet_isp_onnx", 3000);
    }

    @Test
    void marksTransposesAndFloatIslandsOfAQuantizedModel(@TempDir Path dir) throws IOException {
        Pattern floatOps = Pattern.compile(".*attention.*");
        TfliteModel m = TestdataModels.convertFloatOps("syenet_isp", Precision.INT8, dir, floatOps);
        Diagram d = GraphDrawing.of(m);
        assertEquals(m.operators().size(), d.opCount());
        boolean[] island = GraphDrawing.floatIslands(m);
        int islands = 0;
        for (OperatorInfo op : m.operators()) {
            if (island[op.index()]) {
                islands++;
                assertEquals(TfliteType.FLOAT32, m.tensor(op.outputs().get(0)).type(), op.opName());
                String origin = m.operatorOrigins().get(op.index());
                assertTrue(origin == null || floatOps.matcher(origin).matches(), origin);
            }
        }
        assertTrue(islands > 0, "--float-ops attention leaves a float island");
        render(d, "syenet_isp int8, attention float", dir.resolve("int8.html"));
        assertEquals(m.operators().size(), browser.number("document.querySelectorAll('svg.graph g.op').length"));
        assertEquals(islands, browser.number("document.querySelectorAll('svg.graph g.op.float-island').length"));
        assertEquals(m.count("TRANSPOSE"), browser.number("document.querySelectorAll('svg.graph g.op.transpose').length"));
        browser.screenshot("graph_syenet_isp_int8_float_island", 3000);
    }

    @Test
    void marksTheTransposesLeftInAModel(@TempDir Path dir) throws IOException {
        // NCHW input and output kept (no --nhwc-io): the boundary TRANSPOSEs stay
        TfliteModel m = TestdataModels.convert("syenet_isp", Precision.FP32, dir);
        Diagram d = GraphDrawing.of(m);
        long transposes = d.boxes().stream().filter(b -> b.has("transpose")).count();
        assertEquals(m.count("TRANSPOSE"), transposes);
        assertFalse(d.boxes().stream().anyMatch(b -> b.has("float-island")), "a float model has no float island");
    }

    @Test
    void laysOutTheLargestTestdataNets(@TempDir Path dir) throws IOException {
        for (String name : List.of("mobilenet_v2", "ecbsr")) {
            Graph g = load(name);
            Diagram d = GraphDrawing.of(g);
            Diagram.Drawing drawing = render(d, name + ".onnx", dir.resolve(name + ".html"));
            System.out.printf("layout %s: %d nodes, %d edges, %d ms, %.0fx%.0f px, page %d KB%n", name, g.nodeCount(),
                    d.edges().size(), drawing.layoutMillis(), drawing.width(), drawing.height(),
                    Files.size(dir.resolve(name + ".html")) / 1024);
            assertEquals(g.nodeCount(), browser.number("document.querySelectorAll('svg.graph g.op').length"));
            browser.screenshot("graph_" + name + "_onnx", 2000);
        }
    }
}
