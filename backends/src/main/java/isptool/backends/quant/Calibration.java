package isptool.backends.quant;

import isptool.backends.layout.LayoutPlan;
import isptool.graph.Graph;
import isptool.graph.ModelException;
import isptool.graph.Shape;
import isptool.graph.Tensor;
import isptool.graph.Value;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * Runs the float TFLite model on every calibration sample, one at a time, with all its
 * intermediates exposed, and collects each tensor's statistics: a first pass for ranges and
 * channel means, a second for histograms over those ranges when the method needs them.
 *
 * <p>The float TFLite model computes the ONNX values (the lowering is verified equal to
 * onnxruntime) and also the TFLite-only intermediates of decompositions, in their stored layout.
 */
final class Calibration {
    private Calibration() {
    }

    /** Statistics by TFLite tensor name (graph inputs included). */
    static Map<String, TensorStats> run(QModel floatModel, Graph g, LayoutPlan plan, CalibrationSource calib,
            boolean histograms, Progress progress) throws IOException {
        Map<String, TensorStats> stats = new HashMap<>();
        int n = calib.size();
        try (Probe probe = Probe.open(floatModel)) {
            for (int pass = 0; pass < (histograms ? 2 : 1); pass++) {
                String phase = pass == 0 ? "calibrating" : "calibrating (histograms)";
                for (int i = 0; i < n; i++) {
                    for (Map.Entry<String, Tensor> e : sample(probe, g, plan, calib, i).entrySet()) {
                        TensorStats s = stats.computeIfAbsent(e.getKey(), k -> new TensorStats());
                        if (pass == 0) {
                            s.observe(e.getValue());
                        } else {
                            s.histogram(e.getValue());
                        }
                    }
                    progress.update(phase, i + 1, n);
                }
            }
        }
        return stats;
    }

    /** True when the dims match, a dynamic (negative) dim matching any size. */
    private static boolean fits(long[] want, long[] have) {
        if (want.length != have.length) {
            return false;
        }
        for (int d = 0; d < want.length; d++) {
            if (want[d] >= 0 && want[d] != have[d]) {
                return false;
            }
        }
        return true;
    }

    /** The inputs and every activation for sample i, stored layout. */
    private static Map<String, Tensor> sample(Probe probe, Graph g, LayoutPlan plan, CalibrationSource calib, int i)
            throws IOException {
        Map<String, Tensor> onnx = calib.sample(i);
        for (Value in : g.inputs()) {
            Tensor t = onnx.get(in.name());
            if (t == null) {
                throw new ModelException("calibration sample " + calib.describe(i) + " has no tensor for input \""
                        + in.name() + "\"; give one per input");
            }
            if (in.shape() != null && !fits(in.shape().dims(), t.shape())) {
                throw new ModelException("calibration sample " + calib.describe(i) + " gives input \"" + in.name()
                        + "\" shape " + Shape.of(t.shape()) + " but the model takes " + in.shape()
                        + "; give samples of the model's input shape (NCHW)");
            }
        }
        Map<String, Tensor> stored = Probe.toStored(g, plan, onnx);
        Map<String, Tensor> all = new HashMap<>(stored);
        all.putAll(probe.run(stored));
        return all;
    }
}
