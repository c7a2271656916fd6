package isptool.backends.qnn;

import isptool.backends.layout.Layout;
import isptool.backends.layout.LayoutPlan;
import isptool.backends.ort.OrtRunner;
import isptool.backends.quant.QualityReport;
import isptool.backends.tflite.lower.StoredTensors;
import isptool.backends.verify.Comparison;
import isptool.graph.Graph;
import isptool.graph.ModelException;
import isptool.graph.Node;
import isptool.graph.Tensor;
import isptool.graph.Value;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The quantization simulator's outputs against onnxruntime float32 on the same input: max abs,
 * PSNR and cosine per graph output (and per intermediate value, for --per-layer). Inputs are given in ONNX layout and put into the stored
 * (NHWC) layout the emitted graph uses by the same layout plan; outputs go back the same way.
 * QNN tensors carry the TFLite names, which are the ONNX value names of graph inputs and outputs.
 */
public final class QnnQuality {
    private QnnQuality() {
    }

    /** One Comparison per graph output. */
    public static List<Comparison> compare(QnnGraph q, Map<String, byte[]> members, Graph g, LayoutPlan plan,
            Map<String, Tensor> onnxInputs) {
        return compare(q, members, g, plan, onnxInputs, false).stream().filter(r -> g.isGraphOutput(g.value(r.tensor())))
                .map(QualityReport.Row::comparison).toList();
    }

    /**
     * Rows for the graph outputs and, with perLayer, for every intermediate QNN tensor that holds an
     * ONNX value (same name, same element count), in graph order (outputs last), each naming the ONNX
     * node writing it.
     */
    public static List<QualityReport.Row> compare(QnnGraph q, Map<String, byte[]> members, Graph g, LayoutPlan plan,
            Map<String, Tensor> onnxInputs, boolean perLayer) {
        Map<String, Tensor> stored = new LinkedHashMap<>();
        for (Value in : g.inputs()) {
            Tensor t = onnxInputs.get(in.name());
            if (t != null) {
                Layout l = plan.layoutOf(in);
                stored.put(in.name(), l == null || l.isIdentity() ? t : StoredTensors.transpose(t, l.perm()));
            }
        }
        List<Value> values = new ArrayList<>();
        List<String> wanted = new ArrayList<>();
        for (Value v : g.outputs()) {
            String source = q.tensor(q.outputs().get(g.outputs().indexOf(v))).source();
            if (!source.equals(v.name())) {
                throw new ModelException("QNN graph " + q.name() + ": output " + g.outputs().indexOf(v) + " is \""
                        + source + "\", the ONNX model's is \"" + v.name() + "\"");
            }
        }
        if (perLayer) {
            Map<String, String> bySource = new LinkedHashMap<>();
            q.tensors().values().stream().filter(t -> t.kind() == QnnTensor.Kind.NATIVE)
                    .forEach(t -> bySource.putIfAbsent(t.source(), t.name()));
            for (Node n : g.nodes()) {
                for (Value v : n.outputs()) {
                    if (v != null && !g.isGraphOutput(v) && bySource.containsKey(v.name())) {
                        values.add(v);
                        wanted.add(bySource.get(v.name()));
                    }
                }
            }
        }
        values.addAll(g.outputs());
        wanted.addAll(q.outputs());
        Map<String, Tensor> got = QnnQuantSim.run(q, members, stored, wanted);
        Map<String, Tensor> ref = OrtRunner.runCapturing(g, onnxInputs, values.stream().map(Value::name).toList(),
                OrtRunner.Options.REFERENCE);
        List<QualityReport.Row> rows = new ArrayList<>();
        for (Value v : values) {
            Tensor actual = got.get(v.name());
            Tensor expected = ref.get(v.name());
            if (actual == null || expected == null) {
                throw new ModelException("QNN graph " + q.name() + " has no tensor for \"" + v.name() + "\"");
            }
            if (g.isGraphOutput(v) || actual.elementCount() == expected.elementCount()) {
                Node n = Graph.producer(v);
                rows.add(new QualityReport.Row(v.name(), n == null ? "" : n.name(), n == null ? "" : n.opType(),
                        Comparison.of(v.name(), expected, toOnnx(actual, plan.storedLayoutOf(v), expected.shape()))));
            }
        }
        return rows;
    }

    private static Tensor toOnnx(Tensor stored, Layout l, long[] shape) {
        Tensor t = stored;
        if (l != null && !l.isIdentity() && l.rank() == stored.rank()) {
            int[] inverse = new int[l.rank()];
            for (int j = 0; j < inverse.length; j++) {
                inverse[l.perm()[j]] = j;
            }
            t = StoredTensors.transpose(stored, inverse);
        }
        return Arrays.equals(t.shape(), shape) ? t : t.reshape(shape);
    }
}
