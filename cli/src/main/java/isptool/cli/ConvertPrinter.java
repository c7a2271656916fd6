package isptool.cli;

import isptool.backends.calib.CalibrationInputs;
import isptool.backends.convert.ConvertRequest;
import isptool.backends.convert.ConvertResult;
import isptool.backends.convert.EncodingsStage;
import isptool.backends.convert.QnnStage;
import isptool.backends.convert.QuantizedStage;
import isptool.backends.quant.QuantOptions;
import isptool.backends.target.QnnNodeVerdict;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** convert's text: every stage of a ConvertResult that ran, in pipeline order. */
final class ConvertPrinter {
    private ConvertPrinter() {
    }

    static void print(PrintWriter out, ConvertResult r, CalibrationInputs calib, Path output) {
        ConvertRequest q = r.request();
        out.printf("  passes: %s; nodes %d -> %d, Conv %d -> %d%n", String.join(", ", r.conversion().pipelines()),
                r.before().nodes(), r.after().nodes(), r.before().convs(), r.after().convs());
        Reports.printFolds(out, r.conversion().report());
        if (q.caps() != null) {
            Reports.printSwaps(out, q.caps().name(), r.conversion().swaps());
        }
        out.printf("  tflite: %d operators, %s inputs/outputs%n", r.floatModel().operators(), q.nhwcIo() ? "NHWC"
                : "NCHW");
        r.floatModel().ops().forEach((op, count) -> out.printf("    %s %d%n", op, count));
        out.printf("  TRANSPOSE %d%n", r.floatModel().transposes());
        if (r.verification() != null) {
            Reports.printVerification(out, r.verification());
        }
        if (calib != null) {
            out.printf("  calibration: %d samples (%s ... %s)%n", calib.size(), calib.describe(0),
                    calib.describe(calib.size() - 1));
            calib.notes().forEach(note -> out.printf("    note: %s%n", note));
            if (q.heldOut().fromCalibration()) {
                out.printf("    and 1 held out (%s): not calibrated on, the quantized model is measured on it"
                        + " (--verify-input gives another)%n", q.heldOut().described());
            }
        }
        if (r.auto() != null) {
            AutoPlanPrinter.print(out, r.auto());
        }
        if (r.int8Io()) {
            out.printf("  --target %s: int8 model inputs and outputs (before API 30 the NNAPI delegate takes int8"
                    + " tensors only by converting them to uint8: a QUANTIZE to int8 or a DEQUANTIZE of asymmetric"
                    + " int8 at the borders would run on the CPU); --io-type float32 keeps float borders%n",
                    q.caps().name());
        }
        if (r.quantized() != null) {
            printQuantized(out, r.quantized(), calib);
        }
        if (r.targetCheck() != null) {
            CheckTable.printVerdict(out, r.targetCheck());
        }
        if (r.encodings() != null) {
            printEncodings(out, r.encodings(), q, output);
        }
        if (r.qnn() != null) {
            printQnn(out, r.qnn(), q);
        }
    }

    private static void printQuantized(PrintWriter out, QuantizedStage s, CalibrationInputs calib) {
        QuantOptions o = s.options();
        String method = o.precision().isInteger() ? ", " + name(o.method()) + (o.biasCorrection()
                ? " + bias correction" : "") + ", io " + name(o.ioType()) : "";
        out.printf("  quantized to %s%s: %d operators%n", name(o.precision()), method, s.operators());
        printTechniques(out, s.result().summary());
        s.ops().forEach((op, count) -> out.printf("    %s %d%n", op, count));
        List<String> floatNodes = s.result().floatNodes();
        if (!floatNodes.isEmpty()) {
            out.printf("    kept float32: %s%n", String.join(", ", floatNodes));
            for (QuantizedStage.FloatReason f : s.floatReasons()) {
                out.printf("      %s (%s): %s%n", Escapes.visible(f.node()), f.op(), f.reason());
            }
        }
        if (s.sampled() > 0) {
            QualityPrinter.printAggregates(out, String.format("quality vs float32 onnxruntime on calibration samples"
                    + " (%d of %d)", s.sampled(), calib.size()), s.onCalibration());
        }
        QualityPrinter.printRows(out, "quality vs float32 onnxruntime on " + s.heldOutWhat(), s.heldOut(), false);
        if (!s.layers().isEmpty()) {
            QualityPrinter.printRows(out, "per layer on " + s.heldOutWhat(), s.layers(), true);
        }
    }

