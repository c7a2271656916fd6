package isptool.backends.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What became of one delegate: the graph runs on it fully, partially (with {@code kernels}
 * delegate kernels, the rest on the CPU), not at all, or the delegate failed to apply.
 * {@code kernels} is null when the tool does not say.
 */
public record DelegateOutcome(String delegate, Kind kind, Integer kernels) {
    public enum Kind { FULL, PARTIAL, NONE, FAILED }

    /** A word for tables: {@code full}, {@code partial (3 kernels)}, {@code none}, {@code failed}. */
    public String describe() {
        return switch (kind) {
            case FULL -> "full";
            case PARTIAL -> kernels == null ? "partial" : "partial (" + kernels + " kernels)";
            case NONE -> "none";
            case FAILED -> "failed";
        };
    }

    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("delegate", delegate);
        m.put("outcome", kind.name().toLowerCase(java.util.Locale.ROOT));
        m.put("kernels", kernels);
        return m;
    }
}
