package isptool.cli;

import isptool.backends.verify.NonFiniteValues;
import isptool.graph.Graph;
import isptool.graph.Node;
import isptool.graph.Value;
import java.util.ArrayList;
import java.util.List;

/**
 * Warnings for constants holding NaN or infinite values. Not an error: a model may carry -inf on
 * purpose (attention masks, a Max with -inf padding), but NaN or inf weights usually mean a broken
 * checkpoint, and the outputs computed from them will not be finite either.
 */
final class NonFiniteConstants {
    /** At most this many constants are listed one by one. */
    static final int LISTED = 10;

    private NonFiniteConstants() {
    }

    /** One line per constant with non-finite values (in name order), naming the nodes that read it. */
    static List<String> warnings(Graph g) {
        List<String> lines = new ArrayList<>();
        int more = 0;
        for (Value v : g.constants()) {
            NonFiniteValues bad = NonFiniteValues.of(v.constant());
            if (bad == null) {
                continue;
            }
            if (lines.size() == LISTED) {
                more++;
                continue;
            }
            lines.add("initializer \"" + v.name() + "\"" + readers(g, v) + " holds " + bad.describe()
                    + "; outputs computed from it will not be finite (check the checkpoint the model was exported"
                    + " from)");
        }
        if (more > 0) {
            lines.add("and " + more + " more initializers with NaN or infinite values");
        }
        return lines;
    }

    private static String readers(Graph g, Value v) {
        List<Node> users = g.consumers(v);
        if (users.isEmpty()) {
            return g.isGraphOutput(v) ? " (a graph output)" : "";
        }
        Node first = users.get(0);
        return " read by node \"" + first.name() + "\" (" + first.opType() + ")"
                + (users.size() > 1 ? " and " + (users.size() - 1) + " more" : "");
    }
}
