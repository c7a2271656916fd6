package isptool.graph.io;

import java.util.Collection;
import java.util.Map;

/**
 * The one JSON writer of the project (reports, the QNN files): maps, collections, strings, numbers,
 * booleans, null; non-finite numbers as null; doubles and floats with the shortest text that reads
 * back to the same value; control characters escaped. Lists one element per line, or with
 * {@link #writeFlatLists} lists of scalars on one line (long weight and scale arrays).
 */
public final class JsonText {
    private final boolean flatLists;

    private JsonText(boolean flatLists) {
        this.flatLists = flatLists;
    }

    public static String write(Object value) {
        return new JsonText(false).text(value);
    }

    /** As {@link #write}, with every list of numbers, strings or booleans on one line. */
    public static String writeFlatLists(Object value) {
        return new JsonText(true).text(value);
    }

    private String text(Object value) {
        StringBuilder b = new StringBuilder();
        write(b, value, 0);
        return b.append('\n').toString();
    }

    private void write(StringBuilder b, Object v, int indent) {
        if (v == null) {
            b.append("null");
        } else if (v instanceof Map<?, ?> m) {
            b.append('{');
            int i = 0;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                b.append(i++ == 0 ? "\n" : ",\n").append("  ".repeat(indent + 1));
                string(b, String.valueOf(e.getKey()));
                b.append(": ");
                write(b, e.getValue(), indent + 1);
            }
            b.append(m.isEmpty() ? "" : "\n" + "  ".repeat(indent)).append('}');
        } else if (v instanceof Collection<?> c && flatLists && c.stream().allMatch(JsonText::isScalar)) {
            b.append('[');
            int i = 0;
            for (Object o : c) {
                b.append(i++ == 0 ? "" : ", ");
                write(b, o, indent + 1);
            }
            b.append(']');
        } else if (v instanceof Collection<?> c) {
            b.append('[');
            int i = 0;
            for (Object o : c) {
                b.append(i++ == 0 ? "\n" : ",\n").append("  ".repeat(indent + 1));
                write(b, o, indent + 1);
            }
            b.append(c.isEmpty() ? "" : "\n" + "  ".repeat(indent)).append(']');
        } else if (v instanceof Double d) {
            b.append(d.isNaN() || d.isInfinite() ? "null" : d.toString());
        } else if (v instanceof Float f) {
            b.append(f.isNaN() || f.isInfinite() ? "null" : f.toString());
        } else if (v instanceof Number || v instanceof Boolean) {
            b.append(v);
        } else {
            string(b, v.toString());
        }
    }

    private static boolean isScalar(Object o) {
        return o instanceof Number || o instanceof String || o instanceof Boolean;
    }

    private static void string(StringBuilder b, String s) {
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\t' -> b.append("\\t");
                case '\r' -> b.append("\\r");
                default -> {
                    // C1 controls and the Unicode line separators too: the text may be printed to a terminal
                    if (Character.isISOControl(c) || c == 0x2028 || c == 0x2029) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        b.append('"');
    }
}
