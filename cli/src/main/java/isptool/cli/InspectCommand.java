package isptool.cli;

import isptool.backends.tflite.TfliteModel;
import isptool.graph.ModelException;
import isptool.graph.io.JsonText;
import isptool.graph.io.RegularFiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code isptool inspect MODEL}: inputs, outputs, op histogram, parameters, MACs, TRANSPOSE count. */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = "Shows a model's inputs and outputs, op histogram, parameter count and size,"
                + " convolution MACs and TRANSPOSE count.")
final class InspectCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL", description = "An .onnx or .tflite model.")
    Path model;

    @Option(names = "--json", description = "Print JSON instead of text.")
    boolean json;

    @Option(names = "--input-shape", paramLabel = "NAME:D0,D1,...", description = "Fix a dynamic input shape (for MACs).")
    java.util.List<String> inputShapes = new java.util.ArrayList<>();

    @Option(names = {"-v", "--verbose"}, description = "Print stack traces of errors.")
    boolean verbose;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        ModelSummary s = isTflite(model) ? TfliteSummary.of(TfliteModel.open(model))
                : OnnxSummary.of(ModelLoading.load(model, inputShapes).graph());
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.print(JsonText.write(s.toJson()));
        } else {
            print(out, s);
        }
        out.flush();
        List<?> invalid = (List<?>) s.extra().getOrDefault("invalid", List.of());
        if (!invalid.isEmpty()) {
            // a diagnostic: everything readable is printed above, and the status says the runtime would refuse it
            int more = invalid.size() - 1;
            throw new ModelException(model + ": invalid TFLite model, " + invalid.get(0)
                    + (more > 0 ? " (and " + more + " more problem" + (more > 1 ? "s" : "") + ", listed above)" : "")
                    + "; the TFLite runtime would refuse it, so export or convert it again");
        }
        return 0;
    }

    /** A .tflite name, or the TFLite file identifier at bytes 4..8 whatever the name. */
    private static boolean isTflite(Path file) throws IOException {
        RegularFiles.require(file, file.toString(), "the path of an .onnx or .tflite model");
        String name = file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".tflite")) {
            return true;
        }
        if (name.endsWith(".onnx")) {
            return false;
        }
        return ModelFiles.isTflite(ModelFiles.head(file));
    }

    /** The text report; names from the model are printed with control characters escaped. */
    private void print(PrintWriter out, ModelSummary s) {
        out.printf("%s (%s)%n", Escapes.visible(model.toString()), s.format().equals("onnx") ? "ONNX" : "TFLite");
        s.inputs().forEach(i -> out.printf("  input   %s%n", Escapes.visible(i)));
        s.outputs().forEach(o -> out.printf("  output  %s%n", Escapes.visible(o)));
        out.printf(Locale.ROOT, "  parameters %,d (%s)%n", s.parameters(), Reports.size(s.parameterBytes()));
        out.printf(Locale.ROOT, "  conv MACs %s%s%n", macs(s.convMacs()),
                s.convsWithUnknownShape() > 0 ? " (+" + s.convsWithUnknownShape() + " convs of unknown size; use --input-shape)" : "");
        out.printf("  %s ops %d%n", s.format().equals("onnx") ? "Transpose" : "TRANSPOSE", s.transposes());
        if (s.extra().containsKey("activation_types")) {
            out.printf("  activation types %s, constant types %s%n", s.extra().get("activation_types"),
                    s.extra().get("constant_types"));
        }
        out.printf("  ops:%n");
        for (Map.Entry<String, Integer> e : s.ops().entrySet()) {
            out.printf("    %-22s %d%n", Escapes.visible(e.getKey()), e.getValue());
        }
        for (Object problem : (List<?>) s.extra().getOrDefault("invalid", List.of())) {
            out.printf("  invalid: %s%n", Escapes.visible(problem.toString()));
        }
    }

    private static String macs(long m) {
        if (m >= 1_000_000_000L) {
            return String.format(Locale.ROOT, "%.2f G", m / 1e9);
        }
        return m >= 1_000_000 ? String.format(Locale.ROOT, "%.2f M", m / 1e6) : Long.toString(m);
    }
}
