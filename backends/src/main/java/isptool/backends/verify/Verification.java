package isptool.backends.verify;

import isptool.backends.ort.Inputs;
import isptool.backends.ort.OrtRunner;
import isptool.backends.tflite.TfliteRunner;
import isptool.backends.tflite.lower.StoredTensors;
import isptool.graph.Graph;
import isptool.graph.ModelException;
import isptool.graph.Tensor;
import isptool.graph.Value;
import isptool.graph.io.TensorFiles;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Runs the source and the result on the same input and compares every output: ONNX against ONNX
 * (reparam, the ONNX convert hands to Qualcomm's converter) and ONNX against TFLite (convert).
 */
public final class Verification {
    /** The comparison of every output, judged against a relative tolerance. */
    public record Result(String inputDescription, List<Comparison> comparisons, double tolerance) {
        public boolean ok() {
            return comparisons.stream().allMatch(c -> c.withinRelative(tolerance));
        }

        public List<String> lines() {
            List<String> r = new ArrayList<>();
            for (Comparison c : comparisons) {
                r.add(c + (c.withinRelative(tolerance) ? "" : String.format(Locale.ROOT, "  (tolerance %.0e)", tolerance)));
            }
            return r;
        }

        public String worst() {
            Comparison w = comparisons.stream().filter(c -> !c.withinRelative(tolerance)).findFirst()
                    .orElseGet(() -> comparisons.stream().max((a, b) -> Double.compare(a.maxRel(), b.maxRel()))
                            .orElseThrow());
            if (w.nonFinite().any()) {
                return "output \"" + w.output() + "\": " + w.nonFinite().describe();
            }
            return String.format(Locale.ROOT, "output \"%s\": max abs %.2e, relative %.2e > %.0e", w.output(), w.maxAbs(),
                    w.maxRel(), tolerance);
        }

        public Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("input", inputDescription);
            m.put("tolerance", tolerance);
            m.put("ok", ok());
            List<Object> outs = new ArrayList<>();
            for (Comparison c : comparisons) {
                Map<String, Object> o = new LinkedHashMap<>();
                o.put("output", c.output());
                o.put("max_abs", c.maxAbs());
                o.put("max_rel", c.maxRel());
                o.put("psnr_db", c.psnr());
                o.put("cosine", c.cosine());
                o.put("non_finite_reference", c.nonFinite().inReference());
                o.put("non_finite_result", c.nonFinite().inResult());
                o.put("non_finite_differing", c.nonFinite().differing());
                outs.add(o);
            }
            m.put("outputs", outs);
            return m;
        }
    }

    private Verification() {
    }

    /** Runs two ONNX files in onnxruntime (from disk, so large weights stay off the Java heap). */
    public static Result compareOnnx(Path reference, Path candidate, Map<String, Tensor> inputs, String described,
            double tolerance) {
        Map<String, Tensor> ref = OrtRunner.runOnce(reference, inputs, OrtRunner.Options.REFERENCE);
        Map<String, Tensor> got = OrtRunner.runOnce(candidate, inputs, OrtRunner.Options.REFERENCE);
        return new Result(described, Comparison.compare(ref, got), tolerance);
    }

    /**
     * Runs the ONNX reference in onnxruntime and the TFLite model in the TFLite interpreter on the
     * same input: with nhwcIo, rank-4 tensors go in as NHWC and their outputs are compared back in
     * NCHW; otherwise both models take and give the ONNX layout.
     */
    public static Result compareOnnxWithTflite(Path reference, Path tflite, Map<String, Tensor> inputs,
            String described, double tolerance, boolean nhwcIo) {
        Map<String, Tensor> ref = OrtRunner.runOnce(reference, inputs, OrtRunner.Options.REFERENCE);
        Map<String, Tensor> feed = new LinkedHashMap<>();
        inputs.forEach((name, t) -> feed.put(name, nhwcIo ? StoredTensors.toNhwc(t) : t));
        Map<String, Tensor> got = new LinkedHashMap<>();
        try (TfliteRunner runner = TfliteRunner.open(tflite)) {
            runner.run(feed).forEach((name, t) -> got.put(name, nhwcIo ? StoredTensors.toNchw(t) : t));
        }
        return new Result(described, Comparison.compare(ref, got), tolerance);
    }

    /** The --verify-input tensors (NAME=file.npy, or file.npy for a one-input model), checked against the graph's inputs, or seeded random ones. */
    public static Map<String, Tensor> inputs(Graph g, List<String> specs, long seed) {
        if (specs.isEmpty()) {
            return Inputs.random(g, seed);
        }
        Map<String, Tensor> r = new LinkedHashMap<>();
        Map<String, String> files = new LinkedHashMap<>();
        for (String spec : specs) {
            int eq = spec.indexOf('=');
            String name;
            String file;
            if (eq > 0) {
                name = spec.substring(0, eq);
                file = spec.substring(eq + 1);
            } else if (g.inputs().size() == 1) {
                name = g.inputs().get(0).name();
                file = spec;
            } else {
                throw new ModelException("--verify-input " + spec + ": the model has " + g.inputs().size()
                        + " inputs; write NAME=file.npy (inputs: " + names(g) + ")");
            }
            Value in = g.value(name);
            if (in == null || !g.isGraphInput(in)) {
                throw new ModelException("--verify-input " + spec + ": \"" + name + "\" is not an input of "
                        + g.source() + " (inputs: " + names(g) + ")");
            }
            if (r.containsKey(name)) {
                throw new ModelException("--verify-input is given twice for input \"" + name + "\" of " + g.source()
                        + " (" + files.get(name) + " and " + file + "); give one tensor per input");
            }
            Tensor t = TensorFiles.read(Path.of(file));
            checkShape(g, in, t, file);
            checkFinite(in, t, file);
            r.put(name, t);
            files.put(name, file);
        }
        for (Value in : g.inputs()) {
            if (!r.containsKey(in.name())) {
                throw new ModelException("--verify-input gives no tensor for input \"" + in.name() + "\" of "
                        + g.source() + "; give one per input as NAME=file.npy");
            }
        }
        return r;
    }

    private static void checkShape(Graph g, Value in, Tensor t, String file) {
        if (in.shape() == null) {
            return;
        }
        if (!in.shape().admits(t.shape())) {
            throw new ModelException(file + ": shape " + Arrays.toString(t.shape()) + " does not fit input \"" + in.name()
                    + "\" of " + g.source() + ", which is " + in.shape() + "; save the tensor in the ONNX input layout");
        }
    }

    /** NaN or inf in the input makes both runtimes' outputs non-finite, and the comparison proves nothing. */
    private static void checkFinite(Value in, Tensor t, String file) {
        NonFiniteValues bad = NonFiniteValues.of(t);
        if (bad != null) {
            throw new ModelException(file + ": the tensor for input \"" + in.name() + "\" holds " + bad.describe()
                    + "; verification needs a finite input: fix the file or leave out --verify-input");
        }
    }

    private static String names(Graph g) {
        List<String> n = new ArrayList<>();
        for (Value v : g.inputs()) {
            n.add(v.name() + " " + v.shape());
        }
        return String.join(", ", n);
    }
}
