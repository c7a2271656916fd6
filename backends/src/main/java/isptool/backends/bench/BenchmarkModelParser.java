package isptool.backends.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the merged stdout and stderr of TFLite's benchmark_model, of any era, into a {@link
 * BenchResult}. Lines may carry a logcat prefix ({@code I/tflite  ( 5395): } or {@code ...
 * I tflite  : }) and a level prefix ({@code INFO: }, {@code WARN: }, {@code WARNING: },
 * {@code ERROR: }, {@code VERBOSE: }, {@code FATAL: }); both are stripped. Lines it does not know
 * are ignored and it never throws: a log without timings gives a result that says so.
 */
public final class BenchmarkModelParser {
    private static final Pattern LOGCAT = Pattern.compile(
            "^(?:[VDIWEF]/tflite\\s*\\(\\s*\\d+\\):\\s?|.*?\\s[VDIWEF]\\s+tflite\\s*:\\s?)");
    private static final Pattern LEVEL = Pattern.compile("^(INFO|WARN|WARNING|ERROR|VERBOSE|FATAL):\\s?");
    private static final Pattern STAT_KEY = Pattern.compile("(count|first|curr|min|max|avg|std|p5|median|p95)=(\\S+?)(\\(all same\\))?(?=\\s|$)");
    private static final Pattern FLAG = Pattern.compile("^([A-Za-z][\\w ()/.-]*?)\\s*:\\s*\\[(.*)]$");
    private static final Pattern RUNNING = Pattern.compile("^Running benchmark for (?:at least )?(\\d+) iterations");
    private static final Pattern INIT_SESSION = Pattern.compile("^Initialized session in ([\\d.eE+-]+)ms\\.?$");
    private static final Pattern MODEL_SIZE = Pattern.compile("^The input model file size \\(MB\\): ([\\d.eE+-]+)");
    private static final Pattern SUMMARY = Pattern.compile("^(Average inference|Inference) timings in us: (.*)$");
    private static final Pattern FOOTPRINT = Pattern.compile(
            "^(Peak memory footprint|Memory footprint delta from the start of the tool) \\(MB\\): init=(\\S+) overall=(\\S+)");
    private static final Pattern PEAK = Pattern.compile("^Overall peak memory footprint \\(MB\\) via periodic monitoring: (\\S+)");
    private static final Pattern CREATED = Pattern.compile(
            "^(?:Created TensorFlow Lite (?:(\\S+) )?delegate for (\\S+?)\\.|(\\S+) delegate created\\.)$");
    private static final Pattern APPLIED = Pattern.compile("^(?:Explicitly applied|Applied) (\\S+) delegate, and the model"
            + " graph will be (completely|partially) executed (?:by|w/) the delegate(?: w/ (\\d+) delegate kernels)?");
    private static final Pattern NOT_APPLIED = Pattern.compile(
            "^Though (\\S+) delegate is explicitly applied, the model graph will not be executed by the delegate");
    private static final Pattern FAILED_APPLY = Pattern.compile("^Failed to apply (\\S+) delegate");
    private static final Pattern REPLACING = Pattern.compile("^Replacing (\\d+) (?:out of (\\d+) )?node\\(s\\) with"
            + " delegate \\(([^)]*)\\) node, yielding (\\d+) partitions?(?: for subgraph (\\d+))?");
    /** Newer tools (nnapi_delegate_provider.cc): {@code NNAPI accelerators available: [a,b]}. */
    private static final Pattern ACCELERATORS = Pattern.compile("^NNAPI accelerators available: \\[(.*)]$");
    /** Older tools (benchmark_tflite_model.cc): {@code nnapi accelerator name: [X] (Available: a,b)}. */
    private static final Pattern ACCELERATORS_OLD = Pattern.compile(
            "^nnapi accelerator name: \\[.*] \\(Available: (.*)\\)$", Pattern.CASE_INSENSITIVE);
    /** The delegate (nnapi_delegate.cc), for an --nnapi_accelerator_name the device does not have. */
    private static final Pattern NO_ACCELERATOR = Pattern.compile(
            "^Could not find the specified NNAPI accelerator: .*\\. Must be one of: \\{(.*)}\\.?$");
    private static final List<String> FAILURES = List.of("Could not find the specified NNAPI accelerator","Failed to apply", "Benchmarking failed",
            "Disallowed CPU fallback detected", "Failed to load model", "Failed to invoke", "Failed to allocate tensors");

