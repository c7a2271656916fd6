package isptool.backends.quant;

import isptool.backends.quant.QModel.Op;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.tensorflow.lite.schema.BuiltinOperator;

/**
 * int8 LOGISTIC and TANH have a fixed output scale (1/256 and 1/128 over their whole codomain,
 * TFLite's quantization spec). When such an op writes a graph output, directly or through ops that
 * only move data (DEPTH_TO_SPACE, RESHAPE, ...), that step bounds the output's PSNR however good
 * the rest is: rounding to a step q adds noise of variance q²/12, so over the output's observed
 * range r the PSNR cannot exceed 10·log10(12·r²/q²). A tanh output in [-0.3, 0.3] is capped at
 * 48.4 dB. Such ops (and the data-moving ops after them) stay float32 when the cap is below
 * {@link #CAP_LIMIT_DB} and the model has float outputs; {@code --strict-int8} keeps them integer.
 */
final class FixedScaleOutputs {
    /** Above this an int8 model's other errors dominate (the testdata nets reach 40-57 dB in int8). */
    static final double CAP_LIMIT_DB = 60;

    private FixedScaleOutputs() {
    }

    /** The PSNR cap of rounding to step q over range r. */
    static double capDb(double range, double step) {
        return 10 * Math.log10(12 * range * range / (step * step));
    }

    /**
     * The operators to keep float, by index, with the reason: each capped LOGISTIC/TANH and the
     * data-moving ops between it and the graph output.
     */
    static Map<Integer, String> choose(QModel m, Map<String, TensorStats> stats) {
        Map<Integer, String> keep = new LinkedHashMap<>();
        for (int k = 0; k < m.ops.size(); k++) {
            Op op = m.ops.get(k);
            if (op.code != BuiltinOperator.LOGISTIC && op.code != BuiltinOperator.TANH) {
                continue;
            }
            List<Integer> tail = pathToOutput(m, k);
            TensorStats s = stats.get(m.tensor(op.outputs[0]).name);
            if (tail == null || s == null || !(s.max > s.min)) {
                continue;
            }
            double step = op.code == BuiltinOperator.TANH ? 1.0 / 128 : 1.0 / 256;
            double cap = capDb(s.max - s.min, step);
            if (cap < CAP_LIMIT_DB) {
                keep.put(k, String.format(Locale.ROOT, "its int8 output scale 1/%d caps the output at %.1f dB over"
                        + " its range [%.3g, %.3g] (--strict-int8 keeps it int8)", (int) Math.round(1 / step), cap,
                        s.min, s.max));
                for (int t : tail) {
                    keep.put(t, "it moves the float output of " + op.opName() + " to the graph output");
                }
            }
        }
        return keep;
    }

    /**
     * The data-moving operators from op k's output to a graph output (empty when k writes one), or
     * null when the output reaches no graph output that way (another reader computes with it).
     */
    private static List<Integer> pathToOutput(QModel m, int k) {
        List<Integer> tail = new ArrayList<>();
        int t = m.ops.get(k).outputs[0];
        while (true) {
            boolean isOutput = false;
            for (int o : m.outputs) {
                isOutput |= o == t;
            }
            List<Integer> readers = readers(m, t);
            if (isOutput && readers.isEmpty()) {
                return tail;
            }
            if (isOutput || readers.size() != 1) {
                return null;
            }
            Op next = m.ops.get(readers.get(0));
            if (!OpKinds.sameAsInput(next.opName()) || next.inputs[0] != t || OpKinds.weighted(next.opName()) != null
                    || isPooling(next)) {
                return null;
            }
            tail.add(readers.get(0));
            t = next.outputs[0];
        }
    }

    /** Pooling changes values (AVERAGE) or is not a pure move; only reshapes and rearrangements pass. */
    private static boolean isPooling(Op op) {
        return op.code == BuiltinOperator.AVERAGE_POOL_2D || op.code == BuiltinOperator.MAX_POOL_2D
                || op.code == BuiltinOperator.RESIZE_BILINEAR;
    }

    private static List<Integer> readers(QModel m, int t) {
        List<Integer> r = new ArrayList<>();
        for (int k = 0; k < m.ops.size(); k++) {
            for (int i : m.ops.get(k).inputs) {
                if (i == t && !r.contains(k)) {
                    r.add(k);
                }
            }
        }
        return r;
    }
}
