package isptool.passes;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** What the passes did: each fold applied and each fold refused, with its reason. */
public final class PassReport {
    /** A fold that was applied, or refused (reason set). */
    public record Entry(String pass, String node, String what) {
        @Override
        public String toString() {
            return pass + ": " + node + ": " + what;
        }
    }

    private final List<Entry> applied = new ArrayList<>();
    private final Set<Entry> refused = new LinkedHashSet<>();

    public void applied(String pass, String node, String what) {
        applied.add(new Entry(pass, node, what));
    }

    /** Records a refusal; the same refusal seen again in a later round is kept once. */
    public void refused(String pass, String node, String reason) {
        refused.add(new Entry(pass, node, reason));
    }

    public List<Entry> applied() {
        return Collections.unmodifiableList(applied);
    }

    public List<Entry> refused() {
        return List.copyOf(refused);
    }

    /** How many folds each pass applied, in the order passes first applied one. */
    public Map<String, Integer> appliedCounts() {
        Map<String, Integer> m = new LinkedHashMap<>();
        for (Entry e : applied) {
            m.merge(e.pass(), 1, Integer::sum);
        }
        return m;
    }

    /** As JSON: counts per pass, each applied and each refused entry (pass, node, what). */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("counts", appliedCounts());
        m.put("applied", entries(applied));
        m.put("refused", entries(refused));
        return m;
    }

    private static List<Object> entries(Iterable<Entry> list) {
        List<Object> r = new ArrayList<>();
        for (Entry e : list) {
            r.add(Map.of("pass", e.pass(), "node", e.node(), "what", e.what()));
        }
        return r;
    }
}
