package isptool.backends.bench.qnn;

import isptool.backends.bench.BenchResult;
import isptool.backends.bench.BenchStats;
import isptool.backends.bench.DelegateOutcome;
import isptool.backends.bench.ToolEra;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What {@code qnn-profile-viewer} says of a {@code qnn-net-run --profiling_level basic} log
 * (QNN.md §8): after {@code Execute Stats (Average):} the first {@code NetRun: N us} (one
 * inference, as qnn-net-run saw it) and {@code Backend (Accelerator (execute) time): N us} (the
 * HTP's own execute time; its absence means the graph did not run on the HTP), and the
 * inferences per second of {@code NetRun IPS ...: X} (older and newer wordings; anywhere in the
 * text, as its section is not pinned down). Missing figures are null.
 */
public record QnnProfile(Double netRunUs, Double acceleratorUs, Double ips) {
    private static final Pattern EXECUTE = Pattern.compile("Execute Stats \\(Average\\):");
    private static final Pattern NET_RUN = Pattern.compile("NetRun:\\s+(\\d+) us");
    private static final Pattern ACCELERATOR = Pattern.compile("Backend \\(Accelerator \\(execute\\) time\\):\\s+(\\d+) us");
    private static final Pattern IPS = Pattern.compile("NetRun IPS[^:]*:\\s*([\\d.]+)");

    /** Reads the viewer's text; without an {@code Execute Stats (Average):} section the times are null. */
    public static QnnProfile parse(String viewerOutput) {
        Double ips = first(IPS, viewerOutput);
        Matcher section = EXECUTE.matcher(viewerOutput);
        if (!section.find()) {
            return new QnnProfile(null, null, ips);
        }
        String execute = viewerOutput.substring(section.end());
        return new QnnProfile(first(NET_RUN, execute), first(ACCELERATOR, execute), ips);
    }

    private static Double first(Pattern p, String text) {
        Matcher m = p.matcher(text);
        return m.find() ? Double.valueOf(m.group(1)) : null;
    }

    /** Whether the accelerator's execute time is there: the graph ran on the HTP. */
    public boolean onHtp() {
        return acceleratorUs != null;
    }

    /**
     * As a bench row's result: {@code inferences} runs averaging the NetRun time (the viewer gives
     * the average only), the HTP as a delegate that ran the graph fully or not at all; without a
     * NetRun time, {@code problem} says why there is none.
     */
    public BenchResult toResult(int inferences, Map<String, String> flags, String problem) {
        BenchStats stats = netRunUs == null ? null
                : new BenchStats(inferences, null, null, null, null, netRunUs, null, null, null, null);
        List<String> failures = netRunUs == null ? List.of(problem) : List.of();
        DelegateOutcome htp = new DelegateOutcome("HTP", onHtp() ? DelegateOutcome.Kind.FULL : DelegateOutcome.Kind.NONE,
                null);
        return new BenchResult(ToolEra.QNN_NET_RUN, flags, null, null, null, null, stats, null, List.of("HTP"),
                netRunUs == null ? List.of() : List.of(htp), List.of(), List.of(), failures, null, List.of());
    }

    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("netrun_us", netRunUs);
        m.put("accelerator_execute_us", acceleratorUs);
        m.put("ips", ips);
        m.put("on_htp", onHtp());
        return m;
    }
}
