package isptool.passes.cleanup;

import isptool.graph.Graph;
import isptool.graph.eval.ConstantFolding;
import isptool.passes.Pass;
import isptool.passes.PassReport;

/**
 * Evaluates everything that depends only on constants (PyTorch's Shape/Gather/Slice/Concat
 * chains once input shapes are fixed, parameter arithmetic such as ECB's mask * scale, the index
 * tensors of border writes) and infers shapes, so the structural passes see constant weights.
 * Results larger than {@link #MAX_ELEMENTS} elements are left to run time.
 */
public final class FoldConstants implements Pass {
    static final long MAX_ELEMENTS = 1L << 24;

    @Override
    public boolean run(Graph g, PassReport report) {
        int before = g.nodeCount();
        ConstantFolding.foldAndInfer(g, MAX_ELEMENTS);
        int folded = before - g.nodeCount();
        if (folded > 0) {
            report.applied(name(), g.name(), folded + " constant nodes evaluated");
        }
        return folded > 0;
    }
}
