package isptool.backends.convert;

import isptool.backends.layout.LayoutPlan;
import isptool.backends.qnn.QnnDataType;
import isptool.backends.qnn.QnnEncodingsJson;
import isptool.backends.qnn.QnnFiles;
import isptool.backends.qnn.QnnGraph;
import isptool.backends.qnn.QnnQuality;
import isptool.backends.qnn.QnnTar;
import isptool.backends.qnn.TfliteToQnn;
import isptool.backends.quant.Precision;
import isptool.backends.quant.QualityReport;
import isptool.backends.quant.QualitySummary;
import isptool.backends.target.QnnGraphCheck;
import isptool.backends.target.QnnGraphReport;
import isptool.backends.target.Target;
import isptool.backends.tflite.TfliteModel;
import isptool.backends.verify.Comparison;
import isptool.graph.Graph;
import isptool.graph.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The conversion's QNN emitter: the QNN graph made from the TFLite model the conversion wrote (float,
 * fp16 or integer), NAME.bin read back and run in the quantization simulator against float32
 * onnxruntime on the held-out input, its PSNR judged against the floor.
 *
 * @param graph   the QNN graph
 * @param files   NAME.cpp, NAME.bin, NAME_net.json, NAME.encodings.json by file name (empty if it failed)
 * @param outputs the quantsim row of each graph output
 * @param layers  every compared tensor (empty unless per-layer rows were asked for)
 * @param htp     the emitted graph judged node by node for --target htp-vNN (null for other targets)
 * @param failure why it failed its floor, or null
 */
public record QnnStage(QnnGraph graph, int tensorVersion, String encodingsFormat, Map<String, byte[]> files,
        List<QualityReport.Row> outputs, List<QualityReport.Row> layers, QnnGraphReport htp, String failure) {

    /** target: --target's profile, or null; an HTP one judges the emitted graph (QnnGraphCheck). */
    static QnnStage run(Path input, Path tflite, Graph g, LayoutPlan plan, Precision precision,
            ConvertRequest.Qnn settings, double floor, boolean perLayer, Map<String, Tensor> heldOut,
            Target target) throws IOException {
        QnnDataType floatType = precision == Precision.FP16 ? QnnDataType.FLOAT_16 : QnnDataType.FLOAT_32;
        QnnGraph q = TfliteToQnn.convert(TfliteModel.of(Files.readAllBytes(tflite), input.toString()),
                settings.name(), floatType);
        QnnFiles files = QnnFiles.of(q, settings.tensorVersion(), settings.format(), settings.commandLine());
        List<QualityReport.Row> all = QnnQuality.compare(q, QnnTar.read(files.bin()), g, plan, heldOut, perLayer);
        List<QualityReport.Row> outputs = all.stream().filter(r -> g.isGraphOutput(g.value(r.tensor()))).toList();
        String failure = judge(outputs.stream().map(QualityReport.Row::comparison).toList(), floor);
        QnnGraphReport htp = target != null && target.family() == Target.Family.HTP ? QnnGraphCheck.run(q, target)
                : null;
        return new QnnStage(q, settings.tensorVersion(), settings.encodingsFormat(),
                failure == null ? files.files() : Map.of(), outputs, perLayer ? all : List.of(), htp, failure);
    }

    /** Null if every output is finite where float32 is and reaches the floor (NaN: no floor), else why not. */
    public static String judge(List<Comparison> rows, double floor) {
        for (Comparison c : rows) {
            if (QualitySummary.nonFiniteFails(c)) {
                return "output \"" + c.output() + "\": " + c.nonFinite().describe();
            }
            if (!Double.isNaN(floor) && c.psnr() < floor) {
                return String.format(Locale.ROOT, "output \"%s\" has a quantsim PSNR of %s, below the floor of %.2f dB",
                        c.output(), QualitySummary.db(c.psnr()), floor);
            }
        }
        return null;
    }

    public Map<String, Object> toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("ops", graph.opHistogram());
        json.put("nodes", graph.nodes().size());
        json.put("tensor_version", tensorVersion);
        json.put("encodings_format", encodingsFormat);
        json.put("quantsim", QualitySummary.rowsJson(outputs));
        if (!layers.isEmpty()) {
            json.put("quantsim_layers", QualitySummary.rowsJson(layers));
        }
        if (htp != null) {
            json.put("htp_check", htp.toJson());
        }
        json.put("ok", failure == null);
        return json;
    }

    /** The encodings file format by its option value. */
    static QnnEncodingsJson.Format format(String encodingsFormat) {
        return encodingsFormat.equals("legacy") ? QnnEncodingsJson.Format.LEGACY : QnnEncodingsJson.Format.V1_0_0;
    }
}
