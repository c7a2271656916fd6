package isptool.backends.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One row of a bench: where it ran ({@code host}, or a device serial), with which delegate
 * ({@code xnnpack}, {@code cpu}, {@code gpu}, {@code nnapi:NAME}, ...), and what it measured.
 */
public record BenchRun(String target, String delegate, BenchResult result) {
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("target", target);
        m.put("delegate", delegate);
        m.putAll(result.toJson());
        return m;
    }
}
