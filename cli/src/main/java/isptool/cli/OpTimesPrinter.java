package isptool.cli;

import isptool.backends.bench.BenchRun;
import isptool.backends.bench.OpProfileRow;
import isptool.backends.bench.OpTimes;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;

/**
 * {@code bench --profile-ops}: per run, the slowest ops (with the ONNX node each came from when the
 * model carries that mapping) and the time by op type.
 */
final class OpTimesPrinter {
    static final int TOP = 10;

    private OpTimesPrinter() {
    }

    static void print(PrintWriter out, List<BenchRun> runs) {
        for (BenchRun r : runs) {
            OpTimes t = new OpTimes(r.result().ops());
            if (t.isEmpty()) {
                out.printf("  ops of %s/%s: benchmark_model printed no op profile%n", r.target(), r.delegate());
                continue;
            }
            out.printf(Locale.ROOT, "  ops of %s/%s: %d ops, %s ms per run in all; slowest:%n", r.target(), r.delegate(),
                    t.opCount(), BenchTable.ms(t.totalMs()));
            for (OpProfileRow op : t.slowest(TOP)) {
                out.printf(Locale.ROOT, "    %-18s %9s ms %6.1f%%  %s%s%n", op.nodeType(), BenchTable.ms(op.avgMs()),
                        t.share(op.avgMs()), Escapes.visible(op.name()),
                        op.onnxNode() == null ? "" : "  (ONNX node " + Escapes.visible(op.onnxNode()) + ")");
            }
            out.println("    by op type:");
            for (OpTimes.TypeTotal type : t.byType()) {
                out.printf(Locale.ROOT, "    %-18s %9s ms %6.1f%%  %d op%s%n", type.nodeType(), BenchTable.ms(type.avgMs()),
                        type.percent(), type.ops(), type.ops() == 1 ? "" : "s");
            }
        }
    }
}
