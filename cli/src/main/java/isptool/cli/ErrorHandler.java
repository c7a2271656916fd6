package isptool.cli;

import isptool.graph.ModelException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import picocli.CommandLine;

/**
 * Turns failures into one line on stderr and an exit status: 2 for bad input, 1 for a bug.
 * The stack trace is printed only with --verbose.
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
            err.println("isptool: " + oneLine(t.getMessage()));
            status = Main.EXIT_BAD_INPUT;
        } else if (t instanceof NoSuchFileException nsf) {
            err.println("isptool: " + nsf.getFile() + ": no such file or folder");
            status = Main.EXIT_BAD_INPUT;
        } else if (t instanceof IOException) {
            err.println("isptool: " + oneLine(t.getMessage()));
            status = Main.EXIT_BAD_INPUT;
        } else {
            err.println("isptool: internal error: " + t + (verbose ? "" : " (run again with --verbose for details,"
                    + " and please report it)"));
            status = 1;
        }
        if (verbose) {
            t.printStackTrace(err);
        }
        err.flush();
        return status;
    }

    /**
     * Names read from a damaged model can hold line breaks and other control characters: they
     * are shown escaped, so that the error stays one line.
     */
    static String oneLine(String message) {
        StringBuilder b = new StringBuilder();
        String.valueOf(message).codePoints().forEach(c -> {
            if (Character.isISOControl(c)) {
                b.append(c == '\n' ? "\\n" : c == '\r' ? "\\r" : c == '\t' ? "\\t" : String.format("\\x%02x", c));
            } else {
                b.appendCodePoint(c);
            }
        });
        return b.toString();
    }

    static int onParameterError(CommandLine.ParameterException ex, String[] args) {
        CommandLine cl = ex.getCommandLine();
        cl.getErr().println("isptool: " + ex.getMessage() + " (see '" + cl.getCommandSpec().qualifiedName() + " --help')");
        cl.getErr().flush();
        return Main.EXIT_BAD_INPUT;
    }
}
