package isptool.passes.cleanup;

import isptool.graph.Graph;
import isptool.graph.Node;
import isptool.passes.Pass;
import isptool.passes.PassReport;
import java.util.Map;

/**
 * Upgrades a graph below opset 7 to opset 7, with the same results: onnxruntime has no kernels
 * for many op versions of opsets 1..6 (Add-6, Gemm-6, AveragePool-1, BatchNormalization-6,
 * PRelu-6, Pow-1, ...), so such a model cannot even be verified before it is upgraded.
 *
 * <p>Before: opset_import ai.onnx 1..6; Add(A[2,3,4,5], B[3,4], broadcast=1, axis=1);
 * PRelu(X[N,C,H,W], slope[C]); BatchNormalization(..., is_test=1, consumed_inputs=...); ...
 * After: opset_import ai.onnx 7; Add(A, B'[3,4,1]) with numpy broadcasting; PRelu(X, slope'[C,1,1]);
 * BatchNormalization(...) with Y as its only output; every node in its opset-7 form, following
 * ONNX's Changelog.md op by op ({@link LegacyOps}, {@link LegacyBroadcast}). Ops unchanged up to
 * 7 (Conv-1, MaxPool-1, Slice-1 and Pad-2 with their attribute forms, Softmax-1, ...) only lose
 * the meaningless consumed_inputs attribute of opsets 1..5.
 *
 * <p>Target 7, not later: it is the lowest opset onnxruntime guarantees to run (it warns below
 * 7), with kernels for every op version a graph at 7 resolves to, and every op that changes on the
 * way to 7 is rewritten here; going further would rewrite more ops (BatchNormalization-9,
 * Upsample-9, MaxPool-8, ...) for no gain.
 *
 * <p>Applies when the default-domain opset is below 7; a graph at 7 or later is never touched.
 * Refuses, leaving the whole graph unchanged and reporting each node, when a node's op is not an
 * ONNX op of the graph's opset, or its old form has no exact opset-7 equivalent (training-mode
 * BatchNormalization or Dropout, a legacy broadcast axis on operands of unknown rank, bilinear
 * Upsample-1, Split-1 without axis, ...).
 */
public final class UpgradeOpset implements Pass {
    @Override
    public boolean run(Graph g, PassReport report) {
        if (!g.opsets().containsKey("") && !g.opsets().containsKey("ai.onnx")) {
            return false;
        }
        long from = g.opset();
        if (from >= OpsetHistory.TARGET) {
            return false;
        }
        UpgradePlan plan = new UpgradePlan(g);
        for (Node n : g.nodes()) {
            if (n.domain().isEmpty() || n.domain().equals("ai.onnx")) {
                planNode(n, from, plan);
            }
        }
        if (!plan.refusals().isEmpty()) {
            for (Map.Entry<Node, String> e : plan.refusals().entrySet()) {
                Node n = e.getKey();
                int v = OpsetHistory.versionAt(n.opType(), from);
                report.refused(name(), n.name(), n.opType() + (v > 0 ? "-" + v : "") + " cannot be upgraded from opset "
                        + from + " to " + OpsetHistory.TARGET + ": " + e.getValue() + "; the graph stays at opset " + from);
            }
            return false;
        }
        plan.apply();
        g.opsets().remove("ai.onnx");
        g.opsets().put("", (long) OpsetHistory.TARGET);
        g.topoSort();
        report.applied(name(), g.name(), "opset " + from + " -> " + OpsetHistory.TARGET + ": " + plan.summary());
        return true;
    }

    private static void planNode(Node n, long from, UpgradePlan plan) {
        String op = n.opType();
        int version = OpsetHistory.versionAt(op, from);
        if (version == 0) {
            plan.refuse(n, OpsetHistory.versionAt(op, OpsetHistory.TARGET) > 0
                    ? "the op does not exist in opset " + from
                    : "not an ONNX op of opsets 1.." + OpsetHistory.TARGET + " that isptool knows");
            return;
        }
        if (n.has("consumed_inputs")) {
            plan.drop(n, "consumed_inputs removed", "consumed_inputs");
        }
        if (version == OpsetHistory.versionAt(op, OpsetHistory.TARGET)) {
            return;
        }
        LegacyOps.Rule rule = LegacyOps.RULES.get(op);
        if (rule == null) {
            plan.refuse(n, "isptool has no rule for its change to version " + OpsetHistory.versionAt(op, OpsetHistory.TARGET));
            return;
        }
        rule.plan(n, version, plan);
    }
}
