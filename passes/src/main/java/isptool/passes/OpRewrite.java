package isptool.passes;

import isptool.graph.Graph;
import isptool.graph.Node;
import java.util.Set;

/**
 * A pass that looks at every node of the given op types, in graph order, and may rewrite around
 * it. Subclasses state what they match ({@link #rewrite}) and nothing else.
 */
public abstract class OpRewrite implements Pass {
    private final Set<String> ops;

    protected OpRewrite(String... ops) {
        this.ops = Set.of(ops);
    }

    /** Rewrites around n if the pattern matches and the rewrite is exact; true if it changed the graph. */
    protected abstract boolean rewrite(Graph g, Node n, PassReport report);

    @Override
    public final boolean run(Graph g, PassReport report) {
        boolean changed = false;
        for (Node n : g.visit()) {
            if (g.contains(n) && n.domain().isEmpty() && ops.contains(n.opType())) {
                changed |= rewrite(g, n, report);
                if (g.provenance() != null) {
                    g.provenance().endRewrite(name()); // one match, one rewrite
                }
            }
        }
        return changed;
    }
}