    /** What --cle, --adaround and --int16-ops did, from the quantizer's summary (the report's keys). */
    private static void printTechniques(PrintWriter out, Map<String, Object> summary) {
        if (summary.get("cross_layer_equalization") instanceof Map<?, ?> cle) {
            List<?> applied = (List<?>) cle.get("applied");
            List<?> refused = (List<?>) cle.get("refused");
            out.printf("    cross-layer equalization: %d conv pair%s equalized, %d left as they were%n", applied.size(),
                    applied.size() == 1 ? "" : "s", refused.size());
        }
        if (summary.get("adaround") instanceof Map<?, ?> ada) {
            out.printf("    adaround: %s layers, %s of %s weights rounded away from nearest%n", ada.get("layers"),
                    ada.get("rounded_away_from_nearest"), ada.get("weights"));
        }
        if (summary.get("int16_nodes") instanceof List<?> int16) {
            out.printf("    int16 activations (--int16-ops): %s%n", int16.isEmpty() ? "no node matched"
                    : String.join(", ", int16.stream().map(n -> Escapes.visible(String.valueOf(n))).toList()));
        }
    }

    private static void printQnn(PrintWriter out, QnnStage s, ConvertRequest q) {
        out.printf("  qnn: %d ops, tensor version %d, encodings %s, %d static tensors in %s.bin%n",
                s.graph().nodes().size(), s.tensorVersion(), s.encodingsFormat(), s.graph().statics().size(),
                q.qnn().name());
        s.graph().opHistogram().forEach((op, count) -> out.printf("    %s %d%n", op, count));
        String on = q.heldOut().described();
        QualityPrinter.printRows(out, "qnn quantsim vs float32 onnxruntime on " + on, s.outputs(), false);
        if (!s.layers().isEmpty()) {
            QualityPrinter.printRows(out, "qnn quantsim per layer on " + on, s.layers(), true);
        }
        if (s.htp() != null) {
            out.printf("  qnn graph check: %s%n", s.htp().summary());
            for (QnnNodeVerdict v : s.htp().refused()) {
                out.printf("    %d %s (%s): %s%n", v.index(), v.type(), Escapes.visible(v.name()), v.reasons());
            }
        }
    }

    private static void printEncodings(PrintWriter out, EncodingsStage s, ConvertRequest q, Path output) {
        if (s.encodings() != null) {
            out.printf("  qnn encodings: %d activations, %d params (encodings %s); left out: %d TFLite-only tensors,"
                    + " %d ONNX values without a quantized tensor, %d float params%n",
                    s.encodings().activations().size(), s.encodings().params().size(), s.encodingsFormat(),
                    s.encodings().tfliteOnly(), s.encodings().onnxUnquantized(), s.encodings().floatParams());
        }
        if (s.check() != null) {
            out.printf("  %s%s against %s:%n", output.resolveSibling(q.qnn().name() + ".onnx"),
                    s.biases() == null ? "" : " (as exported, before its biases were corrected)", q.input());
            Reports.printVerification(out, s.check());
        }
        if (s.biases() != null) {
            out.printf(Locale.ROOT, "  bias correction carried into %s.onnx: %d biases rewritten (largest change %.3g)%s%n",
                    q.qnn().name(), s.biases().written().size(), s.biases().maxChange(),
                    s.biases().notCarried().isEmpty() ? "" : "; not carried: "
                            + String.join(", ", s.biases().notCarried()));
        }
    }

    private static String name(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }
}
