package isptool.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import isptool.backends.verify.Verification;
import isptool.graph.ModelException;
import isptool.graph.io.AtomicFiles;
import isptool.graph.io.JsonText;
import isptool.passes.PassReport;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** How commands print what they did, and the same as JSON for --report. */
final class Reports {
    private Reports() {
    }

    static void printFolds(PrintWriter out, PassReport report) {
        Map<String, Integer> counts = report.appliedCounts();
        out.printf("  folds applied: %d%n", report.applied().size());
        counts.forEach((pass, n) -> {
            out.printf("    %s (%d)%n", pass, n);
            for (PassReport.Entry e : report.applied()) {
                if (e.pass().equals(pass)) {
                    out.printf("      node \"%s\": %s%n", e.node(), e.what());
                }
            }
        });
        List<PassReport.Entry> refused = report.refused();
        if (!refused.isEmpty()) {
            out.printf("  folds refused: %d%n", refused.size());
            for (PassReport.Entry e : refused) {
                out.printf("    %s: node \"%s\": %s%n", e.pass(), e.node(), e.what());
            }
        }
    }

    /** The target swaps: each applied and each refused, under the target's name. */
    static void printSwaps(PrintWriter out, String target, PassReport swaps) {
        out.printf("  target %s: swaps applied: %d%n", target, swaps.applied().size());
        for (PassReport.Entry e : swaps.applied()) {
            out.printf("    %s: node \"%s\": %s%n", e.pass(), e.node(), e.what());
        }
        if (!swaps.refused().isEmpty()) {
            out.printf("  target %s: swaps refused (the op stays): %d%n", target, swaps.refused().size());
            for (PassReport.Entry e : swaps.refused()) {
                out.printf("    %s: node \"%s\": %s%n", e.pass(), e.node(), e.what());
            }
        }
    }

    static void printVerification(PrintWriter out, Verification.Result r) {
        out.printf("  verify (%s): %s%n", r.inputDescription(), r.ok() ? "ok" : "MISMATCH");
        for (String line : r.lines()) {
            out.printf("    %s%n", line);
        }
    }

    /**
     * A JSON file read whole; a file that is not JSON or cannot be read fails with one line naming
     * it, ending with what to do (e.g. "give the file convert --report wrote").
     */
    static JsonNode readJson(Path file, String whatToDo) {
        try {
            return new ObjectMapper().readTree(Files.readString(file));
        } catch (JsonProcessingException e) {
            throw new ModelException(file + ": not JSON (" + e.getOriginalMessage() + "); " + whatToDo);
        } catch (IOException e) {
            throw new ModelException(file + ": cannot read: " + e.getMessage());
        }
    }

    static void writeJson(Path file, Map<String, Object> content) throws IOException {
        Map<String, Object> ordered = new LinkedHashMap<>();
        for (String k : List.of("command", "input", "output", "before", "after", "passes", "verification", "seconds", "memory")) {
            if (content.containsKey(k)) {
                ordered.put(k, content.get(k));
            }
        }
        content.forEach(ordered::putIfAbsent);
        byte[] bytes = JsonText.write(ordered).getBytes(StandardCharsets.UTF_8);
        AtomicFiles.write(file, o -> o.write(bytes));
    }

    static String size(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        if (bytes < 1024 * 1024) {
            return String.format("%.1f KB", bytes / 1024.0);
        }
        return String.format("%.1f MB", bytes / (1024.0 * 1024));
    }
}
