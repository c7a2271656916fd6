package isptool.backends.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One row of benchmark_model's per-op profile ({@code --enable_op_profiling}), from the text
 * table's Run Order section or the CSV file: node type, start (older tools only, else null),
 * first and average time in ms, share and cumulative share in percent, memory in KB, times
 * called, and the node's name.
 */
public record OpProfileRow(String nodeType, Double startMs, double firstMs, double avgMs, double percent,
        double cdfPercent, double memKb, int timesCalled, String name) {
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("node_type", nodeType);
        m.put("start_ms", startMs);
        m.put("first_ms", firstMs);
        m.put("avg_ms", avgMs);
        m.put("percent", percent);
        m.put("cdf_percent", cdfPercent);
        m.put("mem_kb", memKb);
        m.put("times_called", timesCalled);
        m.put("name", name);
        return m;
    }
}
