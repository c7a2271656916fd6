package isptool.backends.qnn;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * C identifiers for tensor and node names, as QNN converters make them (QNN.md sec. 1):
 * every character outside {@code [A-Za-z0-9_]} becomes {@code _}, a leading digit gets a
 * {@code _} prefix, and a name already taken gets {@code _2}, {@code _3}, ... The same string
 * is the tensor name, the .raw member stem and the BINVARSTART argument.
 */
final class QnnNames {
    private final Set<String> taken = new HashSet<>();
    private final Map<String, String> bySource = new HashMap<>();

    /** The identifier of a source tensor name, the same one each time it is asked for. */
    String tensor(String source) {
        return bySource.computeIfAbsent(source, this::fresh);
    }

    /** A new identifier derived from text (node names, param tensors, inserted tensors). */
    String fresh(String text) {
        String base = sanitise(text);
        String name = base;
        for (int k = 2; !taken.add(name); k++) {
            name = base + "_" + k;
        }
        return name;
    }

    /**
     * A new node name from text such that {@code <name>_<suffix>} is also free for every suffix
     * (the names of its param tensors in NAME.cpp); all of them are taken.
     */
    String freshNode(String text, java.util.List<String> suffixes) {
        String base = sanitise(text);
        for (int k = 1; ; k++) {
            String name = k == 1 ? base : base + "_" + k;
            if (!taken.contains(name) && suffixes.stream().noneMatch(s -> taken.contains(name + "_" + s))) {
                taken.add(name);
                suffixes.forEach(s -> taken.add(name + "_" + s));
                return name;
            }
        }
    }

    static String sanitise(String text) {
        StringBuilder b = new StringBuilder();
        for (char c : text.toCharArray()) {
            b.append(c < 128 && (Character.isLetterOrDigit(c) || c == '_') ? c : '_');
        }
        if (b.length() == 0 || Character.isDigit(b.charAt(0))) {
            b.insert(0, '_');
        }
        return b.toString();
    }
}
