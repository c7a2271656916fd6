package isptool.backends.target;

import isptool.backends.tflite.TfliteModel;
import isptool.backends.tflite.TfliteModel.OperatorInfo;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * Checks a TFLite model against a target: each operator against the target's rule table, then
 * the partitions the delegate would make. Operators in partitions past the delegate's limit are
 * refused with that reason.
 */
public final class TargetCheck {
    static final String PARTITION_LIMIT = "tensorflow/tensorflow tensorflow/lite/delegates/utils.cc"
            + " GraphPartitionHelper::GetNodesOfFirstNLargestPartitions; shared/docs/FACTS.md §4";

    private TargetCheck() {
    }

    /** The rule table of a target's family. */
    public static RuleTable table(Target target) {
        return switch (target.family()) {
            case NNAPI -> NnapiRules.TABLE;
            case GPU -> GpuRules.TABLE;
            case HTP -> HtpRules.TABLE;
            case CPU -> CpuRules.TABLE;
        };
    }

    /** Every rule table, for tests and documentation. */
    public static List<RuleTable> tables() {
        return List.of(NnapiRules.TABLE, GpuRules.TABLE, HtpRules.TABLE, CpuRules.TABLE);
    }

    /**
     * Checks every operator of m on the target.
     *
     * @param onnxNodes the ONNX node of each operator (null entries where unknown); an empty list when unknown
     */
    public static TargetReport run(TfliteModel m, Target target, List<String> onnxNodes) {
        RuleTable table = table(target);
        List<OperatorInfo> ops = m.operators();
        List<List<Refusal>> refusals = new ArrayList<>();
        BitSet supported = new BitSet(ops.size());
        for (OperatorInfo op : ops) {
            List<Refusal> r = table.refusals(new OpView(m, op), target);
            refusals.add(new ArrayList<>(r));
            supported.set(op.index(), r.isEmpty());
        }
        PartitionPlan plan = PartitionPlan.of(m, supported, target.maxPartitions());
        BitSet ruleRefused = (BitSet) supported.clone();
        ruleRefused.flip(0, ops.size());
        for (int i = plan.dropped().nextSetBit(0); i >= 0; i = plan.dropped().nextSetBit(i + 1)) {
            refusals.get(i).add(new Refusal("in a small partition: the " + target.family().delegate + " keeps only its "
                    + target.maxPartitions() + " largest partitions, so this one runs on the CPU", PARTITION_LIMIT));
        }
        List<OpVerdict> verdicts = new ArrayList<>();
        for (OperatorInfo op : ops) {
            List<Refusal> r = refusals.get(op.index());
            OpView view = new OpView(m, op);
            // a swap helps where a rule refuses the op, not where only the partition limit drops it
            String swap = ruleRefused.get(op.index()) ? Swaps.forOp(view, target, view.maxRank() > 4) : null;
            String node = op.index() < onnxNodes.size() ? onnxNodes.get(op.index()) : null;
            verdicts.add(new OpVerdict(op.index(), op.opName(), node, r.isEmpty(), List.copyOf(r), swap));
        }
        return new TargetReport(target, List.copyOf(verdicts), plan);
    }
}
