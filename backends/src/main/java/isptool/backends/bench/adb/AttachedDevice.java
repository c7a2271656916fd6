package isptool.backends.bench.adb;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One row of {@code adb devices -l}: serial, state and the product/model/device properties the
 * device's banner announced (absent for unauthorized or offline devices).
 *
 * @param state {@code device}, {@code unauthorized}, {@code offline}, {@code no permissions},
 *     {@code authorizing}, {@code connecting}, {@code recovery}, ...
 * @param detail the rest of a {@code no permissions (...)} state, else empty
 */
public record AttachedDevice(String serial, String state, String detail, Map<String, String> properties) {
    public static final String READY = "device";

    public boolean ready() {
        return READY.equals(state);
    }

    public String model() {
        return properties.getOrDefault("model", "");
    }

    /**
     * Parses {@code adb devices -l}: a header line, then {@code SERIAL STATE key:value...}; the
     * state {@code no permissions (...); see [URL]} contains blanks, every other state is one word.
     */
    public static List<AttachedDevice> parseList(String text) {
        List<AttachedDevice> devices = new ArrayList<>();
        for (String line : text.split("\\R")) {
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("List of devices") || trimmed.startsWith("* ")
                    || trimmed.startsWith("adb server")) {
                continue;
            }
            String[] head = trimmed.split("\\s+", 2);
            if (head.length < 2) {
                continue;
            }
            String rest = head[1];
            String state;
            String detail = "";
            if (rest.startsWith("no permissions")) {
                state = "no permissions";
                int see = rest.indexOf("; see [");
                int end = see >= 0 ? rest.indexOf(']', see) + 1 : rest.length();
                detail = rest.substring("no permissions".length(), see >= 0 ? see : end).strip();
                rest = rest.substring(end);
            } else {
                String[] parts = rest.split("\\s+", 2);
                state = parts[0];
                rest = parts.length > 1 ? parts[1] : "";
            }
            Map<String, String> props = new HashMap<>();
            for (String token : rest.strip().split("\\s+")) {
                int colon = token.indexOf(':');
                if (colon > 0) {
                    props.put(token.substring(0, colon), token.substring(colon + 1));
                }
            }
            devices.add(new AttachedDevice(head[0], state, detail, Map.copyOf(props)));
        }
        return devices;
    }
}
