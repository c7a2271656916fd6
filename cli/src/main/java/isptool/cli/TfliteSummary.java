package isptool.cli;

import isptool.backends.tflite.Quantization;
import isptool.backends.tflite.TfliteModel;
import isptool.backends.tflite.TfliteModel.OperatorInfo;
import isptool.backends.tflite.TfliteModel.TensorInfo;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** What {@code isptool inspect} tells about a .tflite model (its main subgraph). */
final class TfliteSummary {
    private TfliteSummary() {
    }

    /**
     * The summary; {@code extra.invalid} lists what the TFLite runtime would refuse (the model's
     * problems, then MAC counts past a 64-bit integer), empty for a valid model. Operators with a
     * problem add no MACs.
     */
    static ModelSummary of(TfliteModel m) {
        List<String> invalid = new ArrayList<>(m.problems());
        long macs = 0;
        int unknown = 0;
        for (OperatorInfo op : m.operators()) {
            if (!m.isValid(op)) {
                continue;
            }
            long k;
            try {
                k = m.macs(op);
            } catch (ArithmeticException e) {
                invalid.add(m.where(op) + " has more multiply-accumulates than a 64-bit integer counts;"
                        + " its tensor shapes are corrupt");
                continue;
            }
            if (k < 0) {
                unknown++;
            } else if (macs > Long.MAX_VALUE - k) {
                invalid.add(m.where(op) + " brings the multiply-accumulates past what a 64-bit integer counts;"
                        + " the model's tensor shapes are corrupt");
            } else {
                macs += k;
            }
        }
        Map<String, Integer> activations = new TreeMap<>();
        Map<String, Integer> constants = new TreeMap<>();
        for (TensorInfo t : m.tensors()) {
            (t.isConstant() ? constants : activations).merge(t.type().name(), 1, Integer::sum);
        }
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("schema_version", m.schemaVersion());
        extra.put("description", m.description() == null ? "" : m.description());
        extra.put("operators", m.operators().size());
        extra.put("activation_types", activations);
        extra.put("constant_types", constants);
        extra.put("invalid", invalid);
        return new ModelSummary("tflite", describe(m.inputs()), describe(m.outputs()), m.opHistogram(),
                m.parameterCount(), m.parameterBytes(), macs, unknown, m.count("TRANSPOSE"), extra);
    }

    private static List<String> describe(List<TensorInfo> ts) {
        List<String> r = new ArrayList<>();
        for (TensorInfo t : ts) {
            Quantization q = t.quantization();
            r.add(t.name() + " " + t.describe() + (q == null || q.isPerChannel() ? ""
                    : String.format(Locale.ROOT, " (scale %.6g, zero point %d)", q.scale()[0], q.zeroPoint()[0])));
        }
        return r;
    }
}
