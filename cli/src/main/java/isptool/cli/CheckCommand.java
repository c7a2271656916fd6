package isptool.cli;

import isptool.backends.calib.CalibrationInputs;
import isptool.backends.convert.FloatConversion;
import isptool.backends.html.CheckPage;
import isptool.backends.quant.Precision;
import isptool.backends.quant.Progress;
import isptool.backends.quant.Quantizer;
import isptool.backends.target.PartitionPlan;
import isptool.backends.target.Target;
import isptool.backends.target.TargetCheck;
import isptool.backends.target.TargetReport;
import isptool.backends.tflite.TfliteModel;
import isptool.graph.Graph;
import isptool.graph.io.AtomicFiles;
import isptool.graph.io.RegularFiles;
import isptool.graph.io.TempFiles;
import java.io.IOException;
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

/** {@code isptool check MODEL --target T}: which operators run on an accelerator, why not, and the partition plan. */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = "Says which operators of a model run on an accelerator (NNAPI at an API level, the GPU"
                + " delegate, the Qualcomm HTP, XNNPACK on the CPU), why the others do not (the rule and its"
                + " source), the ONNX node each came from and the swap isptool has for it, then the partitions the"
                + " delegate makes and the tensors that cross to the CPU. An ONNX model is converted in memory"
                + " first, as convert does.")
final class CheckCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL", description = "An .onnx or .tflite model.")
    Path model;

    @Option(names = {"-t", "--target"}, required = true, paramLabel = "T|all",
            description = "nnapi-27 ... nnapi-35, gpu, htp, htp-v68, htp-v69, htp-v73, htp-v75, cpu, or all (one"
                    + " column per target); several separated by commas.")
    String target;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the verdicts and plans as JSON.")
    Path json;

    @Option(names = "--html", paramLabel = "FILE", description = "Also write a page (one self-contained HTML file)"
            + " with the graph coloured by where each operator runs, the delegate's partitions outlined and each"
            + " refused operator with its reasons and swap; targets with the same outcome share one drawing.")
    Path html;

    @Option(names = "--require-full", description = "Exit 5 when the model is not fully delegated on every target"
            + " checked (for CI).")
    boolean requireFull;

    @Option(names = "--no-reparam", description = "ONNX input: lower the graph as it is, without folding"
            + " re-parameterizable blocks.")
    boolean noReparam;

    @Option(names = "--input-shape", paramLabel = "NAME:D0,D1,...", description = "ONNX input: fix a dynamic input"
            + " shape.")
    List<String> inputShapes = new ArrayList<>();

    @Option(names = {"-v", "--verbose"}, description = "Print stack traces of errors.")
    boolean verbose;

    @CommandLine.Mixin
    QuantOptionsMixin quant;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        List<Target> targets = targets();
        RegularFiles.require(model, model.toString(), "the path of an .onnx or .tflite model");
        boolean tflite = ModelFiles.isTflite(ModelFiles.head(model));
        if (quant.perLayer || quant.minPsnr != null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--per-layer and --min-psnr measure a"
                    + " written model's quality; they apply to convert, not check");
        }
        if (!tflite) {
            quant.check(spec.commandLine());
        } else if (quant.precision(spec.commandLine()) != Precision.FP32) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--precision and the quantization options"
                    + " apply to an ONNX model; " + model + " is already a TFLite model");
        }
        if (json != null) {
            ModelJob.checkNotInput(model, json, "--json");
        }
        if (html != null) {
            ModelJob.checkNotInput(model, html, "--html");
            if (json != null && html.toAbsolutePath().normalize().equals(json.toAbsolutePath().normalize())) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--html and --json name the same file "
                        + html + "; give each its own name");
            }
            AtomicFiles.checkWritable(html);
        }
        TfliteModel m = tflite ? TfliteModel.open(model) : convert();
        List<String> origins = m.operatorOrigins();
        List<TargetReport> reports = targets.stream().map(t -> TargetCheck.run(m, t, origins)).toList();

        PrintWriter out = spec.commandLine().getOut();
        String source = tflite ? "TFLite" : "ONNX, converted in memory at "
                + quant.precision(spec.commandLine()).name().toLowerCase(Locale.ROOT);
        out.printf("isptool check: %s (%s, %d operators)%n", Escapes.visible(model.toString()), source,
                m.operators().size());
        CheckTable.print(out, m, reports);
        out.flush();
        if (json != null) {
            Map<String, Object> j = new LinkedHashMap<>();
            j.put("command", "check");
            j.put("input", model.toString());
            j.put("converted", tflite ? null : quant.precision(spec.commandLine()).name().toLowerCase(Locale.ROOT));
            j.put("operators", m.operators().size());
            j.put("targets", reports.stream().map(TargetReport::toJson).toList());
            Reports.writeJson(json, j);
        }
        if (html != null) {
            CheckPage.of(model, source, m, reports).write(html);
        }
        List<String> partial = reports.stream().filter(r -> r.verdict() != PartitionPlan.Verdict.FULLY)
                .map(r -> r.target().name()).toList();
        if (requireFull && !partial.isEmpty()) {
            spec.commandLine().getErr().printf("isptool: %s is not fully delegated on %s (--require-full)%n",
                    Escapes.visible(model.toString()), String.join(", ", partial));
            return Main.EXIT_GATE;
        }
        return 0;
    }

    /** The targets named by --target, or a usage error listing the valid names. */
    private List<Target> targets() {
        if (target.trim().equalsIgnoreCase("all")) {
            return Target.all();
        }
        List<Target> r = new ArrayList<>();
        for (String name : target.split(",")) {
            Target t = Target.byName(name.trim());
            if (t == null) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--target \"" + name.trim()
                        + "\" is not a target; valid targets: " + Target.names() + ", all");
            }
            if (!r.contains(t)) {
                r.add(t);
            }
        }
        return r;
    }

    /** The ONNX model converted as convert does (float, then quantized if asked), held in memory. */
    private TfliteModel convert() throws IOException {
        Graph g = ModelLoading.load(model, inputShapes).graph();
        FloatConversion c = FloatConversion.run(g, !noReparam, true);
        Precision precision = quant.precision(spec.commandLine());
        if (precision == Precision.FP32) {
            return TfliteModel.of(c.model().toBytes(), model.toString());
        }
        CalibrationInputs calib = quant.calibration(g, spec.commandLine());
        Path floatModel = TempFiles.inSystemTemp("isptool-check");
        Path quantized = TempFiles.inSystemTemp("isptool-check");
        try {
            c.model().write(floatModel);
            Quantizer.quantize(floatModel, g, c.plan(), calib, quant.options(spec.commandLine()),
                    Progress.NONE).model().write(quantized);
            return TfliteModel.of(Files.readAllBytes(quantized), model.toString());
        } finally {
            TempFiles.delete(floatModel);
            TempFiles.delete(quantized);
        }
    }
}
