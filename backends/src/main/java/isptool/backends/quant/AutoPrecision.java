package isptool.backends.quant;

import isptool.backends.layout.LayoutPlan;
import isptool.backends.tflite.TfliteModel;
import isptool.backends.tflite.TfliteModel.OperatorInfo;
import isptool.graph.Graph;
import isptool.graph.Node;
import isptool.graph.Value;
import isptool.graph.Tensor;
import isptool.graph.io.TempFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * {@code --precision auto --min-psnr DB}: the cheapest precision plan whose quantized model reaches
 * DB against float32 on every calibration sample measured (the lowest PSNR of any output on any of
 * up to {@link #SAMPLES} samples): the worst sample, not the mean, so the model convert then gates
 * on its held-out input is not one that met the target only on average.
 *
 * <p>Plans tried, cheapest first: int8 everywhere; int8 with the fewest, least costly ONNX nodes
 * kept float32, chosen greedily by measured sensitivity (the PSNR gained when that node alone is
 * float, per unit of its cost); int8 with the fewest nodes given int16 activations, chosen the same
 * way (a node alone in int16); int16x8 everywhere; int16x8 with float nodes; fp16. Cost is the work
 * of each node weighted by its precision: its MACs (convolutions, dense layers) or else its output
 * elements, times 1 in int8 and the target's {@link PrecisionCosts} in 16x8 and float (what the
 * target's accelerator runs; an assumption stated in the report, not measured). Nodes forced float
 * by --float-ops stay float in every plan.
 */
public final class AutoPrecision {
    /**
     * Calibration samples each candidate is measured on: as many as convert's quality report uses,
     * so a plan chosen here is not one that fails there (with 4 of 7, qarepvgg and seq_zero_pad
     * at 55 dB met the target on the 4 and missed it on the 7).
     */
    static final int SAMPLES = 8;
    /** A node whose float form gains less than this is not worth its cost. */
    static final double MIN_GAIN_DB = 0.05;

    /** One ONNX node of the plan: its precision, its work, the PSNR gained when it alone is float (NaN: not measured). */
    public record Layer(String node, String op, long work, String precision, double gainDb) {
        public Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("node", node);
            m.put("op", op);
            m.put("work", work);
            m.put("precision", precision);
            m.put("psnr_gain_db", Double.isNaN(gainDb) ? null : gainDb);
            return m;
        }
    }

    /** A plan tried: its options, the nodes that ended up float32 (asked for or without a kernel), measured PSNR and cost. */
    public record Candidate(String label, QuantOptions options, Set<String> floatNodes, Set<String> int16Nodes,
            double psnrDb, double cost) {
        boolean meets(double target) {
            return psnrDb >= target;
        }
    }

    /** The result: the chosen candidate (null when none met the target), everything tried, and the layers. */
    public record Plan(Candidate chosen, List<Candidate> tried, List<Layer> layers, double targetDb,
            PrecisionCosts costs) {
        public Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("min_psnr_db", targetDb);
            m.put("costs", costs.toJson());
            m.put("chosen", chosen == null ? null : chosen.label());
            List<Object> t = new ArrayList<>();
            for (Candidate c : tried) {
                Map<String, Object> e = new LinkedHashMap<>();
                e.put("plan", c.label());
                e.put("psnr_db", c.psnrDb());
                e.put("cost", c.cost());
                t.add(e);
            }
            m.put("tried", t);
            m.put("layers", layers.stream().map(Layer::toJson).toList());
            return m;
        }
    }

    private final Path floatModel;
    private final Graph g;
    private final LayoutPlan plan;
    private final CalibrationSource calib;
    private final QuantOptions base;
    private final Progress progress;
    private final List<Map<String, Tensor>> samples = new ArrayList<>();
    /** Every candidate quantizes the same float model with the same samples: calibrate once. */
    private final CalibrationMemo memo = new CalibrationMemo();
    private final PrecisionCosts costs;
    /** g's float32 outputs on the samples, computed once for every candidate. */
    private final List<Map<String, Tensor>> references;
    /** Work per ONNX node, in model order. */
    private final Map<String, Long> work = new LinkedHashMap<>();
    private final Map<String, String> opOf = new LinkedHashMap<>();
    private final long totalWork;

    private AutoPrecision(Path floatModel, Graph g, LayoutPlan plan, CalibrationSource calib, QuantOptions base,
            PrecisionCosts costs, Progress progress) throws IOException {
        this.costs = costs;
        this.floatModel = floatModel;
        this.g = g;
        this.plan = plan;
        this.calib = calib;
        this.base = base;
        this.progress = progress;
        int n = Math.min(SAMPLES, calib.size());
        for (int k = 0; k < n; k++) {
            samples.add(calib.sample((int) ((long) k * calib.size() / n)));
        }
        this.references = QualityReport.references(g, samples);
        TfliteModel m = TfliteModel.open(floatModel);
        String[] nodes = OnnxNodes.of(QModel.read(m), g);
        long total = 0;
        Map<String, Long> heaviest = new HashMap<>();
        for (OperatorInfo op : m.operators()) {
            long w = m.macs(op);
            if (w <= 0) {
                w = 1;
                for (long d : m.tensor(op.outputs().get(0)).shape()) {
                    w *= Math.max(d, 1);
                }
            }
            // a node's op is its operator with the most work (a strided conv's PAD comes first)
            if (w > heaviest.getOrDefault(nodes[op.index()], 0L)) {
                heaviest.put(nodes[op.index()], w);
                opOf.put(nodes[op.index()], op.opName());
            }
            work.merge(nodes[op.index()], w, Long::sum);
            total += w;
        }
        this.totalWork = total;
    }

    /** Finds the cheapest plan reaching targetDb; base gives the method, bias correction, I/O type and forced float nodes. */
    public static Plan choose(Path floatModel, Graph g, LayoutPlan plan, CalibrationSource calib, QuantOptions base,
            double targetDb, Progress progress) throws IOException {
        return choose(floatModel, g, plan, calib, base, targetDb, PrecisionCosts.NPU, progress);
    }

    /** As above, with the costs of the target the model is for. */
    public static Plan choose(Path floatModel, Graph g, LayoutPlan plan, CalibrationSource calib, QuantOptions base,
            double targetDb, PrecisionCosts costs, Progress progress) throws IOException {
        return new AutoPrecision(floatModel, g, plan, calib, base, costs, progress == null ? Progress.NONE : progress)
                .search(targetDb);
    }

    /**
     * int8 plans, then int16x8 plans, then fp16; a later family is tried only while no plan met the
     * target or the cheapest that did costs more than any plan of that family can (its precision's
     * cost for all the work: repvgg at 55 dB met it with int8 + 4 float nodes at cost 3.55, where
     * int16x8 everywhere costs 2).
     */
    private Plan search(double target) throws IOException {
        List<Candidate> tried = new ArrayList<>();
        Map<String, Double> gains = new LinkedHashMap<>();
        for (Precision p : new Precision[] {Precision.INT8, Precision.INT16X8}) {
            if (!worthTrying(cheapestMeeting(tried, target), p)) {
                break;
            }
            Candidate all = measure(p, Set.of(), Set.of());
            tried.add(all);
            if (all.meets(target)) {
                break;
            }
            greedy(p, all, false, tried, p == Precision.INT8 ? gains : new LinkedHashMap<>(), target);
            if (p == Precision.INT8) {
                greedy(p, all, true, tried, new LinkedHashMap<>(), target);
            }
        }
        if (worthTrying(cheapestMeeting(tried, target), Precision.FP16)) {
            tried.add(measure(Precision.FP16, Set.of(), Set.of()));
        }
        return done(cheapestMeeting(tried, target), tried, gains, target);
    }

    /** No plan met the target yet, or the best one costs more than the least a plan at precision p costs. */
    private boolean worthTrying(Candidate best, Precision p) {
        double floor = switch (p) {
            case INT8 -> 1;
            case INT16X8 -> costs.int16();
            default -> costs.floatOp();
        };
        return best == null || best.cost() > floor;
    }

    /**
     * Measures each node alone in float (or, with int16, the node and the readers of its output with
     * int16 activations: an int16 output read by int8 ops is requantized to int8 at once), then adds
     * them by gain per unit of work until a plan meets the target; gain receives the gains.
     */
    private void greedy(Precision p, Candidate all, boolean int16, List<Candidate> tried, Map<String, Double> gain,
            double target) throws IOException {
        String what = "sensitivity " + (int16 ? "int16 in " : "float in ") + name(p);
        List<String> candidates = new ArrayList<>(work.keySet());
        for (int i = 0; i < candidates.size(); i++) {
            progress.update(what, i, candidates.size());
            Set<String> one = int16 ? withReaders(candidates.get(i)) : Set.of(candidates.get(i));
            Candidate c = int16 ? measure(p, Set.of(), one) : measure(p, one, Set.of());
            gain.put(candidates.get(i), c.psnrDb() - all.psnrDb());
        }
        progress.update(what, candidates.size(), candidates.size());
        candidates.sort(Comparator.comparingDouble((String n) -> -gain.get(n) / work.get(n)));
        Set<String> chosen = new LinkedHashSet<>();
        for (String n : candidates) {
            if (gain.get(n) < MIN_GAIN_DB) {
                continue;
            }
            chosen.addAll(int16 ? withReaders(n) : Set.of(n));
            Candidate c = int16 ? measure(p, Set.of(), chosen) : measure(p, chosen, Set.of());
            tried.add(c);
            if (c.meets(target)) {
                return;
            }
        }
    }

    /** The node and the nodes of the model reading its outputs in g. */
    private Set<String> withReaders(String node) {
        Set<String> r = new LinkedHashSet<>(List.of(node));
        for (Node n : g.nodes()) {
            if (n.name().equals(node)) {
                for (Value v : n.outputs()) {
                    g.consumers(v).stream().map(Node::name).filter(work::containsKey).forEach(r::add);
                }
            }
        }
        return r;
    }

    private static Candidate cheapestMeeting(List<Candidate> tried, double target) {
        return tried.stream().filter(c -> c.meets(target)).min(Comparator.comparingDouble(Candidate::cost)).orElse(null);
    }

    private Plan done(Candidate chosen, List<Candidate> tried, Map<String, Double> gains, double target) {
        List<Layer> layers = new ArrayList<>();
        String p = chosen == null ? "-" : name(chosen.options().precision());
        for (Map.Entry<String, Long> e : work.entrySet()) {
            String precision = chosen == null ? "-" : chosen.options().precision() == Precision.FP16 ? "fp16"
                    : chosen.floatNodes().contains(e.getKey()) ? "float32"
                    : chosen.int16Nodes().contains(e.getKey()) ? "int16" : p;
            layers.add(new Layer(e.getKey(), opOf.get(e.getKey()), e.getValue(), precision,
                    gains.getOrDefault(e.getKey(), Double.NaN)));
        }
        return new Plan(chosen, tried, layers, target, costs);
    }

    /** Quantizes with these float and int16 nodes (besides the forced ones) and measures it. */
    private Candidate measure(Precision p, Set<String> floats, Set<String> int16s) throws IOException {
        boolean floatIo = p == Precision.INT16X8 || p == Precision.FP16 || !int16s.isEmpty()
                || base.int16Ops() != null;
        QuantOptions o = base.with(p, floatIo ? IoType.FLOAT32 : base.ioType(), pattern(floats, base.floatOps()),
                pattern(int16s, base.int16Ops()));
        QuantResult r = Quantizer.quantize(floatModel, g, plan, p.isInteger() ? calib : null, o, Progress.NONE, memo);
        Path tmp = TempFiles.inSystemTemp("isptool-auto");
        double psnr;
        try {
            r.model().write(tmp);
            psnr = psnr(tmp);
        } finally {
            TempFiles.delete(tmp);
        }
        Set<String> allFloat = new LinkedHashSet<>(r.floatNodes());
        Set<String> allInt16 = new LinkedHashSet<>();
        if (r.summary().get("int16_nodes") instanceof List<?> l) {
            l.forEach(n -> allInt16.add(String.valueOf(n)));
        }
        double cost = 0;
        for (Map.Entry<String, Long> e : work.entrySet()) {
            double factor = p == Precision.FP16 || allFloat.contains(e.getKey()) ? costs.floatOp()
                    : p == Precision.INT16X8 || allInt16.contains(e.getKey()) ? costs.int16() : 1;
            cost += factor * e.getValue();
        }
        String label = name(p) + (floats.isEmpty() ? "" : " + float " + String.join(", ", floats))
                + (int16s.isEmpty() ? "" : " + int16 " + String.join(", ", int16s));
        return new Candidate(label, o, allFloat, allInt16, psnr, cost / totalWork);
    }

    /** The lowest PSNR of any output on any sample (capped at 200 dB: exact outputs). */
    private double psnr(Path model) throws IOException {
        double min = Double.NaN;
        for (List<QualityReport.Row> rows : QualityReport.compareOutputs(model, g, plan, samples, references)) {
            for (QualityReport.Row row : rows) {
                double p = Math.min(row.comparison().psnr(), 200.0);
                min = Double.isNaN(min) ? p : Math.min(min, p);
            }
        }
        return min;
    }

    /** A regex matching exactly these node names and the forced ones (null: none). */
    private static Pattern pattern(Set<String> nodes, Pattern forced) {
        List<String> parts = nodes.stream().map(Pattern::quote).collect(Collectors.toCollection(ArrayList::new));
        if (forced != null) {
            parts.add("(?:" + forced.pattern() + ")");
        }
        return parts.isEmpty() ? null : Pattern.compile(String.join("|", parts));
    }

    static String name(Precision p) {
        return p.name().toLowerCase(Locale.ROOT);
    }
}
