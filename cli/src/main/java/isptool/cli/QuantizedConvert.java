package isptool.cli;

import isptool.backends.calib.CalibrationInputs;
import isptool.backends.layout.LayoutPlan;
import isptool.backends.quant.QualityReport;
import isptool.backends.quant.QuantOptions;
import isptool.backends.quant.QuantResult;
import isptool.backends.quant.Quantizer;
import isptool.backends.tflite.TfliteModel;
import isptool.graph.Graph;
import isptool.graph.Node;
import isptool.graph.Tensor;
import isptool.graph.Value;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * convert's second half for fp16, int8 and int16x8: quantizes the verified float model in place,
 * measures it against float32 onnxruntime on calibration samples and on the held-out verification
 * input, and judges every output's PSNR against the floor.
 */
final class QuantizedConvert {
    /** At most this many calibration samples, evenly spread, are run for the quality report. */
    static final int QUALITY_SAMPLES = 8;

    /** What happened: the JSON for --report, and the reason the model failed its PSNR floor (null if it passed). */
    record Outcome(Map<String, Object> json, String failure) {
    }

    private QuantizedConvert() {
    }

    /** Rewrites model (the float32 file) into the precision asked for and reports its quality. */
    static Outcome run(Path model, Graph g, LayoutPlan plan, CalibrationInputs calib, QuantOptions options,
            boolean perLayer, double floor, Map<String, Tensor> heldOut, String heldOutWhat, PrintWriter out,
            PrintWriter err) throws IOException {
        QuantResult result = Quantizer.quantize(model, g, plan, calib, options, ProgressPrinter.forStderr(err));
        result.model().write(model); // by rename: the float model's mapping keeps its own file

        TfliteModel written = TfliteModel.open(model);
        String method = options.precision().isInteger() ? ", " + options.method().name().toLowerCase(Locale.ROOT)
                + (options.biasCorrection() ? " + bias correction" : "") + ", io " + name(options.ioType()) : "";
        out.printf("  quantized to %s%s: %d operators%n", name(options.precision()), method,
                written.operators().size());
        written.opHistogram().forEach((op, count) -> out.printf("    %s %d%n", op, count));
        if (!result.floatNodes().isEmpty()) {
            out.printf("    kept float32: %s%n", String.join(", ", result.floatNodes()));
            if (result.summary().get("float_ops") instanceof List<?> why) {
                for (Object o : why) {
                    if (o instanceof Map<?, ?> e && !"--float-ops matches it".equals(e.get("reason"))) {
                        out.printf("      %s (%s): %s%n", Escapes.visible(String.valueOf(e.get("node"))), e.get("op"),
                                e.get("reason"));
                    }
                }
            }
        }

        Map<String, Object> quality = new LinkedHashMap<>();
        List<QualityPrinter.Aggregate> onCalibration = List.of();
        if (calib != null) {
            onCalibration = QualityPrinter.aggregate(onSamples(model, g, plan, calib));
            QualityPrinter.printAggregates(out, String.format("quality vs float32 onnxruntime on calibration samples"
                    + " (%d of %d)", Math.min(QUALITY_SAMPLES, calib.size()), calib.size()), onCalibration);
            quality.put("calibration", onCalibration.stream().map(QualityPrinter.Aggregate::toJson).toList());
        }
        List<QualityReport.Row> rows = QualityReport.compare(model, g, plan, heldOut, perLayer);
        List<QualityReport.Row> outputs = rows.stream().filter(r -> isOutput(g, r)).toList();
        QualityPrinter.printRows(out, "quality vs float32 onnxruntime on " + heldOutWhat, outputs, false);
        Map<String, Object> held = new LinkedHashMap<>();
        held.put("input", heldOutWhat);
        held.put("outputs", QualityPrinter.rowsJson(outputs));
        quality.put("held_out", held);
        if (perLayer) {
            List<QualityReport.Row> layers = inGraphOrder(g, rows);
            QualityPrinter.printRows(out, "per layer on " + heldOutWhat, layers, true);
            quality.put("layers", QualityPrinter.rowsJson(layers));
        }
        String failure = judge(floor, outputs, onCalibration);
        quality.put("min_psnr_db", Double.isNaN(floor) ? null : floor);
        quality.put("ok", failure == null);

        Map<String, Object> json = new LinkedHashMap<>(result.summary());
        json.put("float_nodes", result.floatNodes());
        json.put("quality", quality);
        return new Outcome(json, failure);
    }

    /** The rows of up to QUALITY_SAMPLES calibration samples, evenly spread over the set (the model opened once). */
    private static List<List<QualityReport.Row>> onSamples(Path model, Graph g, LayoutPlan plan,
            CalibrationInputs calib) throws IOException {
        int n = Math.min(QUALITY_SAMPLES, calib.size());
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
    private static String judge(double floor, List<QualityReport.Row> outputs,
            List<QualityPrinter.Aggregate> onCalibration) {
        for (QualityReport.Row r : outputs) {
            if (QualityPrinter.nonFiniteFails(r.comparison())) {
                return "output \"" + r.tensor() + "\" on the held-out input: " + r.comparison().nonFinite().describe();
            }
        }
        for (QualityPrinter.Aggregate a : onCalibration) {
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
                        + " of %.2f dB", r.tensor(), QualityPrinter.db(r.comparison().psnr()), floor);
            }
        }
        for (QualityPrinter.Aggregate a : onCalibration) {
            if (a.meanPsnr() < floor) {
                return String.format(Locale.ROOT, "output \"%s\" has a mean PSNR of %s on the calibration samples,"
                        + " below the floor of %.2f dB", a.output(), QualityPrinter.db(a.meanPsnr()), floor);
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

    private static String name(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }
}
