package isptool.cli;

import isptool.backends.bench.adb.DeviceException;
import isptool.graph.ModelException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import picocli.CommandLine;

/**
 * Turns failures into one line on stderr and an exit status: 2 for bad input, 4 for a device or
 * adb failure, 1 for a bug.
 * The stack trace is printed only with --verbose. Control characters in a message (newlines and
 * terminal escapes in model names, paths or arguments) are printed as visible escapes, so an
 * error is always one harmless line.
 */
final class ErrorHandler implements CommandLine.IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(Exception ex, CommandLine cl, CommandLine.ParseResult parsed) {
        PrintWriter err = cl.getErr();
        boolean verbose = parsed.subcommands().stream().anyMatch(p -> p.hasMatchedOption("--verbose"))
                || parsed.hasMatchedOption("--verbose");
        Throwable t = ex instanceof UncheckedIOException u ? u.getCause() : ex;
        int status;
        if (t instanceof ModelException) {
            err.println(line(t.getMessage()));
            status = Main.EXIT_BAD_INPUT;
        } else if (t instanceof DeviceException) {
            err.println(line(t.getMessage()));
            status = Main.EXIT_DEVICE;
        } else if (t instanceof NoSuchFileException nsf) {
            err.println(line(nsf.getFile() + ": no such file or folder"));
            status = Main.EXIT_BAD_INPUT;
        } else if (t instanceof IOException) {
            err.println(line(t.getMessage()));
            status = Main.EXIT_BAD_INPUT;
        } else {
            err.println(line("internal error: " + t) + (verbose ? "" : " (run again with --verbose for details,"
                    + " and please report it)"));
            status = 1;
        }
        if (verbose) {
            t.printStackTrace(err);
        }
        err.flush();
        return status;
    }

    static int onParameterError(CommandLine.ParameterException ex, String[] args) {
        CommandLine cl = ex.getCommandLine();
        cl.getErr().println(line(ex.getMessage()) + " (see '" + cl.getCommandSpec().qualifiedName() + " --help')");
        cl.getErr().flush();
        return Main.EXIT_BAD_INPUT;
    }

    /** {@code isptool: message}, on one line whatever the message holds. */
    static String line(String message) {
        return "isptool: " + Escapes.visible(String.valueOf(message));
    }
}
