package isptool.backends.convert;

import isptool.backends.calib.CalibrationInputs;
import isptool.backends.layout.LayoutPlan;
import isptool.backends.quant.Progress;
import isptool.backends.quant.QualityReport;
import isptool.backends.quant.QualitySummary;
import isptool.backends.quant.QualitySummary.Aggregate;
import isptool.backends.quant.QuantOptions;
import isptool.backends.quant.QuantResult;
import isptool.backends.quant.Quantizer;
import isptool.backends.tflite.TfliteModel;
import isptool.graph.Graph;
import isptool.graph.Node;
import isptool.graph.Tensor;
import isptool.graph.Value;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The conversion's quantization for fp16, int8 and int16x8: the verified float model rewritten in
 * place, measured against float32 onnxruntime on up to {@link #QUALITY_SAMPLES} calibration samples
 * and on the held-out verification input, every output's PSNR judged against the floor.
 *
 * @param options       what the model was quantized with
 * @param result        the quantizer's result (summary, float nodes)
 * @param operators     operators in the written model
 * @param ops           the written model's op histogram
 * @param floatReasons  node, op and reason for each operator kept float32 for a reason other than --float-ops
 * @param onCalibration per output over the calibration samples (empty without calibration)
 * @param sampled       how many calibration samples were run (0 without calibration)
 * @param heldOut       one row per output on the held-out input
 * @param layers        every compared tensor in graph order (empty unless per-layer rows were asked for)
 * @param failure       why the model failed its floor, or null
 */
public record QuantizedStage(QuantOptions options, QuantResult result, int operators, Map<String, Integer> ops,
        List<FloatReason> floatReasons, List<Aggregate> onCalibration, int sampled, List<QualityReport.Row> heldOut,
        List<QualityReport.Row> layers, double floor, String heldOutWhat, String failure) {
    /** At most this many calibration samples, evenly spread, are run for the quality report. */
    public static final int QUALITY_SAMPLES = 8;

    /** An operator kept float32, and why. */
    public record FloatReason(String node, String op, String reason) {
    }

    /** Rewrites model (the float32 file) into the precision asked for and measures it. */
    static QuantizedStage run(Path model, Graph g, LayoutPlan plan, CalibrationInputs calib, QuantOptions options,
            boolean perLayer, double floor, Map<String, Tensor> heldOut, String heldOutWhat, Progress progress)
            throws IOException {
        QuantResult result = Quantizer.quantize(model, g, plan, calib, options, progress);
        result.model().write(model); // by rename: the float model's mapping keeps its own file
        TfliteModel written = TfliteModel.open(model);

        List<FloatReason> reasons = new ArrayList<>();
        if (result.summary().get("float_ops") instanceof List<?> why) {
            for (Object o : why) {
                if (o instanceof Map<?, ?> e && !"--float-ops matches it".equals(e.get("reason"))) {
                    reasons.add(new FloatReason(String.valueOf(e.get("node")), String.valueOf(e.get("op")),
                            String.valueOf(e.get("reason"))));
                }
            }
        }
        List<Aggregate> onCalibration = List.of();
        int sampled = 0;
        if (calib != null) {
            sampled = Math.min(QUALITY_SAMPLES, calib.size());
            onCalibration = QualitySummary.aggregate(onSamples(model, g, plan, calib, sampled));
        }
        List<QualityReport.Row> rows = QualityReport.compare(model, g, plan, heldOut, perLayer);
        List<QualityReport.Row> outputs = rows.stream().filter(r -> isOutput(g, r)).toList();
        List<QualityReport.Row> layers = perLayer ? inGraphOrder(g, rows) : List.of();
        return new QuantizedStage(options, result, written.operators().size(), written.opHistogram(),
                List.copyOf(reasons), onCalibration, sampled, outputs, layers, floor, heldOutWhat,
                judge(floor, outputs, onCalibration));
    }

    /**
     * Every compared tensor of the model file against g on the inputs, in graph order: the rows
     * {@code --per-layer} adds, for a caller that wants them without printing them (convert --html).
     */
    public static List<QualityReport.Row> perLayer(Path model, Graph g, LayoutPlan plan, Map<String, Tensor> inputs) {
        return inGraphOrder(g, QualityReport.compare(model, g, plan, inputs, true));
    }

    public boolean ok() {
        return failure == null;
    }

    public Map<String, Object> toJson() {
        Map<String, Object> quality = new LinkedHashMap<>();
        if (sampled > 0) {
            quality.put("calibration", onCalibration.stream().map(Aggregate::toJson).toList());
        }
        Map<String, Object> held = new LinkedHashMap<>();
        held.put("input", heldOutWhat);
        held.put("outputs", QualitySummary.rowsJson(heldOut));
        quality.put("held_out", held);
        if (!layers.isEmpty()) {
            quality.put("layers", QualitySummary.rowsJson(layers));
        }
        quality.put("min_psnr_db", Double.isNaN(floor) ? null : floor);
        quality.put("ok", ok());
        Map<String, Object> json = new LinkedHashMap<>(result.summary());
        json.put("float_nodes", result.floatNodes());
        json.put("quality", quality);
        return json;
    }

    /** The rows of the first n of the calibration samples evenly spread over the set (the model opened once). */
    private static List<List<QualityReport.Row>> onSamples(Path model, Graph g, LayoutPlan plan,
            CalibrationInputs calib, int n) throws IOException {
        List<Map<String, Tensor>> samples = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            samples.add(calib.sample((int) ((long) k * calib.size() / n)));
        }
        return QualityReport.compareOutputs(model, g, plan, samples, QualityReport.references(g, samples));
    }

    /**
     * Null if no output has non-finite values where float32 has none (or only non-finite values), and
     * every output reaches the floor on the held-out input and on average over the calibration samples.
     */
    private static String judge(double floor, List<QualityReport.Row> outputs, List<Aggregate> onCalibration) {
        for (QualityReport.Row r : outputs) {
            if (QualitySummary.nonFiniteFails(r.comparison())) {
                return "output \"" + r.tensor() + "\" on the held-out input: " + r.comparison().nonFinite().describe();
            }
        }
        for (Aggregate a : onCalibration) {
            if (a.nonFinite() != null) {
                return "output \"" + a.output() + "\" on the calibration samples: " + a.nonFinite();
            }
        }
        if (Double.isNaN(floor)) {
            return null;
        }
        for (QualityReport.Row r : outputs) {
            if (r.comparison().psnr() < floor) {
                return String.format(Locale.ROOT, "output \"%s\" has PSNR %s on the held-out input, below the floor"
                        + " of %.2f dB", r.tensor(), QualitySummary.db(r.comparison().psnr()), floor);
            }
        }
        for (Aggregate a : onCalibration) {
            if (a.meanPsnr() < floor) {
                return String.format(Locale.ROOT, "output \"%s\" has a mean PSNR of %s on the calibration samples,"
                        + " below the floor of %.2f dB", a.output(), QualitySummary.db(a.meanPsnr()), floor);
            }
        }
        return null;
    }

    private static boolean isOutput(Graph g, QualityReport.Row r) {
        Value v = g.value(r.tensor());
        return v != null && g.isGraphOutput(v);
    }

    /** The rows ordered by the position of the node writing each tensor. */
    private static List<QualityReport.Row> inGraphOrder(Graph g, List<QualityReport.Row> rows) {
        Map<String, Integer> position = new HashMap<>();
        int i = 0;
        for (Node n : g.nodes()) {
            position.put(n.name(), i++);
        }
        List<QualityReport.Row> sorted = new ArrayList<>(rows);
        sorted.sort(Comparator.comparingInt(r -> position.getOrDefault(r.node(), -1)));
        return sorted;
    }
}
