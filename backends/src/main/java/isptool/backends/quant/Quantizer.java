package isptool.backends.quant;

import isptool.backends.layout.LayoutPlan;
import isptool.backends.tflite.TfliteModel;
import isptool.backends.tflite.lower.OnnxToTflite;
import isptool.graph.Graph;
import isptool.graph.ModelException;
import isptool.graph.io.AtomicFiles;
import isptool.graph.io.TempFiles;
import isptool.passes.PassReport;
import isptool.passes.Pipelines;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Rewrites the float32 TFLite model convert wrote into the precision asked for: float16 constants,
 * full int8, or int16 activations with int8 weights (16x8), calibrated on the given samples.
 */
public final class Quantizer {
    /**
     * The calibration method to use when none is asked for. Measured with bias correction on the
     * eight testdata ISP, super-resolution and denoising nets (held-out images): MSE beats plain
     * minmax on all of them (ties on mai_isp, whose TANH output scale is fixed); PERCENTILE has a
     * similar total but loses to plain minmax on nafnet_like, whose gated products need their tails.
     */
    public static final CalibrationMethod DEFAULT_METHOD = CalibrationMethod.MSE;

    private Quantizer() {
    }

    /**
     * Quantizes the float32 TFLite model convert wrote (floatModel) that was lowered from g with plan.
     * TFLite tensor names equal the ONNX value names wherever a value has a tensor. calib may be null for
     * FP16 (INT8/INT16X8 without it are refused with a ModelException). Throws ModelException for user errors.
     */
    public static QuantResult quantize(Path floatModel, Graph g, LayoutPlan plan, CalibrationSource calib,
            QuantOptions options, Progress progress) throws IOException {
        return quantize(floatModel, g, plan, calib, options, progress, null);
    }

    /** As above, reusing memo's calibration statistics and ranges (memo may be null). */
    static QuantResult quantize(Path floatModel, Graph g, LayoutPlan plan, CalibrationSource calib,
            QuantOptions options, Progress progress, CalibrationMemo memo) throws IOException {
        Progress report = progress == null ? Progress.NONE : progress;
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("precision", options.precision().name().toLowerCase(Locale.ROOT));
        QuantResult.Model model;
        List<String> floatNodes = List.of();
        switch (options.precision()) {
            case FP32 -> {
                QModel m = QModel.read(TfliteModel.open(floatModel));
                summary.put("ops", m.opHistogram());
                model = m.builder()::write;
            }
            case FP16 -> {
                QModel m = QModel.read(TfliteModel.open(floatModel));
                String[] nodes = OnnxNodes.of(m, g);
                Set<Integer> keep = new HashSet<>();
                Set<String> kept = new LinkedHashSet<>();
                for (int k = 0; k < nodes.length; k++) {
                    if (OnnxNodes.matches(options.floatOps(), nodes[k])) {
                        keep.add(k);
                        kept.add(nodes[k]);
                    }
                }
                summary.put("float16_constants", Fp16Rewrite.apply(m, keep));
                summary.put("ops", m.opHistogram());
                model = m.builder()::write;
                floatNodes = new ArrayList<>(kept);
            }
            default -> {
                if (calib == null || calib.size() == 0) {
                    throw new ModelException(floatModel + ": --precision " + summary.get("precision")
                            + " needs calibration data (representative inputs) to choose activation ranges;"
                            + " give calibration samples, or use --precision fp16");
                }
                Path equalized = options.equalize() ? equalize(g, plan, summary) : null;
                IntegerQuantizer q;
                byte[] bytes;
                try {
                    q = new IntegerQuantizer(QModel.read(TfliteModel.open(equalized != null ? equalized : floatModel)),
                            g, plan, options, report).memo(memo);
                    bytes = q.run(calib, summary);
                } finally {
                    if (equalized != null) {
                        TempFiles.delete(equalized);
                    }
                }
                summary.put("ops", TfliteModel.of(bytes, "quantized model").opHistogram());
                model = target -> AtomicFiles.write(target, out -> out.write(bytes));
                floatNodes = q.floatNodes();
            }
        }
        return new QuantResult(model, floatNodes, summary);
    }

    /**
     * --cle: equalizes g in place (an exact rewrite, so every later comparison with g still holds)
     * and lowers it again with the same layout plan into a temporary file (also when an earlier
     * call, e.g. another --precision auto candidate, equalized g already).
     */
    private static Path equalize(Graph g, LayoutPlan plan, Map<String, Object> summary) throws IOException {
        PassReport report = new PassReport();
        Pipelines.equalize().run(g, report);
        summary.put("cross_layer_equalization", report.toJson());
        Path f = TempFiles.inSystemTemp("isptool-cle");
        OnnxToTflite.lower(g, plan).write(f);
        return f;
    }
}
