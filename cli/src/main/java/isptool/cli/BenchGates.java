package isptool.cli;

import isptool.backends.bench.BenchRun;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** bench's CI gates (exit 5): a median above --max-latency-ms, then any CPU fallback under --require-full-delegation. */
record BenchGates(Path model, Double maxLatencyMs, boolean requireFullDelegation) {
    /** The first failed gate as the line to print; null when all pass. */
    String failure(List<BenchRun> rows) {
        String latency = latency(rows);
        return latency != null || !requireFullDelegation ? latency : delegation(rows);
    }

    private String latency(List<BenchRun> rows) {
        if (maxLatencyMs == null) {
            return null;
        }
        for (BenchRun r : rows) {
            Double ms = r.result().typicalMs();
            if (ms != null && ms > maxLatencyMs) {
                return String.format(Locale.ROOT, "%s: median latency %s ms on %s/%s is above --max-latency-ms %s;"
                        + " make the model lighter or raise the limit", model, BenchTable.ms(ms), r.target(), r.delegate(),
                        new BigDecimal(Double.toString(maxLatencyMs)).stripTrailingZeros().toPlainString());
            }
        }
        return null;
    }

    /** The first delegated row that left nodes to the CPU (or was not applied). */
    private String delegation(List<BenchRun> rows) {
        for (BenchRun r : rows) {
            if (Boolean.TRUE.equals(r.result().cpuFallback())) {
                return model + ": " + r.target() + "/" + r.delegate() + " did not run fully on the delegate ("
                        + r.result().delegation() + ") and --require-full-delegation is set; see which ops"
                        + " fall back with --json, or drop the flag";
            }
        }
        return null;
    }
}
