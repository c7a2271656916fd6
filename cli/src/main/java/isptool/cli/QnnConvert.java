package isptool.cli;

import isptool.backends.layout.LayoutPlan;
import isptool.backends.qnn.QnnDataType;
import isptool.backends.qnn.QnnFiles;
import isptool.backends.qnn.QnnGraph;
import isptool.backends.qnn.QnnQuality;
import isptool.backends.qnn.QnnTar;
import isptool.backends.qnn.TfliteToQnn;
import isptool.backends.quant.Precision;
import isptool.backends.quant.QualityReport;
import isptool.backends.tflite.TfliteModel;
import isptool.backends.verify.Comparison;
import isptool.graph.Graph;
import isptool.graph.Tensor;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * convert's QNN part: the QNN files emitted from the TFLite model convert made (float, fp16 or
 * integer), NAME.bin read back and run in the quantization simulator against float32
 * onnxruntime on the held-out input, its PSNR judged against the floor, and the four files written
 * together only if it passes.
 */
final class QnnConvert {
    /** The files to write (null if they failed), the JSON for --report, and why they failed (null if they passed). */
    record Outcome(QnnFiles files, Map<String, Object> json, String failure) {
    }

    private QnnConvert() {
    }

    /** The QNN files for the TFLite model made from input (messages name input, not the temporary model). */
    static Outcome run(Path input, Path tflite, Graph g, LayoutPlan plan, Precision precision, Path output,
            QnnOptions options, double floor, boolean perLayer, Map<String, Tensor> heldOut, String heldOutWhat,
            String commandLine, PrintWriter out) throws IOException {
        String name = output.getFileName().toString();
        QnnDataType floatType = precision == Precision.FP16 ? QnnDataType.FLOAT_16 : QnnDataType.FLOAT_32;
        QnnGraph q = TfliteToQnn.convert(TfliteModel.of(Files.readAllBytes(tflite), input.toString()), name, floatType);
        QnnFiles files = QnnFiles.of(q, options.tensorVersion, options.format(), commandLine);
        out.printf("  qnn: %d ops, tensor version %d, encodings %s, %d static tensors in %s.bin%n", q.nodes().size(),
                options.tensorVersion, options.encodingsFormat, q.statics().size(), name);
        q.opHistogram().forEach((op, count) -> out.printf("    %s %d%n", op, count));
        List<QualityReport.Row> all = QnnQuality.compare(q, QnnTar.read(files.bin()), g, plan, heldOut, perLayer);
        List<QualityReport.Row> printed = all.stream().filter(r -> g.isGraphOutput(g.value(r.tensor()))).toList();
        QualityPrinter.printRows(out, "qnn quantsim vs float32 onnxruntime on " + heldOutWhat, printed, false);
        if (perLayer) {
            QualityPrinter.printRows(out, "qnn quantsim per layer on " + heldOutWhat, all, true);
        }
        String failure = judge(printed.stream().map(QualityReport.Row::comparison).toList(), floor);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("ops", q.opHistogram());
        json.put("nodes", q.nodes().size());
        json.put("tensor_version", options.tensorVersion);
        json.put("encodings_format", options.encodingsFormat);
        json.put("quantsim", QualityPrinter.rowsJson(printed));
        if (perLayer) {
            json.put("quantsim_layers", QualityPrinter.rowsJson(all));
        }
        json.put("ok", failure == null);
        return new Outcome(failure == null ? files : null, json, failure);
    }

    /** Null if every output is finite where float32 is and reaches the floor (NaN: no floor), else why not. */
    static String judge(List<Comparison> rows, double floor) {
        for (Comparison c : rows) {
            if (QualityPrinter.nonFiniteFails(c)) {
                return "output \"" + c.output() + "\": " + c.nonFinite().describe();
            }
            if (!Double.isNaN(floor) && c.psnr() < floor) {
                return String.format(Locale.ROOT, "output \"%s\" has a quantsim PSNR of %s, below the floor of %.2f dB",
                        c.output(), QualityPrinter.db(c.psnr()), floor);
            }
        }
        return null;
    }

    /** Writes the files beside output (its folder), all or none; prints what was written. */
    static void write(QnnFiles files, Path output, PrintWriter out) throws IOException {
        Path dir = output.toAbsolutePath().getParent();
        for (Path p : files.writeTo(dir)) {
            out.printf("  wrote %s (%s)%n", output.resolveSibling(p.getFileName()), Reports.size(Files.size(p)));
        }
    }
}
