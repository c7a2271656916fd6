package isptool.backends.qnn;

import java.util.Collection;
import java.util.Locale;
import java.util.Map;

/**
 * The JSON text of the QNN files (net json, encodings): maps, lists, strings, numbers, booleans;
 * lists of numbers on one line. Doubles are written with the shortest text that reads back
 * exactly (floats stored as floats read back to the same float).
 */
final class QnnJson {
    private QnnJson() {
    }

    static String write(Object v) {
        StringBuilder b = new StringBuilder();
        value(b, v, 0);
        return b.append('\n').toString();
    }

    private static void value(StringBuilder b, Object v, int depth) {
        if (v == null) {
            b.append("null");
        } else if (v instanceof Map<?, ?> m) {
            b.append('{');
            String sep = "\n";
            for (Map.Entry<?, ?> e : m.entrySet()) {
                b.append(sep).append("  ".repeat(depth + 1));
                string(b, e.getKey().toString());
                b.append(": ");
                value(b, e.getValue(), depth + 1);
                sep = ",\n";
            }
            b.append(m.isEmpty() ? "}" : "\n" + "  ".repeat(depth) + "}");
        } else if (v instanceof Collection<?> c) {
            boolean flat = c.stream().allMatch(x -> x instanceof Number || x instanceof String || x instanceof Boolean);
            b.append('[');
            String sep = flat ? "" : "\n";
            for (Object x : c) {
                b.append(sep);
                if (!flat) {
                    b.append("  ".repeat(depth + 1));
                }
                value(b, x, depth + 1);
                sep = flat ? ", " : ",\n";
            }
            b.append(flat || c.isEmpty() ? "]" : "\n" + "  ".repeat(depth) + "]");
        } else if (v instanceof String s) {
            string(b, s);
        } else if (v instanceof Float f) {
            b.append(Float.isFinite(f) ? Float.toString(f) : "null");
        } else if (v instanceof Double d) {
            b.append(Double.isFinite(d) ? Double.toString(d) : "null");
        } else {
            b.append(v.toString().toLowerCase(Locale.ROOT));
        }
    }

    private static void string(StringBuilder b, String s) {
        b.append('"');
        for (char ch : s.toCharArray()) {
            switch (ch) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\t' -> b.append("\\t");
                case '\r' -> b.append("\\r");
                default -> {
                    if (ch < 0x20) {
                        b.append(String.format("\\u%04x", (int) ch));
                    } else {
                        b.append(ch);
                    }
                }
            }
        }
        b.append('"');
    }
}
