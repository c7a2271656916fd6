package isptool.backends.target;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Why a target does not run an operator, in the rule's words, and where the rule comes from. */
public record Refusal(String reason, String source) {
    /** Refusals in one line: "reason [source]; reason [source]". */
    public static String inLine(List<Refusal> refusals) {
        return String.join("; ", refusals.stream().map(r -> r.reason() + " [" + r.source() + "]").toList());
    }

    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("reason", reason);
        m.put("source", source);
        return m;
    }
}
