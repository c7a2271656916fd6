package isptool.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** Options every model command takes. */
final class CommonOptions {
    @Option(names = "--input-shape", paramLabel = "NAME:D0,D1,...",
            description = "Fix a dynamic input shape, e.g. input:1,4,544,960 (repeat for several inputs).")
    List<String> inputShapes = new ArrayList<>();

    @Option(names = "--report", paramLabel = "report.json", description = "Also write everything printed as JSON.")
    Path report;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of the random verification input (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = {"-v", "--verbose"}, description = "Print stack traces of errors.")
    boolean verbose;
}
