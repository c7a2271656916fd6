package isptool.backends.target;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** A model checked against one target: every operator's verdict and the partition plan. */
public record TargetReport(Target target, List<OpVerdict> operators, PartitionPlan plan) {
    public PartitionPlan.Verdict verdict() {
        return plan.verdict();
    }

    /** The operators that do not run on the target's accelerator. */
    public List<OpVerdict> refused() {
        return operators.stream().filter(v -> !v.runs()).toList();
    }

    /** Refused operators counted by op ({@code PRELU -> 3}). */
    public Map<String, Integer> refusedOps() {
        Map<String, Integer> r = new TreeMap<>();
        refused().forEach(v -> r.merge(v.op(), 1, Integer::sum));
        return r;
    }

    public Map<String, Object> toJson() {
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("target", target.name());
        j.put("description", target.description());
        j.put("verdict", verdict().words);
        j.put("refused_ops", refusedOps());
        j.put("plan", plan.toJson());
        j.put("operators", operators.stream().map(OpVerdict::toJson).toList());
        return j;
    }
}
