package isptool.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The isptool command line: subcommands only; each command's work lives in its own class. */
@Command(name = "isptool",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Takes a camera/vision network as it was trained (ONNX) and delivers what runs fast on a phone's NPU.",
        subcommands = {ReparamCommand.class, ConvertCommand.class, InspectCommand.class, CheckCommand.class,
                BenchCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    /** Exit status for bad input: missing/corrupt files, unsupported models, wrong arguments. */
    public static final int EXIT_BAD_INPUT = 2;
    /** Exit status when the result does not match the source within tolerance. */
    public static final int EXIT_MISMATCH = 3;
    /** Exit status when a device or adb fails (bench --device: state, drop-off, push, crash, timeout). */
    public static final int EXIT_DEVICE = 4;
    /** Exit status when a CI gate fails (bench: a median above --max-latency-ms). */
    public static final int EXIT_GATE = 5;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler(new ErrorHandler());
        cl.setParameterExceptionHandler(ErrorHandler::onParameterError);
        return cl;
    }

    public static void main(String[] args) {
        int status;
        try {
            status = commandLine().execute(args);
        } catch (OutOfMemoryError e) {
            // temporary files are already gone (finally blocks ran); say what to do, in one line
            System.err.printf("isptool: out of memory (%s; the Java heap is limited to %d MiB); allow more with"
                    + " ISPTOOL_JAVA_OPTS=-Xmx<size>, e.g. -Xmx%dm%n", e.getMessage(),
                    Runtime.getRuntime().maxMemory() >> 20, 2 * (Runtime.getRuntime().maxMemory() >> 20));
            verboseTrace(args, e);
            status = 1;
        } catch (StackOverflowError e) {
            System.err.printf("isptool: out of stack (the graph is deeper than the thread's stack allows); allow more"
                    + " with ISPTOOL_JAVA_OPTS=-Xss<size>, e.g. -Xss64m%n");
            verboseTrace(args, e);
            status = 1;
        } catch (Error e) {
            System.err.printf("isptool: internal error: %s (run again with --verbose for details, and please report"
                    + " it)%n", e);
            verboseTrace(args, e);
            status = 1;
        }
        System.exit(status);
    }

    private static void verboseTrace(String[] args, Throwable e) {
        if (java.util.Arrays.asList(args).contains("--verbose") || java.util.Arrays.asList(args).contains("-v")) {
            e.printStackTrace();
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"isptool " + (v == null ? "0.1.0" : v)};
        }
    }
}
