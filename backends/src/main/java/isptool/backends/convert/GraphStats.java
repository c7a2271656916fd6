package isptool.backends.convert;

import isptool.graph.Graph;
import java.util.LinkedHashMap;
import java.util.Map;

/** Node and op counts of a graph at one point of a command. */
public record GraphStats(int nodes, int convs, Map<String, Integer> histogram) {
    public static GraphStats of(Graph g) {
        return new GraphStats(g.nodeCount(), g.count("Conv"), g.opHistogram());
    }

    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("nodes", nodes);
        m.put("convs", convs);
        m.put("ops", histogram);
        return m;
    }
}
