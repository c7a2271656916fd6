package isptool.backends.target;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import isptool.backends.quant.Precision;
import isptool.backends.tflite.TfliteModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every TFLite op isptool can emit has a row in the TFLite op table (kernel rank, integer form) and
 * in every target's rule table.
 */
class RuleCoverageTest {
    @TempDir
    Path dir;

    /** The ops the lowering and the quantizer name in their sources (BuiltinOperator.X). */
    static Set<String> opsInSources() throws IOException {
        Path main = Path.of(System.getProperty("isptool.root", "..")).resolve("backends/src/main/java/isptool/backends");
        Pattern use = Pattern.compile("BuiltinOperator\\.([A-Z0-9_]+)");
        Set<String> ops = new TreeSet<>();
        for (String pkg : List.of("tflite/lower", "quant")) {
            try (Stream<Path> files = Files.walk(main.resolve(pkg))) {
                for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                    Matcher m = use.matcher(Files.readString(f));
                    while (m.find()) {
                        ops.add(m.group(1));
                    }
                }
            }
        }
        ops.remove("PLACEHOLDER_FOR_GREATER_OP_CODES");
        return ops;
    }

    @Test
    void everyOpTheSourcesEmitHasARowForEveryTarget() throws IOException {
        Set<String> ops = opsInSources();
        assertTrue(ops.size() > 50, "found " + ops);
        assertEquals(List.of(), missing(ops));
    }

    @Test
    void everyOpOfTheConvertedTestdataHasARowForEveryTarget() throws IOException {
        Set<String> ops = new TreeSet<>();
        for (Precision p : Precision.values()) {
            for (String name : TestdataModels.names()) {
                TfliteModel m = TestdataModels.convert(name, p, dir);
                ops.addAll(m.opHistogram().keySet());
            }
        }
        assertTrue(ops.containsAll(List.of("CONV_2D", "QUANTIZE", "DEQUANTIZE")), ops.toString());
        assertEquals(List.of(), missing(ops));
    }

    private static List<String> missing(Set<String> ops) {
        List<String> r = new ArrayList<>();
        ops.stream().filter(op -> isptool.backends.tflite.TfliteOpTable.find(op) == null)
                .forEach(op -> r.add("TfliteOpTable: " + op));
        for (RuleTable t : TargetCheck.tables()) {
            ops.stream().filter(op -> !t.covers(op)).forEach(op -> r.add(t.name() + ": " + op));
        }
        return r;
    }
}
