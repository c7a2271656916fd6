package isptool.backends.qnn;

import isptool.graph.ModelException;
import isptool.graph.Tensor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a QNN graph as written, the AIMET quantsim idea: static tensors are read back from the
 * NAME.bin members and dequantized with their emitted encodings; each node's math runs in double
 * on real values (QnnKernels); every tensor a node writes is then quantized and dequantized with
 * its own emitted type and encoding (fixed point: {@code q = clamp(round(x / s) - offset)},
 * {@code x' = s (q + offset)}; FLOAT_16 / FLOAT_32: rounded to that float). What it leaves out:
 * the integer requantization arithmetic of a real backend (fixed-point multipliers, LUT-based
 * sigmoid/tanh), so it measures what the encodings cost, not a kernel's rounding.
 */
public final class QnnQuantSim {
    private QnnQuantSim() {
    }

    /**
     * Outputs (keyed by source name, QNN dims, float32 values) for inputs keyed by the graph
     * input's source name (in QNN dims, NHWC). members are NAME.bin's {@code <name>.raw} files.
     */
    public static Map<String, Tensor> run(QnnGraph g, Map<String, byte[]> members, Map<String, Tensor> inputs) {
        return run(g, members, inputs, g.outputs());
    }

    /** As {@link #run(QnnGraph, Map, Map)}, returning the named tensors (graph outputs or intermediates). */
    public static Map<String, Tensor> run(QnnGraph g, Map<String, byte[]> members, Map<String, Tensor> inputs,
            List<String> wanted) {
        Map<String, QnnKernels.Arr> values = new HashMap<>();
        for (String in : g.inputs()) {
            QnnTensor t = g.tensor(in);
            Tensor x = inputs.get(t.source());
            if (x == null || x.elementCount() != t.elementCount()) {
                throw new ModelException("quantization simulator: no input \"" + t.source() + "\" with "
                        + t.elementCount() + " elements");
            }
            values.put(in, store(t, x.toDoubles()));
        }
        for (QnnTensor t : g.statics()) {
            byte[] raw = members.get(t.name() + ".raw");
            if (raw == null || raw.length != t.elementCount() * t.type().bytes) {
                throw new ModelException("quantization simulator: " + g.name() + ".bin has " + (raw == null
                        ? "no member " + t.name() + ".raw" : raw.length + " bytes in " + t.name() + ".raw, not "
                        + t.elementCount() * t.type().bytes));
            }
            values.put(t.name(), new QnnKernels.Arr(QnnValues.real(raw, t.type(), t.dims(), t.encoding()), t.dims()));
        }
        for (QnnNode n : g.nodes()) {
            List<QnnKernels.Arr> in = new ArrayList<>();
            n.inputs().forEach(name -> in.add(values.get(name)));
            QnnTensor out = g.tensor(n.outputs().get(0));
            QnnKernels.Arr y = QnnKernels.run(n, in, out.dims());
            values.put(out.name(), store(out, y.v()));
        }
        Map<String, Tensor> r = new LinkedHashMap<>();
        for (String o : wanted) {
            QnnTensor t = g.tensor(o);
            long[] dims = new long[t.dims().length];
            for (int i = 0; i < dims.length; i++) {
                dims[i] = t.dims()[i];
            }
            r.put(t.source(), Tensor.ofDoublesAsFloat(dims, values.get(o).v()));
        }
        return r;
    }

    private static QnnKernels.Arr store(QnnTensor t, double[] v) {
        double[] r = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            r[i] = QnnValues.fakeQuant(v[i], t.type(), t.encoding(), t.dims(), i);
        }
        return new QnnKernels.Arr(r, t.dims());
    }
}