    private ToolEra era = ToolEra.UNKNOWN;
    private boolean prefixedToolLines;
    private boolean sawFirst;
    private final Map<String, String> flags = new LinkedHashMap<>();
    private Double modelSizeMb;
    private Double initUs;
    private Double sessionInitUs;
    private Double firstUs;
    private Double warmupAvg;
    private Double inferenceAvg;
    private int phase;
    private BenchStats warmup;
    private BenchStats inference;
    private BenchMemory memory = BenchMemory.NONE;
    private final List<String> created = new ArrayList<>();
    private final List<DelegateOutcome> outcomes = new ArrayList<>();
    private final List<Partitioning> partitions = new ArrayList<>();
    private final List<String> failures = new ArrayList<>();
    private String lastError;
    private final List<String> accelerators = new ArrayList<>();
    private final OpProfileTable table = new OpProfileTable();

    private BenchmarkModelParser() {
    }

    /** Parses a whole log (merged stdout and stderr). */
    public static BenchResult parse(String log) {
        BenchmarkModelParser p = new BenchmarkModelParser();
        for (String line : (log == null ? "" : log).split("\\R", -1)) {
            try {
                p.line(line);
            } catch (RuntimeException e) {
                // an odd line never spoils the rest of the log
            }
        }
        return p.result();
    }

    /** The rows of a per-op profile CSV file ({@code --op_profiling_output_mode=csv}). */
    public static List<OpProfileRow> parseOpProfileCsv(String csv) {
        return OpProfileTable.parseCsv(csv);
    }

    private void line(String raw) {
        String s = stripLogcat(raw.replace("\r", ""));
        Matcher level = LEVEL.matcher(s);
        String lvl = null;
        if (level.find()) {
            lvl = level.group(1);
            s = s.substring(level.end());
        }
        if (table.accept(s)) {
            return;
        }
        String t = s.strip();
        if (t.isEmpty()) {
            return;
        }
        if ("STARTING!".equals(t) && lvl != null) {
            prefixedToolLines = true;
        }
        if ("ERROR".equals(lvl) || "FATAL".equals(lvl)) {
            lastError = t;
        }
        for (String f : FAILURES) {
            if (t.startsWith(f)) {
                failures.add(t);
                break;
            }
        }
        Matcher m;
        if ((m = ACCELERATORS.matcher(t)).matches() || (m = ACCELERATORS_OLD.matcher(t)).matches()
                || (m = NO_ACCELERATOR.matcher(t)).matches()) {
            for (String a : m.group(1).split(",")) {
                if (!a.isBlank() && !accelerators.contains(a.strip())) {
                    accelerators.add(a.strip());
                }
            }
        } else if ((m = FLAG.matcher(t)).matches()) {
            flags.putIfAbsent(m.group(1).strip(), m.group(2));
        } else if (RUNNING.matcher(t).find()) {
            phase++;
        } else if (t.contains("=") && t.matches("^(count|curr)=.*")) {
            stat(t);
        } else if ((m = INIT_SESSION.matcher(t)).matches()) {
            sessionInitUs = number(m.group(1)) == null ? null : number(m.group(1)) * 1000;
        } else if ((m = MODEL_SIZE.matcher(t)).find()) {
            modelSizeMb = number(m.group(1));
        } else if ((m = SUMMARY.matcher(t)).matches()) {
            summary(m.group(1).startsWith("Average"), m.group(2));
        } else if ((m = FOOTPRINT.matcher(t)).find()) {
            memory = memory.withFootprint(m.group(1).startsWith("Peak") ? BenchMemory.Wording.FOOTPRINT
                    : BenchMemory.Wording.DELTA, number(m.group(2)), number(m.group(3)));
        } else if ((m = PEAK.matcher(t)).find()) {
            memory = memory.withPeak(number(m.group(1)));
        } else if ((m = CREATED.matcher(t)).matches()) {
            String name = m.group(3) != null ? m.group(3) : m.group(1) != null ? m.group(1) : m.group(2);
            if (!created.contains(name)) {
                created.add(name);
            }
        } else if ((m = APPLIED.matcher(t)).find()) {
            boolean full = m.group(2).equals("completely");
            outcomes.add(new DelegateOutcome(m.group(1), full ? DelegateOutcome.Kind.FULL : DelegateOutcome.Kind.PARTIAL,
                    m.group(3) == null ? null : Integer.valueOf(m.group(3))));
        } else if ((m = NOT_APPLIED.matcher(t)).find()) {
            outcomes.add(new DelegateOutcome(m.group(1), DelegateOutcome.Kind.NONE, null));
        } else if ((m = FAILED_APPLY.matcher(t)).find()) {
            outcomes.add(new DelegateOutcome(m.group(1), DelegateOutcome.Kind.FAILED, null));
        } else if ((m = REPLACING.matcher(t)).find()) {
            partitions.add(new Partitioning(Integer.parseInt(m.group(1)),
                    m.group(2) == null ? null : Integer.valueOf(m.group(2)), m.group(3), Integer.valueOf(m.group(4)),
                    m.group(5) == null ? null : Integer.valueOf(m.group(5))));
        }
    }

