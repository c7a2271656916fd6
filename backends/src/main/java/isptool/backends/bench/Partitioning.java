package isptool.backends.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * TFLite's partition line: {@code Replacing N out of M node(s) with delegate (KERNEL) node,
 * yielding P partitions for subgraph S.} (older: {@code Replacing N node(s) ...}, without the total
 * and subgraph). Missing parts are null. The host bench fills it from the interpreter's
 * execution plan, without a partition count.
 */
public record Partitioning(int replacedNodes, Integer totalNodes, String kernel, Integer partitions, Integer subgraph) {
    /** Whether every node of the graph was replaced, when the total is known. */
    public Boolean complete() {
        return totalNodes == null ? null : replacedNodes == totalNodes;
    }

    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("replaced_nodes", replacedNodes);
        m.put("total_nodes", totalNodes);
        m.put("kernel", kernel);
        m.put("partitions", partitions);
        m.put("subgraph", subgraph);
        return m;
    }
}
