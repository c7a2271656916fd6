package isptool.cli;

import isptool.backends.calib.CalibrationInputs;
import isptool.backends.convert.FloatConversion;
import isptool.backends.layout.LayoutPlan;
import isptool.backends.quant.AutoPrecision;
import isptool.backends.quant.IoType;
import isptool.backends.quant.Precision;
import isptool.backends.quant.QuantOptions;
import isptool.backends.target.TargetReport;
import isptool.backends.tflite.TfliteModel;
import isptool.graph.Graph;
import isptool.graph.io.AtomicFiles;
import isptool.passes.PassReport;
import isptool.passes.target.TargetCaps;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
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

    @Option(names = "--target", paramLabel = "T",
            description = "Swap ops the target lacks for exact equivalents it runs: nnapi-27 ... nnapi-35, gpu, htp,"
                    + " htp-v68, htp-v69, htp-v73, htp-v75, cpu (default: none, today's output).")
    String target;

    @Option(names = "--allow-approx", description = "With --target: also make approximate swaps (reported with their"
            + " error) where no exact one exists.")
    boolean allowApprox;

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
        qnn.checkEncodingsOnly(spec.commandLine(), quant.precision(spec.commandLine()), quant.auto());
        if (qnn.encodingsOnly) {
            ModelJob.checkNotInput(input, output.resolveSibling(output.getFileName() + ".onnx"), "-o");
        }
        TargetCaps caps = targetCaps();
        long t0 = System.nanoTime();
        return ModelJob.run(input, output, common.report, common.inputShapes,
                (loaded, reference, tmp) -> run(loaded.graph(), loaded, reference, tmp, out, t0, caps));
    }

    /** The --target profile, null without --target; an unknown name is a parameter error listing the valid ones. */
    private TargetCaps targetCaps() {
        if (target == null) {
            if (allowApprox) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--allow-approx needs --target");
            }
            return null;
        }
        try {
            return TargetCaps.named(target).withApprox(allowApprox);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--target: " + e.getMessage());
        }
    }

    private int run(Graph g, ModelLoading.Loaded loaded, Path reference, Path tmp, PrintWriter out, long t0,
                    TargetCaps caps) throws Exception {
        List<String> nonFinite = NonFiniteConstants.warnings(g);
        GraphStats before = GraphStats.of(g);
        FloatConversion conversion = FloatConversion.run(g, !noReparam, nhwcIo(), caps);
        PassReport report = conversion.report();
        PassReport swaps = conversion.swaps();
        List<String> pipelines = conversion.pipelines();
        GraphStats after = GraphStats.of(g);
        LayoutPlan plan = conversion.plan();
        Precision precision = quant.precision(spec.commandLine());
        QuantOptions quantOptions = quant.options(spec.commandLine());
        CalibrationInputs calib = quant.calibration(g, spec.commandLine());
        conversion.model().write(tmp);
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
        if (caps != null) {
            Reports.printSwaps(out, caps.name(), swaps);
        }
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
        AutoPrecision.Plan auto = null;
        if (quant.auto() && (check == null || check.ok())) {
            auto = AutoPrecision.choose(tmp, g, plan, calib, quantOptions, quant.psnrFloor(spec.commandLine()),
                    ProgressPrinter.forStderr(spec.commandLine().getErr()));
            AutoPlanPrinter.print(out, auto);
            if (auto.chosen() == null) {
                spec.commandLine().getErr().printf("isptool: %s: no precision plan reaches %.2f dB on the calibration"
                        + " samples (tried int8, int8 with float layers, int16x8, fp16; see the table); lower"
                        + " --min-psnr or use --precision fp32; %s was not written%n", input, auto.targetDb(), output);
                return Main.EXIT_MISMATCH;
            }
            quantOptions = auto.chosen().options();
            precision = quantOptions.precision();
        }
        if (caps != null && precision == Precision.INT8 && !quant.ioTypeGiven() && caps.int8Io()) {
            quantOptions = new QuantOptions(quantOptions.precision(), IoType.INT8, quantOptions.method(),
                    quantOptions.biasCorrection(), quantOptions.floatOps(), quantOptions.strictInt8());
            out.printf("  --target %s: int8 model inputs and outputs (before API 30 the NNAPI delegate takes int8"
                    + " tensors only by converting them to uint8: a QUANTIZE to int8 or a DEQUANTIZE of asymmetric"
                    + " int8 at the borders would run on the CPU); --io-type float32 keeps float borders%n", caps.name());
        }
        if (precision != Precision.FP32 && (check == null || check.ok())) {
            quantized = QuantizedConvert.run(tmp, g, plan, calib, quantOptions, quant.perLayer,
                    quant.psnrFloor(spec.commandLine()), Verification.inputs(g, verify, common.seed),
                    verify.describe(common.seed), out,
                    spec.commandLine().getErr());
        }
        TargetReport targetCheck = null;
        if (caps != null && (check == null || check.ok()) && (quantized == null || quantized.failure() == null)) {
            targetCheck = CheckTable.printVerdict(out, TfliteModel.open(tmp), caps.name());
        }
        QnnConvert.Outcome qnnFiles = null;
        QnnEncodingsOnly.Outcome encodings = null;
        if (qnn.encodingsOnly && (check == null || check.ok()) && (quantized == null || quantized.failure() == null)) {
            encodings = QnnEncodingsOnly.run(input, reference, tmp, g, output, qnn, verify, common.seed, out);
        } else if (qnn.isQnn() && (check == null || check.ok()) && (quantized == null || quantized.failure() == null)) {
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
            if (caps != null) {
                Map<String, Object> target = new LinkedHashMap<>(Reports.swapsJson(caps.name(), caps.allowApprox(), swaps));
                target.put("check", targetCheck == null ? null : targetCheck.toJson());
                json.put("target", target);
            }
            json.put("tflite", tflite);
            json.put("verification", check == null ? "skipped" : check.toJson());
            json.put("precision", precision.name().toLowerCase(Locale.ROOT));
            if (quantized != null) {
                json.put("quantization", quantized.json());
            }
            if (auto != null) {
                json.put("auto_precision", auto.toJson());
            }
            if (qnnFiles != null) {
                json.put("qnn", qnnFiles.json());
            }
            if (encodings != null) {
                json.put("qnn_encodings", encodings.json());
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
        if (encodings != null && encodings.failure() != null) {
            spec.commandLine().getErr().printf("isptool: %s: %s; no file was written%n", input, encodings.failure());
            return Main.EXIT_MISMATCH;
        }
        if (encodings != null) {
            QnnEncodingsOnly.write(encodings.files(), output, out);
            out.flush();
            return 0;
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
