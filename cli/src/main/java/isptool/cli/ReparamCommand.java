package isptool.cli;

import isptool.backends.convert.GraphStats;
import isptool.backends.verify.Verification;
import isptool.graph.Graph;
import isptool.graph.io.AtomicFiles;
import isptool.graph.io.OnnxExporter;
import isptool.passes.PassReport;
import isptool.passes.Pipelines;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code isptool reparam IN.onnx -o OUT.onnx}: fold every re-parameterizable structure, prove it equal. */
@Command(name = "reparam", mixinStandardHelpOptions = true,
        // one string: picocli lists a subcommand by the first element, and wraps the text itself
        description = "Folds re-parameterizable blocks (BN, parallel branches, concat+1x1, identity,"
                + " asymmetric kernels, 1x1->kxk, avg-pool branches, QCU scales) into single convolutions,"
                + " then runs both graphs in onnxruntime on the same input and writes OUT only if they match.")
final class ReparamCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "IN.onnx", description = "The model as exported from training.")
    Path input;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUT.onnx", description = "Where to write the folded model.")
    Path output;

    @CommandLine.Mixin
    CommonOptions common;

    @CommandLine.Mixin
    VerifyOptions verify;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        verify.check(spec.commandLine());
        long t0 = System.nanoTime();
        return ModelJob.run(input, output, common.report, common.inputShapes,
                (loaded, reference, tmp) -> run(loaded.graph(), loaded, reference, tmp, out, t0));
    }

    private int run(Graph g, ModelLoading.Loaded loaded, Path reference, Path tmp, PrintWriter out, long t0)
            throws Exception {
        List<String> nonFinite = NonFiniteConstants.warnings(g);
        GraphStats before = GraphStats.of(g);
        PassReport report = new PassReport();
        Pipelines.reparam().run(g, report);
        GraphStats after = GraphStats.of(g);
        long t1 = System.nanoTime();

        out.printf("isptool reparam: %s -> %s%n", input, output);
        nonFinite.forEach(w -> out.printf("  warning: %s%n", w));
        if (loaded.upgraded()) {
            out.printf("  upgraded from opset %d to %d (onnxruntime has no kernels for opset %d); verified against"
                    + " the upgraded model%n", loaded.fileOpset(), g.opset(), loaded.fileOpset());
        }
        out.printf("  nodes %d -> %d, Conv %d -> %d%n", before.nodes(), after.nodes(), before.convs(), after.convs());
        Reports.printFolds(out, report);

        OnnxExporter.write(g, tmp);
        Verification.Result check = verify.skip ? null : Verification.compareOnnx(reference, tmp,
                Verification.inputs(g, verify.inputs, common.seed), verify.describe(common.seed), verify.tolerance);
        long t2 = System.nanoTime();
        if (check != null) {
            Reports.printVerification(out, check);
        }
        if (common.report != null) {
            Reports.writeJson(common.report, Map.of(
                    "command", "reparam",
                    "input", input.toString(),
                    "output", output.toString(),
                    "before", before.toJson(),
                    "after", after.toJson(),
                    "passes", report.toJson(),
                    "verification", check == null ? "skipped" : check.toJson(),
                    "seconds", Map.of("passes", (t1 - t0) / 1e9, "total", (t2 - t0) / 1e9),
                    "memory", MemoryUse.toJson()));
        }
        if (check != null && !check.ok()) {
            spec.commandLine().getErr().printf("isptool: %s: the folded model differs from the original beyond"
                    + " tolerance (%s); %s was not written%n", input, check.worst(), output);
            return Main.EXIT_MISMATCH;
        }
        AtomicFiles.moveInto(tmp, output);
        out.printf("  wrote %s (%s) in %.2f s%n", output, Reports.size(Files.size(output)), (t2 - t0) / 1e9);
        out.flush();
        return 0;
    }
}
