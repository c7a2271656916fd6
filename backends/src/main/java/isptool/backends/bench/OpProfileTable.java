package isptool.backends.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * benchmark_model's per-op profile ({@code --enable_op_profiling=true}), as a text table in the
 * log or as the CSV file of {@code --op_profiling_output_mode=csv}. Only the Run Order section of
 * the regular runs is read (Top by Computation Time repeats the same rows sorted). Columns are
 * found by the header ({@code [node type] [first] [avg ms] [%] [cdf%] [mem KB] [times called]
 * [Name]}, older tools add {@code [start]}), so both layouts read the same.
 */
final class OpProfileTable {
    private String section;
    private boolean inRunOrder;
    private boolean done;
    private int[] columns;
    private final List<OpProfileRow> rows = new ArrayList<>();

    /** Feeds one log line (level prefix removed); true when the line belonged to the table. */
    boolean accept(String line) {
        String t = line.strip();
        if (t.contains("Profiling Info for")) {
            section = t;
            return true;
        }
        if (t.startsWith("====")) {
            inRunOrder = !done && t.contains("Run Order") && (section == null || section.contains("Regular"));
            columns = null;
            return true;
        }
        if (!inRunOrder) {
            return false;
        }
        if (t.isEmpty()) {
            if (columns != null && !rows.isEmpty()) {
                inRunOrder = false;
                done = true;
            }
            return true;
        }
        return row(splitTabs(line), true);
    }

    List<OpProfileRow> rows() {
        return List.copyOf(rows);
    }

    /**
     * The rows of a CSV profile file: the first block after its header line ({@code node type,
     * first, avg_ms, ...}); a second block (sorted by time) is skipped.
     */
    static List<OpProfileRow> parseCsv(String csv) {
        OpProfileTable t = new OpProfileTable();
        boolean seenRows = false;
        for (String line : (csv == null ? "" : csv).split("\\R")) {
            List<String> cells = splitCsv(line);
            if (isHeader(cells)) {
                if (seenRows) {
                    break;
                }
                t.columns = null;
            }
            try {
                seenRows |= t.row(cells, false) && t.columns != null && !t.rows.isEmpty();
            } catch (RuntimeException e) {
                // a malformed row is skipped
            }
        }
        return t.rows();
    }

    private static boolean isHeader(List<String> cells) {
        return !cells.isEmpty() && key(cells.get(0)).equals("node type");
    }

    private boolean row(List<String> cells, boolean text) {
        if (cells.isEmpty()) {
            return text;
        }
        if (isHeader(cells)) {
            columns = new int[9];
            java.util.Arrays.fill(columns, -1);
            for (int i = 0; i < cells.size(); i++) {
                int c = column(key(cells.get(i)));
                if (c >= 0) {
                    columns[c] = i;
                }
            }
            return true;
        }
        if (columns == null || columns[0] < 0 || columns[3] < 0) {
            return text && inRunOrder;
        }
        int nameAt = columns[8];
        String name = nameAt >= 0 && nameAt < cells.size()
                ? String.join(text ? "\t" : ",", cells.subList(nameAt, cells.size())) : "";
        Double avg = cell(cells, columns[3]);
        if (avg == null) {
            return text && inRunOrder;
        }
        rows.add(new OpProfileRow(cells.get(columns[0]).strip(), cell(cells, columns[1]), orZero(cell(cells, columns[2])), avg,
                orZero(cell(cells, columns[4])), orZero(cell(cells, columns[5])), orZero(cell(cells, columns[6])),
                (int) orZero(cell(cells, columns[7])), name));
        return true;
    }

    /** Column slots: 0 node type, 1 start, 2 first, 3 avg ms, 4 %, 5 cdf%, 6 mem KB, 7 times called, 8 name. */
    private static int column(String key) {
        return switch (key) {
            case "node type" -> 0;
            case "start" -> 1;
            case "first" -> 2;
            case "avg ms", "avg_ms" -> 3;
            case "%" -> 4;
            case "cdf%" -> 5;
            case "mem kb" -> 6;
            case "times called" -> 7;
            case "name" -> 8;
            default -> -1;
        };
    }

    private static String key(String cell) {
        String k = cell.strip();
        if (k.startsWith("[") && k.endsWith("]")) {
            k = k.substring(1, k.length() - 1);
        }
        return k.strip().toLowerCase(Locale.ROOT);
    }

    private static Double cell(List<String> cells, int at) {
        return at < 0 || at >= cells.size() ? null : BenchmarkModelParser.number(cells.get(at));
    }

    private static double orZero(Double d) {
        return d == null ? 0 : d;
    }

    private static List<String> splitTabs(String line) {
        List<String> r = new ArrayList<>();
        for (String c : line.split("\t")) {
            if (!c.isBlank()) {
                r.add(c.strip());
            }
        }
        return r;
    }

    private static List<String> splitCsv(String line) {
        List<String> r = new ArrayList<>();
        if (line.isBlank()) {
            return r;
        }
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (c == ',' && !quoted) {
                r.add(cur.toString().strip());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        r.add(cur.toString().strip());
        return r;
    }
}
