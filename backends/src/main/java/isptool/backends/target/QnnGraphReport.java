package isptool.backends.target;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * An emitted QNN graph checked against an HTP target, node by node. QNN runs a graph on the one
 * backend it was composed for, so the graph runs on the HTP only if every node does.
 */
public record QnnGraphReport(Target target, String graph, List<QnnNodeVerdict> nodes) {
    public boolean runs() {
        return nodes.stream().allMatch(QnnNodeVerdict::runs);
    }

    public List<QnnNodeVerdict> refused() {
        return nodes.stream().filter(v -> !v.runs()).toList();
    }

    public List<QnnNodeVerdict> cautioned() {
        return nodes.stream().filter(v -> !v.cautions().isEmpty()).toList();
    }

    /** Refused nodes counted by QNN op type. */
    public Map<String, Integer> refusedOps() {
        Map<String, Integer> r = new TreeMap<>();
        refused().forEach(v -> r.merge(v.type(), 1, Integer::sum));
        return r;
    }

    /** "runs on htp-v73 (38 nodes)" or "refused on htp-v68: 3 of 38 nodes (Sigmoid 1, Tanh 2)". */
    public String summary() {
        if (runs()) {
            return "runs on " + target.name() + " (" + nodes.size() + " nodes)";
        }
        StringBuilder s = new StringBuilder("refused on " + target.name() + ": " + refused().size() + " of "
                + nodes.size() + " nodes (");
        refusedOps().forEach((op, n) -> s.append(s.charAt(s.length() - 1) == '(' ? "" : ", ").append(op).append(' ')
                .append(n));
        return s.append(')').toString();
    }

    public Map<String, Object> toJson() {
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("target", target.name());
        j.put("graph", graph);
        j.put("runs", runs());
        j.put("refused_ops", refusedOps());
        j.put("nodes", nodes.stream().map(QnnNodeVerdict::toJson).toList());
        return j;
    }
}
