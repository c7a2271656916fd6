package isptool.cli;

import isptool.backends.target.OpVerdict;
import isptool.backends.target.PartitionPlan;
import isptool.backends.target.Refusal;
import isptool.backends.target.TargetReport;
import isptool.backends.tflite.TfliteModel;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * check's text report: one row per operator (index, op, ONNX node, a column per target), under it
 * each refusal with the targets it applies to and the swap, then one partition plan per target.
 */
final class CheckTable {
    private CheckTable() {
    }

    static void print(PrintWriter out, TfliteModel m, List<TargetReport> reports) {
        int opWidth = Math.max(2, m.operators().stream().mapToInt(o -> o.opName().length()).max().orElse(2));
        int nodeWidth = 9;
        for (OpVerdict v : reports.get(0).operators()) {
            nodeWidth = Math.max(nodeWidth, Math.min(40, node(v).length()));
        }
        StringBuilder head = new StringBuilder(String.format("  %4s  %-" + opWidth + "s  %-" + nodeWidth + "s", "#",
                "op", "ONNX node"));
        reports.forEach(r -> head.append("  ").append(String.format("%-" + width(r) + "s", r.target().name())));
        out.println(head.toString().stripTrailing());
        for (int i = 0; i < m.operators().size(); i++) {
            OpVerdict first = reports.get(0).operators().get(i);
            StringBuilder row = new StringBuilder(String.format("  %4d  %-" + opWidth + "s  %-" + nodeWidth + "s", i,
                    first.op(), clip(node(first), nodeWidth)));
            for (TargetReport r : reports) {
                row.append("  ").append(String.format("%-" + width(r) + "s", r.operators().get(i).runs() ? "yes"
                        : "CPU"));
            }
            out.println(row.toString().stripTrailing());
            printReasons(out, reports, i);
        }
        for (TargetReport r : reports) {
            printPlan(out, r);
        }
    }

    /** Each distinct refusal of operator i once, with the targets it holds for; then the swap. */
    private static void printReasons(PrintWriter out, List<TargetReport> reports, int i) {
        Map<Refusal, List<String>> where = new LinkedHashMap<>();
        String swap = null;
        for (TargetReport r : reports) {
            OpVerdict v = r.operators().get(i);
            v.refusals().forEach(f -> where.computeIfAbsent(f, k -> new ArrayList<>()).add(r.target().name()));
            swap = swap == null ? v.swap() : swap;
        }
        boolean several = reports.size() > 1;
        where.forEach((f, targets) -> out.printf("        %s%s  [%s]%n", several ? String.join(",", compact(targets))
                + ": " : "", Escapes.visible(f.reason()), f.source()));
        if (swap != null) {
            out.printf("        swap: %s%n", swap);
        }
    }

    /**
     * convert --target: the written model checked on its target, as the verdict and the plan, then
     * each operator it still cannot run there with the reason.
     */
    static void printVerdict(PrintWriter out, TargetReport r) {
        printPlan(out, r);
        for (OpVerdict v : r.refused()) {
            out.printf("    %d %s (%s): %s%n", v.index(), v.op(), node(v), v.reasons());
        }
    }

    private static void printPlan(PrintWriter out, TargetReport r) {
        PartitionPlan p = r.plan();
        out.printf("  plan %s: %s; %d delegate partition%s, %d CPU island%s; %d tensor%s cross (%s per"
                        + " inference)%n", r.target().name(), p.verdict().words, p.delegatePartitions(),
                p.delegatePartitions() == 1 ? "" : "s", p.cpuIslands(), p.cpuIslands() == 1 ? "" : "s",
                p.crossingTensors(), p.crossingTensors() == 1 ? "" : "s", Reports.size(p.crossingBytes()));
        List<String> parts = new ArrayList<>();
        for (PartitionPlan.Segment s : p.segments()) {
            parts.add((s.delegated() ? r.target().family().delegate : "CPU") + " " + ranges(s.operators()));
        }
        if (p.segments().size() > 1) {
            out.printf("    %s%n", String.join(" | ", parts));
        }
    }

    /** nnapi-27,nnapi-28,nnapi-29 -> nnapi-27..29. */
    private static List<String> compact(List<String> targets) {
        List<String> r = new ArrayList<>();
        int i = 0;
        while (i < targets.size()) {
            int j = i;
            while (j + 1 < targets.size() && api(targets.get(j + 1)) == api(targets.get(j)) + 1 && api(targets.get(j)) > 0) {
                j++;
            }
            r.add(j > i + 1 ? targets.get(i) + ".." + api(targets.get(j)) : targets.get(i));
            if (j == i + 1) {
                r.add(targets.get(j));
            }
            i = j + 1;
        }
        return r;
    }

    private static int api(String target) {
        return target.startsWith("nnapi-") ? Integer.parseInt(target.substring(6)) : -1;
    }

    /** Operator indices as ranges: [0,1,2,5] -> ops 0-2,5. */
    static String ranges(List<Integer> ops) {
        StringBuilder sb = new StringBuilder(ops.size() == 1 ? "op " : "ops ");
        for (int i = 0; i < ops.size(); i++) {
            int j = i;
            while (j + 1 < ops.size() && ops.get(j + 1) == ops.get(j) + 1) {
                j++;
            }
            sb.append(i > 0 ? "," : "").append(ops.get(i)).append(j > i ? "-" + ops.get(j) : "");
            i = j;
        }
        return sb.toString();
    }

    private static int width(TargetReport r) {
        return Math.max(3, r.target().name().length());
    }

    private static String node(OpVerdict v) {
        return v.onnxNode() == null || v.onnxNode().isEmpty() ? "-" : Escapes.visible(v.onnxNode());
    }

    private static String clip(String s, int width) {
        return s.length() <= width ? s : "..." + s.substring(s.length() - width + 3);
    }
}
