package isptool.backends.ort;

import isptool.graph.Graph;
import isptool.graph.ModelException;
import isptool.graph.Value;
import isptool.graph.io.OnnxExporter;
import isptool.graph.onnx.OnnxProto.GraphProto;
import isptool.graph.onnx.OnnxProto.ModelProto;
import isptool.graph.onnx.OnnxProto.TypeProto;
import isptool.graph.onnx.OnnxProto.ValueInfoProto;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Makes intermediate values observable: the exported model gets them as extra graph outputs, so
 * one onnxruntime run returns activations for calibration and per-layer error reports. The IR is
 * not changed.
 */
final class Intermediates {
    private Intermediates() {
    }

    /**
     * The exported model with every named value that a node computes added as a graph output
     * (element type only: onnxruntime infers the shape). Graph inputs and constants are left out;
     * the caller has them already.
     */
    /** The value named name: a node output, graph input or constant; otherwise a one-line error. */
    static Value valueNamed(Graph g, String name) {
        Value v = g.value(name);
        if (v == null || (v.producer() == null && !v.isConstant() && !g.isGraphInput(v))) {
            throw new ModelException(g.source() + ": the model has no value named \"" + name
                    + "\"; give the name of a node output");
        }
        return v;
    }

    static ModelProto exposeAsOutputs(Graph g, List<String> names) {
        ModelProto m = OnnxExporter.toProto(g);
        GraphProto.Builder gp = m.getGraph().toBuilder();
        Set<String> outputs = new HashSet<>();
        for (ValueInfoProto o : gp.getOutputList()) {
            outputs.add(o.getName());
        }
        for (String name : names) {
            Value v = valueNamed(g, name);
            if (v.producer() == null || !outputs.add(name)) {
                continue;
            }
            ValueInfoProto.Builder vi = ValueInfoProto.newBuilder().setName(name);
            if (v.dtype() != null) {
                vi.setType(TypeProto.newBuilder().setTensorType(
                        TypeProto.Tensor.newBuilder().setElemType(v.dtype().onnxCode)));
            }
            gp.addOutput(vi);
        }
        return m.toBuilder().setGraph(gp).build();
    }
}
