package isptool.backends.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything one benchmark run said, from benchmark_model's output or from the host bench: the
 * tool era, the flags it echoed, init and first-inference time (us), warm-up and inference
 * statistics, memory, delegates created and their outcome, partition lines, per-op profile rows,
 * failure lines, the last ERROR line and the NNAPI accelerators the device offers (printed by
 * NNAPI runs). Missing figures are null; lists are never null.
 */
public record BenchResult(ToolEra era, Map<String, String> flags, Double modelSizeMb, Double initUs,
        Double firstInferenceUs, BenchStats warmup, BenchStats inference, BenchMemory memory,
        List<String> delegatesCreated, List<DelegateOutcome> outcomes, List<Partitioning> partitions,
        List<OpProfileRow> ops, List<String> failures, String lastError, List<String> nnapiAccelerators) {

    public BenchResult {
        flags = Collections.unmodifiableMap(new LinkedHashMap<>(flags));
        memory = memory == null ? BenchMemory.NONE : memory;
        delegatesCreated = List.copyOf(delegatesCreated);
        outcomes = List.copyOf(outcomes);
        partitions = List.copyOf(partitions);
        ops = List.copyOf(ops);
        failures = List.copyOf(failures);
        nnapiAccelerators = List.copyOf(nnapiAccelerators);
    }

    /** A run that produced nothing: only why (e.g. the device dropped off before it ran). */
    public static BenchResult failed(String problem) {
        return new BenchResult(ToolEra.UNKNOWN, Map.of(), null, null, null, null, null, null, List.of(), List.of(),
                List.of(), List.of(), List.of(problem), null, List.of());
    }

    /** The same result with these op profile rows (e.g. with their ONNX nodes named). */
    public BenchResult withOps(List<OpProfileRow> rows) {
        return new BenchResult(era, flags, modelSizeMb, initUs, firstInferenceUs, warmup, inference, memory,
                delegatesCreated, outcomes, partitions, rows, failures, lastError, nnapiAccelerators);
    }

    /** Whether the run produced inference timings. */
    public boolean hasTimings() {
        return inference != null && inference.typical() != null;
    }

    /** Timings and no failure line. */
    public boolean ok() {
        return hasTimings() && failures.isEmpty();
    }

    /** Why there is no usable result (null when {@link #ok()}): the failure line, else the last ERROR line, else that the output ended early. */
    public String problem() {
        if (ok()) {
            return null;
        }
        if (!failures.isEmpty()) {
            return String.join(" ", failures);
        }
        if (lastError != null) {
            return lastError;
        }
        return "the output ends before the inference timings (the benchmark crashed or was killed)";
    }

    /** Median (or, for old tools, average) inference time in ms; null without timings. */
    public Double typicalMs() {
        return hasTimings() ? inference.typical() / 1000.0 : null;
    }

    /** Whether any delegate left nodes to the CPU, failed or was not used; null when the output says nothing. */
    public Boolean cpuFallback() {
        if (outcomes.isEmpty() && partitions.isEmpty()) {
            return null;
        }
        return outcomes.stream().anyMatch(o -> o.kind() != DelegateOutcome.Kind.FULL)
                || partitions.stream().anyMatch(p -> Boolean.FALSE.equals(p.complete()))
                || failures.stream().anyMatch(f -> f.contains("Disallowed CPU fallback"));
    }

    /**
     * The delegation verdict in a few words: {@code full (17/17 ops)}, {@code partial (2 kernels,
     * 12/15 ops, 3 partitions)}, {@code none}, {@code failed}, or {@code -} for plain CPU; the last
     * delegate outcome and partition line count.
     */
    public String delegation() {
        DelegateOutcome o = outcomes.isEmpty() ? null : outcomes.get(outcomes.size() - 1);
        Partitioning p = partitions.isEmpty() ? null : partitions.get(partitions.size() - 1);
        if (o == null && p == null) {
            return "-";
        }
        String ops = p == null ? "" : p.replacedNodes() + (p.totalNodes() == null ? "" : "/" + p.totalNodes()) + " ops"
                + (p.partitions() == null ? "" : ", " + p.partitions() + (p.partitions() == 1 ? " partition" : " partitions"));
        if (o == null) {
            return ops;
        }
        String d = o.describe();
        if (ops.isEmpty()) {
            return d;
        }
        return d.endsWith(")") ? d.substring(0, d.length() - 1) + ", " + ops + ")" : d + " (" + ops + ")";
    }

    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ok", ok());
        m.put("problem", problem());
        m.put("tool_era", era.label);
        m.put("flags", flags);
        m.put("model_size_mb", modelSizeMb);
        m.put("init_us", initUs);
        m.put("first_inference_us", firstInferenceUs);
        m.put("warmup", warmup == null ? null : warmup.toJson());
        m.put("inference", inference == null ? null : inference.toJson());
        m.put("memory", memory.toJson());
        m.put("delegates_created", delegatesCreated);
        m.put("delegate_outcomes", list(outcomes.stream().map(DelegateOutcome::toJson).toList()));
        m.put("partitions", list(partitions.stream().map(Partitioning::toJson).toList()));
        m.put("ops", list(ops.stream().map(OpProfileRow::toJson).toList()));
        m.put("failures", failures);
        m.put("last_error", lastError);
        m.put("nnapi_accelerators", nnapiAccelerators);
        return m;
    }

    private static List<Object> list(List<Map<String, Object>> maps) {
        return new ArrayList<>(maps);
    }
}
