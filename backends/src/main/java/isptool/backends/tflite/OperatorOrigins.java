package isptool.backends.tflite;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The ONNX node each operator of a TFLite model came from, as convert stores it in the model:
 * a metadata entry named {@value #METADATA_NAME} whose buffer is UTF-8 text with one line per
 * operator of subgraph 0, in operator order. A line is empty where no node is known (a boundary
 * TRANSPOSE), else {@code =} and the node name with {@code \} written {@code \\} and a line
 * break {@code \n}, so any name (also an empty one) survives.
 *
 * <p>The mapping lets tools that only see the .tflite ({@code bench --profile-ops}, {@code check})
 * name the ONNX node behind an operator. The interpreter ignores metadata it does not know.
 */
public final class OperatorOrigins {
    public static final String METADATA_NAME = "isptool_onnx_nodes";

    private OperatorOrigins() {
    }

    /** The buffer for these origins (one per operator), or null when none is known. */
    static byte[] encode(List<String> origins) {
        if (origins.stream().allMatch(o -> o == null)) {
            return null;
        }
        StringBuilder sb = new StringBuilder();
        for (String o : origins) {
            if (o != null) {
                sb.append('=').append(o.replace("\\", "\\\\").replace("\n", "\\n"));
            }
            sb.append('\n');
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The origins in data, for a model of operatorCount operators; an empty list when the data does
     * not hold exactly that many lines of this form (a foreign or damaged entry is not trusted).
     */
    static List<String> decode(ByteBuffer data, int operatorCount) {
        byte[] bytes = new byte[data.remaining()];
        data.duplicate().get(bytes);
        String text = new String(bytes, StandardCharsets.UTF_8);
        if (!text.endsWith("\n")) {
            return List.of();
        }
        String[] lines = text.substring(0, text.length() - 1).split("\n", -1);
        if (lines.length != operatorCount) {
            return List.of();
        }
        List<String> r = new ArrayList<>(lines.length);
        for (String line : lines) {
            if (line.isEmpty()) {
                r.add(null);
            } else if (line.charAt(0) == '=') {
                r.add(unescape(line.substring(1)));
            } else {
                return List.of();
            }
        }
        return Collections.unmodifiableList(r);
    }

    private static String unescape(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                char n = s.charAt(++i);
                sb.append(n == 'n' ? '\n' : n);
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
