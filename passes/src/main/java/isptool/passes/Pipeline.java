package isptool.passes;

import isptool.graph.Graph;
import java.util.List;

/** A named list of passes run in order, round after round, until a round changes nothing. */
public final class Pipeline {
    private static final int MAX_ROUNDS = 100;

    private final String name;
    private final List<Pass> passes;

    public Pipeline(String name, List<Pass> passes) {
        this.name = name;
        this.passes = List.copyOf(passes);
    }

    public String name() {
        return name;
    }

    public List<Pass> passes() {
        return passes;
    }

    /** Runs to a fixed point; returns the number of rounds that changed the graph. */
    public int run(Graph g, PassReport report) {
        int rounds = 0;
        boolean changed = true;
        while (changed && rounds < MAX_ROUNDS) {
            changed = false;
            for (Pass p : passes) {
                if (p.run(g, report)) {
                    changed = true;
                    endRewrite(g, p.name());
                    g.removeUnused();
                    endRewrite(g, p.name() + " (unused nodes removed)");
                    g.topoSort();
                }
            }
            if (changed) {
                rounds++;
            }
        }
        return rounds;
    }

    private static void endRewrite(Graph g, String pass) {
        if (g.provenance() != null) {
            g.provenance().endRewrite(pass);
        }
    }
}
