package isptool.passes;

import isptool.graph.Graph;

/** One graph rewrite. {@link #run} applies it everywhere it matches and says whether anything changed. */
public interface Pass {
    /** The pass's name in reports, e.g. "FoldBatchNormIntoConv". */
    default String name() {
        return getClass().getSimpleName();
    }

    boolean run(Graph g, PassReport report);
}
