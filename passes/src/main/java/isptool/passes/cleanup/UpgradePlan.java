package isptool.passes.cleanup;

import isptool.graph.Graph;
import isptool.graph.Node;
import isptool.graph.Shape;
import isptool.graph.Tensor;
import isptool.graph.Value;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The rewrites that take one graph to opset 7, collected node by node before anything changes, so
 * that a single refusal leaves the whole graph as it was.
 */
final class UpgradePlan {
    final Graph g;
    final LegacyRanks ranks;
    private final List<Runnable> edits = new ArrayList<>();
    private final Map<Node, String> refusals = new LinkedHashMap<>();
    private final Map<String, Integer> changes = new LinkedHashMap<>();

    UpgradePlan(Graph g) {
        this.g = g;
        this.ranks = LegacyRanks.of(g);
    }

    /** Plans a rewrite of n; what says it in a few words, for the report. */
    void edit(Node n, String what, Runnable rewrite) {
        edits.add(rewrite);
        changes.merge(n.opType() + ": " + what, 1, Integer::sum);
    }

    /** Plans removing attributes that the node's op no longer has at the target version. */
    void drop(Node n, String what, String... attrs) {
        edit(n, what, () -> {
            for (String a : attrs) {
                n.remove(a);
            }
        });
    }

    void refuse(Node n, String why) {
        refusals.putIfAbsent(n, why);
    }

    Map<Node, String> refusals() {
        return refusals;
    }

    /** "Add: legacy broadcast -> numpy (x3); ..." */
    String summary() {
        List<String> parts = new ArrayList<>();
        for (Map.Entry<String, Integer> e : changes.entrySet()) {
            parts.add(e.getKey() + (e.getValue() > 1 ? " (x" + e.getValue() + ")" : ""));
        }
        return parts.isEmpty() ? "every node is valid at opset 7 as it is" : String.join("; ", parts);
    }

    void apply() {
        for (Runnable r : edits) {
            r.run();
        }
    }

    int rank(Value v) {
        return ranks.rank(v);
    }

    /**
     * Plans giving input i of n (value v, of rank r) `ones` trailing axes of size 1, so that numpy
     * broadcasting (aligned from the right) lines it up where the legacy rule put it: a constant
     * is reshaped (into a new constant, as others may read the old one), a computed value gets an
     * Unsqueeze.
     */
    void appendOnes(Node n, int i, Value v, int r, int ones, String what) {
        Tensor t = v.constant();
        edit(n, what, () -> {
            Value aligned;
            if (t != null) {
                long[] dims = Arrays.copyOf(t.shape(), r + ones);
                Arrays.fill(dims, r, r + ones, 1);
                aligned = g.addConstant(v.name() + "_aligned", t.reshape(dims));
            } else {
                long[] axes = new long[ones];
                for (int k = 0; k < ones; k++) {
                    axes[k] = r + k;
                }
                long[] dims = new long[r + ones];
                Arrays.fill(dims, 0, r, -1);
                if (v.shape() != null) {
                    System.arraycopy(v.shape().dims(), 0, dims, 0, r);
                }
                Arrays.fill(dims, r, r + ones, 1);
                aligned = g.newValue(v.name() + "_aligned", v.dtype(), Shape.of(dims));
                g.addNode("Unsqueeze", n.name() + "_align", List.of(v), List.of(aligned)).set("axes", axes);
            }
            g.setInput(n, i, aligned);
        });
    }

    /** A plan step replacing input i of n by a new constant. */
    void setConstantInput(Node n, int i, String hint, Tensor t, String what) {
        edit(n, what, () -> g.setInput(n, i, g.addConstant(hint, t)));
    }
}