    private static String stripLogcat(String s) {
        Matcher m = LOGCAT.matcher(s);
        return m.find() ? s.substring(m.end()) : s;
    }

    /** A stat line; the first timed phase is the warm-up, the next the inference runs. */
    private void stat(String t) {
        Map<String, Double> v = new LinkedHashMap<>();
        boolean allSame = false;
        Matcher m = STAT_KEY.matcher(t);
        while (m.find()) {
            v.put(m.group(1), number(m.group(2)));
            allSame |= m.group(3) != null;
        }
        if (v.containsKey("first")) {
            sawFirst = true;
        }
        if (t.startsWith("curr=") && era == ToolEra.UNKNOWN) {
            era = ToolEra.V1_8_AND_OLDER;
        }
        if (v.containsKey("p5") || v.containsKey("median")) {
            era = ToolEra.NEWEST;
        }
        Double count = v.get("count");
        Double curr = v.get("curr");
        BenchStats s;
        if (allSame) {
            // every run took the same time: the tool prints only curr
            s = new BenchStats(count == null ? null : count.intValue(), curr, curr, curr, curr, curr, 0.0,
                    v.containsKey("p5") ? v.get("p5") : null, v.get("median"), v.get("p95"));
        } else {
            s = new BenchStats(count == null ? null : count.intValue(), v.get("first"), curr, v.get("min"), v.get("max"),
                    v.get("avg"), v.get("std"), v.get("p5"), v.get("median"), v.get("p95"));
        }
        int which = phase > 0 ? phase : (warmup == null ? 1 : 2);
        if (which <= 1) {
            warmup = s;
        } else {
            inference = s;
        }
    }

    /** {@code Init: 870557, First inference: 130565, Warmup (avg): 122373, Inference (avg): 119375} and the older forms. */
    private void summary(boolean average, String rest) {
        // the benchmark APK's logcat summary ("Average ..., Inference: ...") says nothing of the era
        if (average && rest.contains("no stats")) {
            era = sawFirst || era == ToolEra.UNKNOWN ? ToolEra.V1_9_TO_1_13 : era;
        } else if (!average && era != ToolEra.NEWEST) {
            era = ToolEra.V1_14_TO_2_X;
        }
        for (String part : rest.split(",")) {
            int colon = part.lastIndexOf(':');
            if (colon < 0) {
                continue;
            }
            String key = part.substring(0, colon).strip().toLowerCase(Locale.ROOT);
            Double value = number(part.substring(colon + 1).strip());
            switch (key) {
                case "init" -> initUs = value;
                case "first inference" -> firstUs = value;
                case "warmup", "warmup (avg)" -> warmupAvg = value;
                case "inference", "inference (avg)", "no stats" -> inferenceAvg = value;
                default -> { }
            }
        }
    }

    /** A number as the tool prints it (6 significant digits, e-notation possible); {@code nan} and junk are missing. */
    static Double number(String s) {
        if (s == null) {
            return null;
        }
        String t = s.strip();
        if (t.endsWith("%")) {
            t = t.substring(0, t.length() - 1);
        }
        if (t.isEmpty() || t.equalsIgnoreCase("nan") || t.equalsIgnoreCase("-nan")) {
            return null;
        }
        try {
            double d = Double.parseDouble(t);
            return Double.isFinite(d) ? d : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private BenchResult result() {
        if (prefixedToolLines && era != ToolEra.V1_8_AND_OLDER && era != ToolEra.V1_9_TO_1_13) {
            era = ToolEra.NEWEST;
        }
        BenchStats w = withAverage(warmup, warmupAvg);
        BenchStats inf = withAverage(inference, inferenceAvg);
        return new BenchResult(era, flags, modelSizeMb, initUs != null ? initUs : sessionInitUs, firstUs, w, inf, memory,
                created, outcomes, partitions, table.rows(), failures, lastError, accelerators);
    }

    /** The stat line's figures, with the summary's average where the stat line printed none. */
    private static BenchStats withAverage(BenchStats s, Double avg) {
        if (s == null) {
            return avg == null ? null : BenchStats.averageOnly(avg);
        }
        if (s.avg() != null || avg == null) {
            return s;
        }
        return new BenchStats(s.count(), s.first(), s.curr(), s.min(), s.max(), avg, s.std(), s.p5(), s.median(), s.p95());
    }
}
