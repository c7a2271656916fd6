package isptool.passes.cleanup;

import isptool.graph.Graph;
import isptool.graph.Node;
import isptool.graph.Shape;
import isptool.graph.Tensor;
import isptool.graph.Value;
import isptool.passes.OpRewrite;
import isptool.passes.PassReport;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a tensor sequence that is only split and indexed back into a plain Split
 * (torch.export writes {@code x.chunk(2, dim=1)} this way; no accelerator has sequences).
 * Before: SplitToSequence(x, split, axis) -> SequenceAt(s, 0), SequenceAt(s, 1), ...
 * After:  Split(x, split, axis) with one output per piece, each SequenceAt's value an output.
 * Applies when split is a constant (piece size or sizes), x's size on the axis is known, and
 * every reader of the sequence is a SequenceAt with a constant index.
 */
public final class SequenceToSplit extends OpRewrite {
    public SequenceToSplit() {
        super("SplitToSequence");
    }

    @Override
    protected boolean rewrite(Graph g, Node seq, PassReport report) {
        Value x = seq.input(0);
        Tensor split = seq.input(1) == null ? null : seq.input(1).constant();
        Shape s = x.shape();
        if (split == null || s == null || g.isGraphOutput(seq.output(0))) {
            return false;
        }
        int axis = (int) seq.getInt("axis", 0);
        axis = axis < 0 ? axis + s.rank() : axis;
        long size = s.dim(axis);
        long[] sizes = pieces(split, size);
        if (sizes == null) {
            return false;
        }
        List<Node> readers = g.consumers(seq.output(0));
        for (Node r : readers) {
            if (!r.is("SequenceAt") || r.input(1) == null || !r.input(1).isConstant() || r.input(0) != seq.output(0)) {
                return false;
            }
        }
        List<Value> outs = new ArrayList<>();
        for (int i = 0; i < sizes.length; i++) {
            outs.add(g.newValue(seq.name() + "_" + i, x.dtype(), s.withDim(axis, sizes[i])));
        }
        List<Value> ins = new ArrayList<>(List.of(x));
        boolean splitAsInput = g.opset() >= 13;
        if (splitAsInput) {
            ins.add(g.addConstant(seq.name() + "_sizes", Tensor.ofLongs(new long[] {sizes.length}, sizes)));
        }
        g.removeNode(seq);
        Node split2 = g.addNode("Split", seq.name(), ins, outs);
        split2.set("axis", (long) axis);
        if (!splitAsInput) {
            split2.set("split", sizes);
        }
        for (Node r : readers) {
            long i = r.input(1).constant().getLong(0);
            int k = (int) (i < 0 ? i + sizes.length : i);
            g.removeNode(r);
            g.replaceAllUses(r.output(0), outs.get(k));
        }
        report.applied(name(), seq.name(), "sequence of " + sizes.length + " pieces as a Split");
        return true;
    }

    /** Piece sizes from a scalar chunk size or a list of sizes; null if they do not cover the axis. */
    private static long[] pieces(Tensor split, long size) {
        if (size < 0) {
            return null;
        }
        if (split.rank() == 0) {
            long chunk = split.getLong(0);
            if (chunk <= 0) {
                return null;
            }
            int n = (int) ((size + chunk - 1) / chunk);
            long[] r = new long[n];
            for (int i = 0; i < n; i++) {
                r[i] = Math.min(chunk, size - i * chunk);
            }
            return r;
        }
        long[] r = split.toLongs();
        long total = 0;
        for (long v : r) {
            total += v;
        }
        return total == size ? r : null;
    }
}
