package isptool.cli;

import isptool.backends.quant.Progress;
import java.io.PrintWriter;

/**
 * Shows the quantizer's progress on stderr: a bar redrawn in place on a terminal, otherwise a line
 * when a phase starts, at most one every few seconds, and one when it ends (no flooding of logs).
 */
final class ProgressPrinter implements Progress {
    private static final long LINE_INTERVAL_NANOS = 5_000_000_000L;
    private static final int BAR = 30;

    private final PrintWriter err;
    private final boolean terminal;
    private String phase;
    private long lastLine;

    ProgressPrinter(PrintWriter err, boolean terminal) {
        this.err = err;
        this.terminal = terminal;
    }

    /** A printer for the real stderr: a bar when the process has a console. */
    static ProgressPrinter forStderr(PrintWriter err) {
        return new ProgressPrinter(err, System.console() != null);
    }

    @Override
    public void update(String phase, int done, int total) {
        boolean started = !phase.equals(this.phase);
        this.phase = phase;
        boolean finished = done >= total;
        long now = System.nanoTime();
        if (terminal) {
            int filled = total <= 0 ? BAR : (int) ((long) BAR * done / total);
            err.printf("\r  %-18s [%s%s] %d/%d", phase, "#".repeat(filled), ".".repeat(BAR - filled), done, total);
            if (finished) {
                err.println();
            }
        } else if (started || finished || now - lastLine >= LINE_INTERVAL_NANOS) {
            err.printf("  %s: %d/%d%n", phase, done, total);
            lastLine = now;
        }
        err.flush();
    }
}
