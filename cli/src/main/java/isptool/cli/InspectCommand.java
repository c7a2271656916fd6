package isptool.cli;

import isptool.graph.ModelException;
import java.io.PrintWriter;
import java.nio.file.Path;
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
    @Parameters(index = "0", paramLabel = "MODEL", description = "An .onnx model.")
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
    public Integer call() {
        String name = model.getFileName() == null ? model.toString() : model.getFileName().toString();
        if (!name.endsWith(".onnx")) {
            throw new ModelException(model + ": inspect reads .onnx models (TFLite support comes with convert)");
        }
        OnnxSummary s = OnnxSummary.of(ModelLoading.load(model, inputShapes).graph());
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.print(Json.write(s.toJson()));
        } else {
            print(out, s);
        }
        out.flush();
        return 0;
    }

    private void print(PrintWriter out, OnnxSummary s) {
        out.printf("%s (ONNX)%n", model);
        s.inputs().forEach(i -> out.printf("  input   %s%n", i));
        s.outputs().forEach(o -> out.printf("  output  %s%n", o));
        out.printf(Locale.ROOT, "  parameters %,d (%s)%n", s.parameters(), Reports.size(s.parameterBytes()));
        out.printf(Locale.ROOT, "  conv MACs %s%s%n", macs(s.convMacs()),
                s.convsWithUnknownShape() > 0 ? " (+" + s.convsWithUnknownShape() + " convs of unknown size; use --input-shape)" : "");
        out.printf("  Transpose ops %d%n", s.transposes());
        out.printf("  ops:%n");
        for (Map.Entry<String, Integer> e : s.ops().entrySet()) {
            out.printf("    %-22s %d%n", e.getKey(), e.getValue());
        }
    }

    private static String macs(long m) {
        if (m >= 1_000_000_000L) {
            return String.format(Locale.ROOT, "%.2f G", m / 1e9);
        }
        return m >= 1_000_000 ? String.format(Locale.ROOT, "%.2f M", m / 1e6) : Long.toString(m);
    }
}
