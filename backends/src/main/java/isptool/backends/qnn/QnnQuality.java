package isptool.backends.qnn;

import isptool.backends.layout.Layout;
import isptool.backends.layout.LayoutPlan;
import isptool.backends.ort.OrtRunner;
import isptool.backends.tflite.lower.StoredTensors;
import isptool.backends.verify.Comparison;
import isptool.graph.Graph;
import isptool.graph.ModelException;
import isptool.graph.Tensor;
import isptool.graph.Value;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The quantization simulator's outputs against onnxruntime float32 on the same input: max abs,
 * PSNR and cosine per graph output. Inputs are given in ONNX layout and put into the stored
 * (NHWC) layout the emitted graph uses by the same layout plan; outputs go back the same way.
 * QNN tensors carry the TFLite names, which are the ONNX value names of graph inputs and outputs.
 */
public final class QnnQuality {
    private QnnQuality() {
    }

    public static List<Comparison> compare(QnnGraph q, Map<String, byte[]> members, Graph g, LayoutPlan plan,
            Map<String, Tensor> onnxInputs) {
        Map<String, Tensor> stored = new LinkedHashMap<>();
        for (Value in : g.inputs()) {
            Tensor t = onnxInputs.get(in.name());
            if (t != null) {
                Layout l = plan.layoutOf(in);
                stored.put(in.name(), l == null || l.isIdentity() ? t : StoredTensors.transpose(t, l.perm()));
            }
        }
        Map<String, Tensor> got = QnnQuantSim.run(q, members, stored);
        List<String> names = g.outputs().stream().map(Value::name).toList();
        Map<String, Tensor> ref = OrtRunner.runCapturing(g, onnxInputs, names, OrtRunner.Options.REFERENCE);
        List<Comparison> r = new ArrayList<>();
        for (Value v : g.outputs()) {
            Tensor actual = got.get(v.name());
            Tensor expected = ref.get(v.name());
            if (actual == null || expected == null) {
                throw new ModelException("QNN graph " + q.name() + " has no output \"" + v.name() + "\"");
            }
            r.add(Comparison.of(v.name(), expected, toOnnx(actual, plan.layoutOf(v), expected.shape())));
        }
        return r;
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
