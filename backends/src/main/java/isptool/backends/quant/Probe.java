package isptool.backends.quant;

import isptool.backends.layout.Layout;
import isptool.backends.layout.LayoutPlan;
import isptool.backends.tflite.Quantization;
import isptool.backends.tflite.TfliteModel.TensorInfo;
import isptool.backends.tflite.TfliteRunner;
import isptool.backends.tflite.lower.StoredTensors;
import isptool.graph.io.TempFiles;
import isptool.graph.DType;
import isptool.graph.Graph;
import isptool.graph.Tensor;
import isptool.graph.Value;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Runs a TFLite model in the interpreter with every activation exposed as an extra output, so
 * calibration and quality reports see the intermediates. Inputs are given as float in the stored
 * layout and quantized here when the model takes integers; every result comes back as float.
 */
final class Probe implements AutoCloseable {
    private final Path file;
    private final TfliteRunner runner;

    private Probe(Path file, TfliteRunner runner) {
        this.file = file;
        this.runner = runner;
    }

    /** Writes m with its activations as outputs to a temporary file and opens it. */
    static Probe open(QModel m) {
        return open(m, true);
    }

    /** Opens m as it is (only its own outputs come back). */
    static Probe openOutputsOnly(QModel m) {
        return open(m, false);
    }

    private static Probe open(QModel m, boolean intermediates) {
        Set<Integer> outs = new LinkedHashSet<>();
        for (int o : m.outputs) {
            outs.add(o);
        }
        for (int a : intermediates ? m.activations() : new int[0]) {
            outs.add(a);
        }
        try {
            Path f = TempFiles.inSystemTemp("isptool-probe");
            m.withOutputs(outs.stream().mapToInt(Integer::intValue).toArray()).builder().write(f);
            try {
                return new Probe(f, TfliteRunner.open(f));
            } catch (RuntimeException e) {
                TempFiles.delete(f);
                throw e;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every activation (float; quantized ones dequantized), in the stored layout, by tensor name. */
    Map<String, Tensor> run(Map<String, Tensor> storedFloatInputs) {
        Map<String, Tensor> feed = new LinkedHashMap<>();
        for (TensorInfo in : runner.model().inputs()) {
            Tensor t = storedFloatInputs.get(in.name());
            feed.put(in.name(), in.quantization() == null ? t : QuantMath.quantize(t, in.quantization(),
                    in.type().dtype()));
        }
        Map<String, Tensor> out = new LinkedHashMap<>();
        runner.run(feed).forEach((name, t) -> {
            Quantization q = runner.model().tensor(name).quantization();
            out.put(name, t.dtype() == DType.FLOAT ? t : QuantMath.dequantize(t, q));
        });
        return out;
    }

    /** The graph's inputs (ONNX layout) as the TFLite model stores them. */
    static Map<String, Tensor> toStored(Graph g, LayoutPlan plan, Map<String, Tensor> onnx) {
        Map<String, Tensor> r = new LinkedHashMap<>();
        for (Value in : g.inputs()) {
            Tensor t = onnx.get(in.name());
            if (t != null) {
                Layout l = plan.layoutOf(in);
                r.put(in.name(), l == null || l.isIdentity() ? t : StoredTensors.transpose(t, l.perm()));
            }
        }
        return r;
    }

    /** A stored tensor back in ONNX axis order. */
    static Tensor toOnnx(Tensor stored, Layout l) {
        if (l == null || l.isIdentity() || l.rank() != stored.rank()) {
            return stored;
        }
        int[] inverse = new int[l.rank()];
        for (int j = 0; j < inverse.length; j++) {
            inverse[l.perm()[j]] = j;
        }
        return StoredTensors.transpose(stored, inverse);
    }

    @Override
    public void close() {
        runner.close();
        try {
            TempFiles.delete(file);
        } catch (IOException e) {
            // left for the shutdown hook or the next run's sweep
        }
    }
}
