package isptool.backends.html;

import isptool.graph.Graph;
import isptool.graph.Node;
import isptool.graph.Provenance;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The rewrites of a conversion as blocks: trained nodes → the nodes they became. Nodes of the
 * folded graph that share a trained node are one block (one fold made several nodes, or later
 * folds merged its results), so the blocks partition the trained nodes that passes touched.
 */
final class Folds {
    /** Trained nodes (by name) that became the result nodes (by name, ops in resultOps) through passes. */
    record Fold(Set<String> originals, List<String> results, String resultOps, List<String> passes) {
        /** Several trained nodes became these: a fold, drawn as a group (else a rewrite in place). */
        boolean isFold() {
            return originals.size() > 1;
        }
    }

    private Folds() {
    }

    /** The blocks of nodes that passes made or changed, in the folded graph's order. */
    static List<Fold> of(Graph folded, Provenance p) {
        List<Node> touched = folded.nodes().stream().filter(n -> !p.passes(n).isEmpty()).toList();
        int[] parent = new int[touched.size()];
        Map<String, Integer> firstWith = new HashMap<>();
        for (int i = 0; i < touched.size(); i++) {
            parent[i] = i;
            for (String o : p.origins(touched.get(i))) {
                Integer j = firstWith.putIfAbsent(o, i);
                if (j != null) {
                    parent[find(parent, i)] = find(parent, j);
                }
            }
        }
        Map<Integer, List<Node>> blocks = new LinkedHashMap<>();
        for (int i = 0; i < touched.size(); i++) {
            blocks.computeIfAbsent(find(parent, i), k -> new ArrayList<>()).add(touched.get(i));
        }
        List<Fold> folds = new ArrayList<>();
        for (List<Node> block : blocks.values()) {
            Set<String> originals = new TreeSet<>();
            Set<String> passes = new LinkedHashSet<>();
            Map<String, Integer> ops = new LinkedHashMap<>();
            for (Node n : block) {
                originals.addAll(p.origins(n));
                passes.addAll(p.passes(n));
                ops.merge(n.opType(), 1, Integer::sum);
            }
            List<String> opText = new ArrayList<>();
            ops.forEach((op, k) -> opText.add(k == 1 ? op : k + " " + op));
            folds.add(new Fold(originals, block.stream().map(Node::name).toList(), String.join(" + ", opText),
                    List.copyOf(passes)));
        }
        return folds;
    }

    private static int find(int[] parent, int i) {
        while (parent[i] != i) {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        return i;
    }
}
