package isptool.cli;

import isptool.backends.calib.CalibrationInputs;
import isptool.backends.layout.LayoutPlan;
import isptool.backends.quant.Precision;
import isptool.backends.quant.QuantOptions;
import isptool.backends.tflite.TfliteBuilder;
import isptool.backends.tflite.TfliteModel;
import isptool.backends.tflite.lower.OnnxToTflite;
import isptool.graph.Graph;
import isptool.graph.io.AtomicFiles;
import isptool.graph.shapes.ShapeInference;
import isptool.passes.PassReport;
import isptool.passes.Pipelines;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code isptool convert IN.onnx -o OUT.tflite}: reparam, lower to an NHWC float32 TFLite model, prove it equal. */
@Command(name = "convert", mixinStandardHelpOptions = true,
        description = "Folds re-parameterizable blocks (as reparam does), lowers the graph to TFLite stored in NHWC"
                + " with no layout TRANSPOSE, runs the ONNX model in onnxruntime and the TFLite model in the TFLite"
                + " interpreter on the same input, and writes OUT only if they match; with --precision, then"
                + " quantizes it (fp16, int8, int16x8) and reports its quality against float32.")
final class ConvertCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "IN.onnx", description = "The model as exported from training.")
    Path input;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUT.tflite", description = "Where to write the TFLite model.")
    Path output;

    @Option(names = "--no-reparam", description = "Lower the graph as it is, without folding re-parameterizable blocks.")
    boolean noReparam;

    /** Float32 TFLite against onnxruntime: 1e-4 (reparam's 1e-5 is for ONNX against ONNX). */
    @CommandLine.Mixin
    VerifyOptions verify = VerifyOptions.withTolerance(1e-4);

    @Option(names = "--io-layout", defaultValue = "nhwc", paramLabel = "nhwc|nchw",
            description = "Layout of rank-4 model inputs and outputs: nhwc (default, what TFLite runs natively) or"
                    + " nchw (the ONNX layout, with a TRANSPOSE at each such input and output).")
    String ioLayout;

    @CommandLine.Mixin
    CommonOptions common;

    @CommandLine.Mixin
    QuantOptionsMixin quant;

    @CommandLine.Mixin
    QnnOptions qnn;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (!ioLayout.equals("nhwc") && !ioLayout.equals("nchw")) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--io-layout must be nhwc or nchw, not \"" + ioLayout + "\"");
        }
        verify.check(spec.commandLine());
        quant.check(spec.commandLine());
        qnn.check(spec.commandLine());
        long t0 = System.nanoTime();
        return ModelJob.run(input, output, common.report, common.inputShapes,
                (loaded, reference, tmp) -> run(loaded.graph(), loaded, reference, tmp, out, t0));
    }

    private int run(Graph g, ModelLoading.Loaded loaded, Path reference, Path tmp, PrintWriter out, long t0)
            throws Exception {
        List<String> nonFinite = NonFiniteConstants.warnings(g);
        GraphStats before = GraphStats.of(g);
        PassReport report = new PassReport();
        List<String> pipelines = new ArrayList<>();
        if (!noReparam) {
            Pipelines.reparam().run(g, report);
            pipelines.add("reparam");
        }
        Pipelines.tflitePrep().run(g, report);
        pipelines.add("tflite-prep");
        ShapeInference.run(g);
        GraphStats after = GraphStats.of(g);
        OnnxToTflite.checkLowerable(g);
        LayoutPlan plan = LayoutPlan.of(g, nhwcIo());
        Precision precision = quant.precision(spec.commandLine());
        QuantOptions quantOptions = quant.options(spec.commandLine());
        CalibrationInputs calib = quant.calibration(g, spec.commandLine());
        TfliteBuilder model = OnnxToTflite.lower(g, plan);
        model.write(tmp);
        long t1 = System.nanoTime();

        TfliteModel written = TfliteModel.open(tmp);
        Map<String, Integer> ops = written.opHistogram();
        out.printf("isptool convert: %s -> %s%n", input, output);
        nonFinite.forEach(w -> out.printf("  warning: %s%n", w));
        if (loaded.upgraded()) {
            out.printf("  upgraded from opset %d to %d (onnxruntime has no kernels for opset %d); verified against"
                    + " the upgraded model%n", loaded.fileOpset(), g.opset(), loaded.fileOpset());
        }
        out.printf("  passes: %s; nodes %d -> %d, Conv %d -> %d%n", String.join(", ", pipelines), before.nodes(),
                after.nodes(), before.convs(), after.convs());
        Reports.printFolds(out, report);
        out.printf("  tflite: %d operators, %s inputs/outputs%n", written.operators().size(), nhwcIo() ? "NHWC" : "NCHW");
        ops.forEach((op, count) -> out.printf("    %s %d%n", op, count));
        out.printf("  TRANSPOSE %d%n", written.count("TRANSPOSE"));

        long tVerify = System.nanoTime();
        Verification.Result check = verify.skip ? null
                : Verification.compareOnnxWithTflite(reference, tmp, g, verify, common.seed, nhwcIo());
        long tVerified = System.nanoTime();
        if (check != null) {
            Reports.printVerification(out, check);
        }
        if (calib != null) {
            out.printf("  calibration: %d samples (%s ... %s)%n", calib.size(), calib.describe(0),
                    calib.describe(calib.size() - 1));
            calib.notes().forEach(note -> out.printf("    note: %s%n", note));
        }
        QuantizedConvert.Outcome quantized = null;
        if (precision != Precision.FP32 && (check == null || check.ok())) {
            quantized = QuantizedConvert.run(tmp, g, plan, calib, quantOptions, quant.perLayer,
                    quant.psnrFloor(spec.commandLine()), Verification.inputs(g, verify, common.seed),
                    verify.describe(common.seed), out,
                    spec.commandLine().getErr());
        }
        QnnConvert.Outcome qnnFiles = null;
        if (qnn.isQnn() && (check == null || check.ok()) && (quantized == null || quantized.failure() == null)) {
            qnnFiles = QnnConvert.run(input, tmp, g, plan, precision, output, qnn, quant.psnrFloor(spec.commandLine()),
                    quant.perLayer, Verification.inputs(g, verify, common.seed), verify.describe(common.seed),
                    "isptool convert " + String.join(" ", spec.commandLine().getParseResult().originalArgs()), out);
        }
        long t2 = System.nanoTime();
        if (common.report != null) {
            Map<String, Object> tflite = new LinkedHashMap<>();
            tflite.put("operators", written.operators().size());
            tflite.put("ops", ops);
            tflite.put("transposes", written.count("TRANSPOSE"));
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("command", "convert");
            json.put("input", input.toString());
            json.put("output", output.toString());
            json.put("before", before.toJson());
            json.put("after", after.toJson());
            json.put("pipelines", pipelines);
            json.put("passes", Reports.foldsJson(report));
            json.put("tflite", tflite);
            json.put("verification", check == null ? "skipped" : check.toJson());
            json.put("precision", precision.name().toLowerCase(Locale.ROOT));
            if (quantized != null) {
                json.put("quantization", quantized.json());
            }
            if (qnnFiles != null) {
                json.put("qnn", qnnFiles.json());
            }
            json.put("seconds", Map.of("convert", (t1 - t0) / 1e9, "verify", (tVerified - tVerify) / 1e9,
                    "total", (t2 - t0) / 1e9));
            json.put("memory", MemoryUse.toJson());
            Reports.writeJson(common.report, json);
        }
        if (check != null && !check.ok()) {
            spec.commandLine().getErr().printf("isptool: %s: the TFLite model differs from the ONNX model beyond"
                    + " tolerance (%s); %s was not written%n", input, check.worst(), output);
            return Main.EXIT_MISMATCH;
        }
        if (quantized != null && quantized.failure() != null) {
            spec.commandLine().getErr().printf("isptool: %s: the %s model is not close enough to float32: %s; %s was"
                    + " not written%n", input, precision.name().toLowerCase(Locale.ROOT), quantized.failure(), output);
            return Main.EXIT_MISMATCH;
        }
        if (qnnFiles != null && qnnFiles.failure() != null) {
            spec.commandLine().getErr().printf("isptool: %s: the QNN graph is not close enough to float32: %s; no QNN"
                    + " file was written%n", input, qnnFiles.failure());
            return Main.EXIT_MISMATCH;
        }
        if (qnnFiles != null) {
            QnnConvert.write(qnnFiles.files(), output, out);
            out.flush();
            return 0;
        }
        AtomicFiles.moveInto(tmp, output);
        out.printf("  wrote %s (%s) in %.2f s%n", output, Reports.size(Files.size(output)), (t2 - t0) / 1e9);
        out.flush();
        return 0;
    }

    private boolean nhwcIo() {
        return ioLayout.equals("nhwc");
    }
}
