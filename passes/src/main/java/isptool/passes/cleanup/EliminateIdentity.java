package isptool.passes.cleanup;

import isptool.graph.Graph;
import isptool.graph.Node;
import isptool.graph.Value;
import isptool.passes.OpRewrite;
import isptool.passes.PassReport;
import isptool.passes.Patterns;

/**
 * Removes Identity and inference-mode Dropout.
 * Before: x -> Identity -> y.  After: x (readers of y read x).
 * Refuses when y is a graph output that x cannot take the name of (x is a graph input or output).
 */
public final class EliminateIdentity extends OpRewrite {
    public EliminateIdentity() {
        super("Identity", "Dropout");
    }

    @Override
    protected boolean rewrite(Graph g, Node n, PassReport report) {
        if (n.input(0) == null) {
            return false;
        }
        if (n.is("Dropout") && (n.getInt("training_mode", 0) != 0 || n.input(2) != null
                || !Patterns.onlyFirstOutputUsed(g, n))) {
            return false;
        }
        Value in = n.input(0);
        Value out = n.output(0);
        if (g.isGraphOutput(out) && (in.producer() == null || g.isGraphOutput(in) || g.isGraphInput(in))) {
            return false;
        }
        g.removeNode(n);
        g.replaceAllUses(out, in);
        report.applied(name(), n.name(), "removed");
        return true;
    }
}
