package isptool.cli;

/**
 * Makes text from a model or the command line safe to print on one terminal line: names may hold
 * newlines or terminal escape sequences (ESC [31m turns the rest of the output red, ESC ]0;...
 * retitles the window). Every control character becomes a visible escape.
 */
final class Escapes {
    private Escapes() {
    }

    /** {@code "a\nb"} becomes {@code a\nb} with a backslash; ESC becomes {@code \x1b}; other text is kept. */
    static String visible(String s) {
        StringBuilder sb = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            String escape = escape(c);
            if (escape != null && sb == null) {
                sb = new StringBuilder(s.length() + 8).append(s, 0, i);
            }
            if (escape != null) {
                sb.append(escape);
            } else if (sb != null) {
                sb.append(c);
            }
        }
        return sb == null ? s : sb.toString();
    }

    /** The escape for a C0 or C1 control character or a Unicode line/paragraph separator, else null. */
    private static String escape(char c) {
        return switch (c) {
            case '\n' -> "\\n";
            case '\r' -> "\\r";
            case '\t' -> "\\t";
            case '\u2028', '\u2029' -> String.format("\\u%04x", (int) c);
            default -> Character.isISOControl(c) ? String.format("\\x%02x", (int) c) : null;
        };
    }
}
