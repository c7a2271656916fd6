package isptool.cli;

import isptool.backends.calib.CalibrationInputs;
import isptool.backends.convert.Conversion;
import isptool.backends.convert.ConvertRequest;
import isptool.backends.convert.ConvertResult;
import isptool.backends.html.HtmlPage;
import isptool.backends.qnn.QnnFiles;
import isptool.backends.quant.QuantOptions;
import isptool.backends.verify.Verification;
import isptool.graph.Graph;
import isptool.graph.Tensor;
import isptool.graph.io.AtomicFiles;
import isptool.passes.target.TargetCaps;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
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

    @CommandLine.Mixin
    ConvertHtml html;

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
        quant.check(spec.commandLine(), html.comparePrecisions);
        qnn.check(spec.commandLine());
        qnn.checkEncodingsOnly(spec.commandLine(), quant.precision(spec.commandLine()), quant.auto());
        if (qnn.encodingsOnly) {
            ModelJob.checkNotInput(input, output.resolveSibling(output.getFileName() + ".onnx"), "-o");
        }
        html.check(spec.commandLine(), input, output, common.report, qnn.isQnn(), verify.skip,
                !quant.calibration.isEmpty());
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
        PrintWriter err = spec.commandLine().getErr();
        List<String> nonFinite = NonFiniteConstants.warnings(g);
        QuantOptions options = quant.options(spec.commandLine());
        CalibrationInputs calib = quant.calibration(g, spec.commandLine());
        Map<String, Tensor> verifyInputs = Verification.inputs(g, verify.inputs, common.seed);
        ConvertRequest.HeldOut heldOut = new ConvertRequest.HeldOut(verifyInputs, verify.describe(common.seed),
                false);
        if (calib != null && calib.size() >= 2 && verify.inputs.isEmpty()) {
            // measure a quantized model on data like its calibration data, not on random numbers
            int last = calib.size() - 1;
            heldOut = new ConvertRequest.HeldOut(calib.sample(last), "calibration sample " + calib.describe(last)
                    + ", held out", true);
            calib = calib.withoutLast();
        }
        ConvertHtml.Prepared page = html.prepare(g, quant.imageOptions(spec.commandLine()), heldOut.inputs(),
                heldOut.described());
        ConvertRequest.Backend backend = qnn.encodingsOnly ? ConvertRequest.Backend.QNN_ENCODINGS
                : qnn.isQnn() ? ConvertRequest.Backend.QNN : ConvertRequest.Backend.TFLITE;
        ConvertRequest request = new ConvertRequest(input, reference, !noReparam, nhwcIo(), caps, options,
                quant.ioTypeGiven(), quant.auto(), quant.psnrFloor(spec.commandLine()), calib,
                new ConvertRequest.Verify(verifyInputs, verify.describe(common.seed), verify.tolerance, verify.skip),
                heldOut, quant.perLayer, backend, new ConvertRequest.Qnn(output.getFileName().toString(), qnn.tensorVersion,
                        qnn.encodingsFormat, "isptool convert "
                        + String.join(" ", spec.commandLine().getParseResult().originalArgs())));
        ConvertResult result = Conversion.run(g, request, tmp, ProgressPrinter.forStderr(err), t0);

        out.printf("isptool convert: %s -> %s%n", input, output);
        nonFinite.forEach(w -> out.printf("  warning: %s%n", w));
        if (loaded.upgraded()) {
            out.printf("  upgraded from opset %d to %d (onnxruntime has no kernels for opset %d); verified against"
                    + " the upgraded model%n", loaded.fileOpset(), g.opset(), loaded.fileOpset());
        }
        ConvertPrinter.print(out, result, calib, output);
        if (common.report != null) {
            Map<String, Object> json = result.toJson(input, output);
            json.put("memory", MemoryUse.toJson());
            Reports.writeJson(common.report, json);
        }
        if (result.failure() != null) {
            err.println(failureLine(result));
            return Main.EXIT_MISMATCH;
        }
        if (backend != ConvertRequest.Backend.TFLITE) {
            Path dir = output.toAbsolutePath().getParent();
            for (Path p : QnnFiles.writeAll(dir, result.files())) {
                out.printf("  wrote %s (%s)%n", output.resolveSibling(p.getFileName()), Reports.size(Files.size(p)));
            }
            out.flush();
            return 0;
        }
        HtmlPage built = page == null ? null : page.build(input, result, tmp);
        AtomicFiles.moveInto(tmp, output);
        out.printf("  wrote %s (%s) in %.2f s%n", output, Reports.size(Files.size(output)),
                (System.nanoTime() - t0) / 1e9);
        if (page != null) {
            page.write(built, out);
        }
        out.flush();
        return 0;
    }

    /** The one line on stderr for a conversion that wrote nothing. */
    private String failureLine(ConvertResult result) {
        ConvertResult.Failure f = result.failure();
        return switch (f.kind()) {
            case FLOAT_MISMATCH -> String.format("isptool: %s: the TFLite model differs from the ONNX model beyond"
                    + " tolerance (%s); %s was not written", input, f.message(), output);
            case NO_PLAN -> String.format("isptool: %s: %s (tried int8, int8 with float layers, int16x8, fp16; see"
                    + " the table); lower --min-psnr or use --precision fp32; %s was not written", input, f.message(),
                    output);
            case QUANT_QUALITY -> String.format("isptool: %s: the %s model is not close enough to float32: %s; %s was"
                    + " not written%s", input, result.precision().name().toLowerCase(Locale.ROOT), f.message(), output,
                    result.auto() == null ? "" : " (--precision auto met the target on the calibration samples it"
                            + " measured, not on the held-out " + result.request().heldOut().described()
                            + ": give a representative --verify-input, calibration samples like it, or a --min-psnr"
                            + " with some margin)");
            case QNN_QUALITY -> String.format("isptool: %s: the QNN graph is not close enough to float32: %s; no QNN"
                    + " file was written", input, f.message());
            case ENCODINGS -> String.format("isptool: %s: %s; no file was written", input, f.message());
        };
    }

    private boolean nhwcIo() {
        return ioLayout.equals("nhwc");
    }
}
