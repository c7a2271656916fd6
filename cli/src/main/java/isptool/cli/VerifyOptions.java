package isptool.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** How a command checks its result against the source model. */
final class VerifyOptions {
    @Option(names = "--verify-input", paramLabel = "[NAME=]x.npy",
            description = "Verify on this input (.npy in the ONNX input layout) instead of a seeded random one;"
                    + " NAME= picks the graph input when there are several.")
    List<String> inputs = new ArrayList<>();

    @Option(names = "--no-verify", description = "Skip verification (the output is then unchecked).")
    boolean skip;

    @Option(names = "--tolerance", paramLabel = "REL",
            description = "Largest allowed max-abs error relative to the output range (default ${DEFAULT-VALUE}).")
    double tolerance = 1e-5;

    /** Refuses a tolerance that would make every comparison pass or fail whatever the outputs (NaN, inf, < 0). */
    void check(CommandLine cl) {
        if (!(tolerance >= 0) || Double.isInfinite(tolerance)) {
            throw new CommandLine.ParameterException(cl, "--tolerance must be a finite number >= 0 (a fraction of"
                    + " the output range, e.g. 1e-4), not " + tolerance);
        }
    }

    /** The input verification runs on, for reports: the files given, or the seeded random input. */
    String describe(long seed) {
        return inputs.isEmpty() ? "random input, seed " + seed : String.join(", ", inputs);
    }

    /** Options whose --tolerance defaults to t (a command's mixin field initialised with it keeps it). */
    static VerifyOptions withTolerance(double t) {
        VerifyOptions o = new VerifyOptions();
        o.tolerance = t;
        return o;
    }
}
