package isptool.backends.html;

import isptool.backends.tflite.TfliteModel;
import isptool.backends.verify.Comparison;
import isptool.graph.Graph;
import isptool.graph.Node;
import isptool.graph.Provenance;
import isptool.graph.io.OnnxExporter;
import isptool.graph.io.OnnxImporter;
import isptool.graph.shapes.ShapeInference;
import isptool.passes.PassReport;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The graph part of {@code convert --html}: the graph as trained and the model as written, side
 * by side, each fold drawn on the trained graph as the group of nodes it replaced (labelled with
 * what it became) and the operators that came out of folds outlined in the written model; the
 * verification rows; the folds and the refused folds as tables.
 *
 * <p>Which trained nodes a fold replaced comes from the graph's {@link Provenance}, recorded while
 * the passes ran (not guessed from names): call {@code trackProvenance()} on the graph as loaded,
 * after taking its {@link #snapshot}, then run the conversion on it.
 */
public final class ConvertPage {
    /**
     * What convert knows once it has written and verified a model.
     *
     * @param model the ONNX file as the user named it
     * @param loaded the graph as loaded, before any pass ({@link #snapshot} of it)
     * @param folded the same graph after the passes, with its provenance tracked from the load on
     * @param written the model as written (float or quantized)
     * @param report the passes' report (folds applied and refused)
     * @param verificationInput what the verification ran on ("random input, seed 1"), null if unknown
     * @param verification one row per output: the written model against onnxruntime
     */
    public record Input(Path model, Graph loaded, Graph folded, TfliteModel written, PassReport report,
            String verificationInput, List<Comparison> verification) {
    }

    private ConvertPage() {
    }

    /**
     * A copy of g (through its ONNX form; node names and order as in g) with its shapes inferred, for
     * the drawing. Take it before the passes; a malformed node fails here as it would in convert.
     */
    public static Graph snapshot(Graph g) {
        Graph copy = OnnxImporter.parse(OnnxExporter.toBytes(g), g.source());
        ShapeInference.run(copy);
        return copy;
    }

    /** The page: summary figures, verification, both graphs, folds. */
    public static HtmlPage of(Input in) {
        return of(in, Map.of(), page -> { });
    }

    /**
     * The page with headline figures first in the summary (label → value) and the sections middle
     * adds between the verification and the graphs (output images, quantization).
     */
    public static HtmlPage of(Input in, Map<String, ?> headline, Consumer<HtmlPage> middle) {
        Provenance p = in.folded().provenance();
        if (p == null) {
            throw new IllegalArgumentException("the folded graph has no provenance: call trackProvenance() on the"
                    + " graph as loaded, before the passes run");
        }
        List<Folds.Fold> folds = Folds.of(in.folded(), p);
        HtmlPage page = new HtmlPage(in.model().getFileName() + ": converted")
                .subtitle(in.model() + " → TFLite, " + in.written().operators().size() + " operators");
        summary(page.section("Summary"), in, headline, folds);
        if (!in.verification().isEmpty()) {
            verification(page.section("Verification"), in);
        }
        middle.accept(page);
        graphs(page, in, folds, p);
        foldTable(page.section("Folds"), in, folds);
        return page;
    }

    private static void summary(HtmlPage.Section s, Input in, Map<String, ?> headline, List<Folds.Fold> folds) {
        Map<String, Object> facts = new LinkedHashMap<>(headline);
        facts.put("convs as trained → written", in.loaded().count("Conv") + " → " + in.written().operators().stream()
                .filter(o -> OpKind.of(o.opName()) == OpKind.CONV).count());
        facts.put("nodes as trained → ops written", in.loaded().nodeCount() + " → " + in.written().operators().size());
        facts.put("folds", folds.stream().filter(Folds.Fold::isFold).count());
        facts.put("TRANSPOSE left", in.written().count("TRANSPOSE"));
        boolean[] islands = GraphDrawing.floatIslands(in.written());
        int islandOps = 0;
        for (boolean b : islands) {
            islandOps += b ? 1 : 0;
        }
        facts.put("float island ops", islandOps);
        in.verification().stream().mapToDouble(Comparison::psnr).min()
                .ifPresent(psnr -> facts.put("worst output PSNR, verification input", Comparison.db(psnr) + " dB"));
        s.facts(facts);
    }

    private static void verification(HtmlPage.Section s, Input in) {
        if (in.verificationInput() != null) {
            s.text("The written model against onnxruntime on the model as trained, on " + in.verificationInput() + ".");
        }
        List<List<?>> rows = new ArrayList<>();
        for (Comparison c : in.verification()) {
            rows.add(List.of(c.output(), num(c.maxAbs()), num(c.maxRel()), Comparison.db(c.psnr()), num(c.cosine())));
        }
        s.table(List.of("output", "max abs error", "max rel error", "PSNR dB", "cosine"), rows);
    }

    private static void graphs(HtmlPage page, Input in, List<Folds.Fold> folds, Provenance p) {
        Diagram before = GraphDrawing.of(in.loaded());
        Map<String, String> idOf = new HashMap<>();
        List<Node> nodes = in.loaded().nodes();
        for (int i = 0; i < nodes.size(); i++) {
            idOf.put(nodes.get(i).name(), GraphDrawing.nodeId(i));
        }
        Map<String, Folds.Fold> foldOf = new HashMap<>();
        for (Folds.Fold f : folds) {
            f.results().forEach(r -> foldOf.put(r, f));
            List<String> members = f.originals().stream().filter(idOf::containsKey).map(idOf::get).toList();
            if (f.isFold()) {
                before.group(f.originals().size() + " nodes → " + f.resultOps(),
                        "folded into " + String.join(", ", f.results()) + " by " + String.join(", ", f.passes()),
                        "fold", members);
            }
            for (String m : members) {
                before.box(m).note("became", String.join(", ", f.results())).note("by", f.passes());
                if (!f.isFold()) {
                    before.box(m).mark("rewritten");
                }
            }
        }
        p.dropped().forEach((name, pass) -> {
            if (idOf.containsKey(name)) {
                before.box(idOf.get(name)).mark("dropped").note("removed by", pass);
            }
        });

        Diagram after = GraphDrawing.of(in.written());
        List<String> origins = in.written().operatorOrigins();
        for (int i = 0; i < origins.size(); i++) {
            // a QUANTIZE or DEQUANTIZE carries the name of the node it feeds or follows: not a fold's work
            boolean quant = OpKind.of(in.written().operators().get(i).opName()) == OpKind.QUANT;
            Folds.Fold f = origins.get(i) == null || quant ? null : foldOf.get(origins.get(i));
            if (f != null) {
                Diagram.Box b = after.box(GraphDrawing.operatorId(i));
                b.mark(f.isFold() ? "folded" : "rewritten").note("by", f.passes());
                if (f.isFold()) {
                    b.note("stands for", f.originals().size() + " trained nodes: " + String.join(", ", f.originals()));
                }
                b.note("pass notes", notes(in, f));
            }
        }

        HtmlPage.Section s = page.section("Graph as trained → as written");
        Map<String, String> legend = new LinkedHashMap<>();
        for (OpKind k : OpKind.values()) {
            legend.put(k.cssClass, k.meaning);
        }
        legend.put("fold", "nodes one fold replaced (label: what they became)");
        legend.put("folded", "operator made by a fold");
        legend.put("rewritten", "rewritten in place by a pass");
        legend.put("transpose", "TRANSPOSE left in the model");
        legend.put("float-island", "float operator between DEQUANTIZE and QUANTIZE");
        s.legend(legend);
        Map<String, String> columns = new LinkedHashMap<>();
        columns.put("as trained: " + in.loaded().nodeCount() + " ONNX nodes", before.draw(page, "trained:").svg());
        columns.put("as written: " + in.written().operators().size() + " TFLite operators", after.draw(page, "written:").svg());
        s.svgsSideBySide(columns);
    }

    private static void foldTable(HtmlPage.Section s, Input in, List<Folds.Fold> folds) {
        List<List<?>> rows = new ArrayList<>();
        for (Folds.Fold f : folds) {
            rows.add(List.of(String.join(", ", f.results()), f.resultOps(), f.originals().size(),
                    String.join(", ", f.passes()), String.join("; ", notes(in, f))));
        }
        s.table(List.of("became", "op", "trained nodes", "passes", "what the passes say"), rows);
        if (!in.report().refused().isEmpty()) {
            List<List<?>> refused = new ArrayList<>();
            in.report().refused().forEach(e -> refused.add(List.of(e.pass(), e.node(), e.what())));
            s.section("Folds refused").table(List.of("pass", "node", "why"), refused);
        }
    }

    /** What the pass report says of a fold: its entries naming one of the fold's nodes. */
    private static List<String> notes(Input in, Folds.Fold f) {
        List<String> notes = new ArrayList<>();
        for (PassReport.Entry e : in.report().applied()) {
            if (f.originals().contains(e.node()) || f.results().contains(e.node())) {
                notes.add(e.pass() + ": " + e.what());
            }
        }
        return notes;
    }

    private static String num(double v) {
        return String.format(Locale.ROOT, "%.3g", v);
    }
}
