package isptool.backends.quant;

import isptool.backends.layout.Layout;
import isptool.backends.layout.LayoutPlan;
import isptool.backends.ort.OrtRunner;
import isptool.backends.tflite.lower.StoredTensors;
import isptool.graph.Graph;
import isptool.graph.ModelException;
import isptool.graph.Shape;
import isptool.graph.Tensor;
import isptool.graph.Value;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs every calibration sample, one at a time, through the float graph in onnxruntime with the
 * intermediate values the TFLite model has tensors for as extra outputs, and collects each
 * tensor's statistics: a first pass for ranges and channel means, a second for histograms over
 * those ranges when the method needs them. Tensors only the TFLite model has (the intermediates
 * of decomposed ops, and tensors the quantizer's float rewrites changed) come from the float
 * TFLite model run with all its activations exposed.
 * Everything is observed in the stored (TFLite) layout.
 */
final class Calibration {
    private Calibration() {
    }

    /** Statistics by TFLite tensor name (graph inputs included). */
    static Map<String, TensorStats> run(QModel floatModel, Graph g, LayoutPlan plan, CalibrationSource calib,
            boolean histograms, Progress progress) throws IOException {
        Map<String, TensorStats> stats = new HashMap<>();
        int n = calib.size();
        List<String> fromOnnx = onnxValues(floatModel, g);
        Map<String, Boolean> agrees = new HashMap<>(); // decided once per tensor, on the first sample
        try (Probe probe = Probe.open(floatModel);
                OrtRunner ort = OrtRunner.openCapturing(g, fromOnnx, OrtRunner.Options.REFERENCE)) {
            for (int pass = 0; pass < (histograms ? 2 : 1); pass++) {
                String phase = pass == 0 ? "calibrating" : "calibrating (histograms)";
                for (int i = 0; i < n; i++) {
                    Map<String, Tensor> values = sample(probe, ort, fromOnnx, agrees, g, plan, calib, i);
                    for (Map.Entry<String, Tensor> e : values.entrySet()) {
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

    /**
     * True if the TFLite tensor holds the ONNX value: same shape and equal to 1e-4 of its range.
     * Not so where the quantizer's float rewrites changed what a tensor holds (RSQRT in place of
     * SQRT keeps the tensor's name); those tensors are observed in the TFLite model instead.
     */
    private static boolean sameValue(Tensor tflite, Tensor reference) {
        if (!Arrays.equals(tflite.shape(), reference.shape())) {
            return false;
        }
        double[] a = tflite.toDoubles();
        double[] b = reference.toDoubles();
        double lo = Double.MAX_VALUE;
        double hi = -Double.MAX_VALUE;
        double worst = 0;
        for (int k = 0; k < a.length; k++) {
            lo = Math.min(lo, b[k]);
            hi = Math.max(hi, b[k]);
            worst = Math.max(worst, Math.abs(a[k] - b[k]));
        }
        return worst <= 1e-4 * Math.max(hi - lo, 1e-12);
    }

    /** The float model's activations that are computed values of g (not inputs or constants). */
    private static List<String> onnxValues(QModel floatModel, Graph g) {
        List<String> r = new ArrayList<>();
        for (int a : floatModel.activations()) {
            String name = floatModel.tensors.get(a).name;
            Value v = g.value(name);
            if (v != null && !g.isGraphInput(v) && !v.isConstant() && v.producer() != null) {
                r.add(name);
            }
        }
        return r;
    }

    /** The inputs and every activation for sample i, stored layout. */
    private static Map<String, Tensor> sample(Probe probe, OrtRunner ort, List<String> fromOnnx,
            Map<String, Boolean> agrees, Graph g, LayoutPlan plan, CalibrationSource calib, int i) throws IOException {
        Map<String, Tensor> onnx = calib.sample(i);
        for (Value in : g.inputs()) {
            Tensor t = onnx.get(in.name());
            if (t == null) {
                throw new ModelException("calibration sample " + calib.describe(i) + " has no tensor for input \""
                        + in.name() + "\"; give one per input");
            }
            if (in.shape() != null && !in.shape().admits(t.shape())) {
                throw new ModelException("calibration sample " + calib.describe(i) + " gives input \"" + in.name()
                        + "\" shape " + Shape.of(t.shape()) + " but the model takes " + in.shape()
                        + "; give samples of the model's input shape (NCHW)");
            }
        }
        Map<String, Tensor> stored = Probe.toStored(g, plan, onnx);
        Map<String, Tensor> all = new HashMap<>(stored);
        all.putAll(probe.run(stored));
        if (!fromOnnx.isEmpty()) {
            ort.run(onnx, fromOnnx).forEach((name, t) -> {
                Layout l = plan.storedLayoutOf(g.value(name));
                Tensor reference = l == null || l.isIdentity() ? t : StoredTensors.transpose(t, l.perm());
                Tensor tflite = all.get(name);
                if (tflite != null && agrees.computeIfAbsent(name, k -> sameValue(tflite, reference))) {
                    all.put(name, reference);
                }
            });
        }
        return all;
    }
}
