package isptool.backends.convert;

import isptool.backends.quant.AutoPrecision;
import isptool.backends.quant.Precision;
import isptool.backends.target.TargetReport;
import isptool.backends.verify.Verification;
import isptool.passes.PassReport;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What one conversion did, stage by stage (a stage that did not run is null), and whether it
 * failed: the CLI prints it and maps the failure to an exit code; {@link #toJson} is its one JSON
 * form, the body of convert's --report. The model itself is in the temporary file the conversion
 * was given (TFLite) or in {@link #files} (the QNN backends); neither is written anywhere when
 * {@link #failure} is set.
 *
 * @param request      what was asked
 * @param before       the graph as loaded
 * @param after        the graph after the float conversion's passes
 * @param conversion   the float half: pass and swap reports, pipelines, layout plan
 * @param floatModel   the float32 TFLite model as lowered
 * @param verification the float32 model against onnxruntime (null when skipped)
 * @param auto         the precision plan search (null without --precision auto)
 * @param int8Io       the target made the model's inputs and outputs int8
 * @param precision    the precision the model was written in
 * @param quantized    the quantization stage (null for fp32, or when an earlier stage failed)
 * @param targetCheck  the written model checked on the target (null without one)
 * @param qnn          the QNN files (null unless that backend)
 * @param encodings    the encodings for Qualcomm's converter (null unless that backend)
 * @param failure      why nothing may be written, or null
 * @param seconds      convert (load to float model), verify, total
 */
public record ConvertResult(ConvertRequest request, GraphStats before, GraphStats after, FloatConversion conversion,
        ModelSummary floatModel, Verification.Result verification, AutoPrecision.Plan auto, boolean int8Io,
        Precision precision, QuantizedStage quantized, TargetReport targetCheck, QnnStage qnn, EncodingsStage encodings,
        Failure failure, Seconds seconds) {

    /** Operator count, op histogram and TRANSPOSE count of a TFLite model. */
    public record ModelSummary(int operators, Map<String, Integer> ops, int transposes) {
        Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("operators", operators);
            m.put("ops", ops);
            m.put("transposes", transposes);
            return m;
        }
    }

    /** Which stage failed and why (message without the file names: the CLI adds them). */
    public record Failure(Kind kind, String message) {
        public enum Kind {
            /** The float32 TFLite model differs from onnxruntime beyond tolerance. */
            FLOAT_MISMATCH,
            /** No precision plan reaches --min-psnr. */
            NO_PLAN,
            /** The quantized model is below its floor or has non-finite outputs. */
            QUANT_QUALITY,
            /** The QNN graph's quantsim is below its floor or has non-finite outputs. */
            QNN_QUALITY,
            /** The ONNX written for Qualcomm's converter differs from the input. */
            ENCODINGS
        }
    }

    public record Seconds(double convert, double verify, double total) {
    }

    public boolean ok() {
        return failure == null;
    }

    /** The QNN backends' files by name (empty for TFLite). */
    public Map<String, byte[]> files() {
        if (qnn != null) {
            return qnn.files();
        }
        return encodings != null ? encodings.files() : Map.of();
    }

    public PassReport folds() {
        return conversion.report();
    }

    /** The report: input and output as given, then every stage that ran. */
    public Map<String, Object> toJson(Path input, Path output) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("command", "convert");
        json.put("input", input.toString());
        json.put("output", output.toString());
        json.put("before", before.toJson());
        json.put("after", after.toJson());
        json.put("pipelines", conversion.pipelines());
        json.put("passes", conversion.report().toJson());
        if (request.caps() != null) {
            Map<String, Object> target = new LinkedHashMap<>();
            target.put("name", request.caps().name());
            target.put("allow_approx", request.caps().allowApprox());
            target.put("swaps", conversion.swaps().toJson());
            target.put("check", targetCheck == null ? null : targetCheck.toJson());
            json.put("target", target);
        }
        json.put("tflite", floatModel.toJson());
        json.put("verification", verification == null ? "skipped" : verification.toJson());
        json.put("precision", precision.name().toLowerCase(Locale.ROOT));
        if (quantized != null) {
            json.put("quantization", quantized.toJson());
        }
        if (auto != null) {
            json.put("auto_precision", auto.toJson());
        }
        if (qnn != null) {
            json.put("qnn", qnn.toJson());
        }
        if (encodings != null) {
            json.put("qnn_encodings", encodings.toJson());
        }
        json.put("seconds", Map.of("convert", seconds.convert(), "verify", seconds.verify(), "total", seconds.total()));
        return json;
    }
}
