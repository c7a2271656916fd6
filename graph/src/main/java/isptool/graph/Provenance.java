package isptool.graph;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which nodes of the graph as it was when tracking started (the graph as loaded) each node stands
 * for after rewrites, and which passes made it. The graph reports every node it adds or removes and
 * every node rewritten in place (an attribute set or removed, a constant input replaced); a pass
 * closes each rewrite with {@link #endRewrite} (OpRewrite after each match, Pipeline after each
 * pass). A rewrite's resulting nodes (added, or rewritten in place) stand for everything its
 * removed nodes stood for, plus what they stood for themselves; removed nodes with no result are
 * {@link #dropped}. Rewiring a consumer to a rewrite's output does not make it a result.
 *
 * <p>Exact at rewrite granularity: when one rewrite adds several nodes, each stands for all the
 * nodes the rewrite removed.
 */
public final class Provenance {
    private final Map<Node, Set<String>> origins = new IdentityHashMap<>();
    private final Map<Node, Set<String>> passes = new IdentityHashMap<>();
    private final Map<String, String> dropped = new LinkedHashMap<>();
    private final Set<Node> added = Collections.newSetFromMap(new IdentityHashMap<>());
    private final Set<Node> removed = Collections.newSetFromMap(new IdentityHashMap<>());
    private final Set<Node> changed = Collections.newSetFromMap(new IdentityHashMap<>());

    Provenance(Graph g) {
        for (Node n : g.nodes()) {
            origins.put(n, new TreeSet<>(Set.of(n.name())));
        }
    }

    void added(Node n) {
        added.add(n);
    }

    void removed(Node n) {
        if (!added.remove(n)) {
            changed.remove(n);
            removed.add(n);
        }
    }

    void changed(Node n) {
        if (!added.contains(n) && !removed.contains(n)) {
            changed.add(n);
        }
    }

    /** Closes the rewrite in progress, made by the named pass (nothing happens if it changed nothing). */
    public void endRewrite(String pass) {
        if (added.isEmpty() && removed.isEmpty() && changed.isEmpty()) {
            return;
        }
        Set<String> replaced = new TreeSet<>();
        Set<String> via = new LinkedHashSet<>();
        for (Node r : removed) {
            replaced.addAll(origins.getOrDefault(r, Set.of()));
            via.addAll(passes.getOrDefault(r, Set.of()));
            origins.remove(r);
            passes.remove(r);
        }
        via.add(pass);
        List<Node> results = new ArrayList<>(added);
        results.addAll(changed);
        if (results.isEmpty()) {
            replaced.forEach(o -> dropped.put(o, pass));
        }
        for (Node n : results) {
            origins.computeIfAbsent(n, k -> new TreeSet<>()).addAll(replaced);
            passes.computeIfAbsent(n, k -> new LinkedHashSet<>()).addAll(via);
        }
        added.clear();
        removed.clear();
        changed.clear();
    }

    /** The names of the tracked graph's nodes that n stands for (empty for a node made from nothing). */
    public Set<String> origins(Node n) {
        return Collections.unmodifiableSet(origins.getOrDefault(n, Set.of()));
    }

    /** The passes that made or rewrote n, in the order they did (empty for a node left as it was). */
    public List<String> passes(Node n) {
        return List.copyOf(passes.getOrDefault(n, Set.of()));
    }

    /** Nodes of the tracked graph removed with nothing in their place (an Identity...), and the pass. */
    public Map<String, String> dropped() {
        return Collections.unmodifiableMap(dropped);
    }
}
