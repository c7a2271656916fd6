package isptool.backends.bench;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One row of benchmark_model's per-op profile ({@code --enable_op_profiling}), from the text
 * table's Run Order section or the CSV file: node type, start (older tools only, else null),
 * first and average time in ms, share and cumulative share in percent, memory in KB, times
 * called, the node's name, the interpreter's node index and the ONNX node the op came from.
 *
 * <p>TFLite's profiler names a node after its output tensors, {@code [a, b]}, and newer tools
 * append {@code :INDEX}, the node's index in the execution plan (LiteRT
 * {@code tflite/profiling/profile_summarizer.cc}): {@code name} holds the tensor names without
 * brackets, {@code nodeIndex} the index (null when not printed). {@code onnxNode} is null until
 * {@link ProfileOrigins} finds it in a model that carries the mapping.
 */
public record OpProfileRow(String nodeType, Double startMs, double firstMs, double avgMs, double percent,
        double cdfPercent, double memKb, int timesCalled, String name, Integer nodeIndex, String onnxNode) {
    private static final Pattern PRINTED = Pattern.compile("\\[(.*)\\](?::(\\d{1,9}))?");

    /** A row from the name as printed: {@code [tensors]:INDEX}, {@code [tensors]} or a bare name. */
    public OpProfileRow(String nodeType, Double startMs, double firstMs, double avgMs, double percent,
            double cdfPercent, double memKb, int timesCalled, String printedName) {
        this(nodeType, startMs, firstMs, avgMs, percent, cdfPercent, memKb, timesCalled, tensors(printedName),
                index(printedName), null);
    }

    private static String tensors(String printed) {
        Matcher m = PRINTED.matcher(printed.strip());
        return m.matches() ? m.group(1) : printed.strip();
    }

    private static Integer index(String printed) {
        Matcher m = PRINTED.matcher(printed.strip());
        return m.matches() && m.group(2) != null ? Integer.valueOf(m.group(2)) : null;
    }

    public OpProfileRow withOnnxNode(String node) {
        return new OpProfileRow(nodeType, startMs, firstMs, avgMs, percent, cdfPercent, memKb, timesCalled, name,
                nodeIndex, node);
    }

    /** The op name without the profiling string or tag TFLite may append ({@code CONV_2D:...}, {@code .../OpInvoke}). */
    public String opName() {
        int cut = nodeType.length();
        for (char c : new char[] {':', '/'}) {
            int i = nodeType.indexOf(c);
            cut = i >= 0 ? Math.min(cut, i) : cut;
        }
        return nodeType.substring(0, cut);
    }

    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("node_type", nodeType);
        m.put("start_ms", startMs);
        m.put("first_ms", firstMs);
        m.put("avg_ms", avgMs);
        m.put("percent", percent);
        m.put("cdf_percent", cdfPercent);
        m.put("mem_kb", memKb);
        m.put("times_called", timesCalled);
        m.put("name", name);
        m.put("node_index", nodeIndex);
        m.put("onnx_node", onnxNode);
        return m;
    }
}
