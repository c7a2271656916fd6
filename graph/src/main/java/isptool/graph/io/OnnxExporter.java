package isptool.graph.io;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import isptool.graph.Attr;
import isptool.graph.Graph;
import isptool.graph.Node;
import isptool.graph.Shape;
import isptool.graph.Tensor;
import isptool.graph.Value;
import isptool.graph.onnx.OnnxProto.AttributeProto;
import isptool.graph.onnx.OnnxProto.GraphProto;
import isptool.graph.onnx.OnnxProto.ModelProto;
import isptool.graph.onnx.OnnxProto.NodeProto;
import isptool.graph.onnx.OnnxProto.OperatorSetIdProto;
import isptool.graph.onnx.OnnxProto.StringStringEntryProto;
import isptool.graph.onnx.OnnxProto.TensorProto;
import isptool.graph.onnx.OnnxProto.TensorShapeProto;
import isptool.graph.onnx.OnnxProto.TypeProto;
import isptool.graph.onnx.OnnxProto.ValueInfoProto;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Writes the IR back to ONNX, keeping input/output names and order. Constants become
 * initializers whose raw data wraps the tensors' buffers (no copy).
 */
public final class OnnxExporter {
    /** Oldest IR version written: 4 lets initializers stay out of the graph inputs. */
    private static final long MIN_IR_VERSION = 7;

    private OnnxExporter() {
    }

    public static void write(Graph g, Path target) throws IOException {
        ModelProto m = toProto(g);
        AtomicFiles.write(target, m::writeTo);
    }

    public static byte[] toBytes(Graph g) {
        return toProto(g).toByteArray();
    }

    public static ModelProto toProto(Graph g) {
        ModelProto.Builder m = ModelProto.newBuilder()
                .setIrVersion(Math.max(g.irVersion(), MIN_IR_VERSION))
                .setProducerName("isptool")
                .setProducerVersion("0.1.0");
        for (Map.Entry<String, Long> e : g.opsets().entrySet()) {
            m.addOpsetImport(OperatorSetIdProto.newBuilder().setDomain(e.getKey()).setVersion(e.getValue()));
        }
        for (Map.Entry<String, String> e : g.metadata().entrySet()) {
            m.addMetadataProps(StringStringEntryProto.newBuilder().setKey(e.getKey()).setValue(e.getValue()));
        }
        GraphProto.Builder gp = GraphProto.newBuilder().setName(g.name());
        Set<Value> written = new HashSet<>();
        for (Value in : g.inputs()) {
            gp.addInput(valueInfo(in));
            written.add(in);
        }
        for (Value out : g.outputs()) {
            gp.addOutput(valueInfo(out));
        }
        for (Value c : g.constants()) {
            if (!c.users().isEmpty() || g.isGraphOutput(c)) {
                gp.addInitializer(tensor(c.constant(), c.name()));
                written.add(c);
            }
        }
        for (Node n : g.nodes()) {
            gp.addNode(node(n));
            for (Value o : n.outputs()) {
                if (!g.isGraphOutput(o) && o.dtype() != null && written.add(o)) {
                    gp.addValueInfo(valueInfo(o));
                }
            }
        }
        return m.setGraph(gp).build();
    }

    private static NodeProto node(Node n) {
        NodeProto.Builder b = NodeProto.newBuilder().setName(n.name()).setOpType(n.opType());
        if (!n.domain().isEmpty()) {
            b.setDomain(n.domain());
        }
        for (Value v : n.inputs()) {
            b.addInput(v == null ? "" : v.name());
        }
        for (Value v : n.outputs()) {
            b.addOutput(v.name());
        }
        for (Map.Entry<String, Attr> e : n.attrs().entrySet()) {
            b.addAttribute(attribute(e.getKey(), e.getValue()));
        }
        return b.build();
    }

    private static AttributeProto attribute(String name, Attr a) {
        AttributeProto.Builder b = AttributeProto.newBuilder().setName(name);
        switch (a.kind()) {
            case INT -> b.setType(AttributeProto.AttributeType.INT).setI((Long) a.value());
            case FLOAT -> b.setType(AttributeProto.AttributeType.FLOAT).setF((Float) a.value());
            case STRING -> b.setType(AttributeProto.AttributeType.STRING).setS(ByteString.copyFromUtf8((String) a.value()));
            case INTS -> {
                b.setType(AttributeProto.AttributeType.INTS);
                for (long v : (long[]) a.value()) {
                    b.addInts(v);
                }
            }
            case FLOATS -> {
                b.setType(AttributeProto.AttributeType.FLOATS);
                for (float v : (float[]) a.value()) {
                    b.addFloats(v);
                }
            }
            case STRINGS -> {
                b.setType(AttributeProto.AttributeType.STRINGS);
                for (String v : (String[]) a.value()) {
                    b.addStrings(ByteString.copyFromUtf8(v));
                }
            }
            case TENSOR -> b.setType(AttributeProto.AttributeType.TENSOR).setT(tensor((Tensor) a.value(), ""));
            default -> throw new IllegalStateException("attribute kind " + a.kind());
        }
        return b.build();
    }

    public static TensorProto tensor(Tensor t, String name) {
        TensorProto.Builder b = TensorProto.newBuilder().setDataType(t.dtype().onnxCode);
        if (!name.isEmpty()) {
            b.setName(name);
        }
        for (long d : t.shape()) {
            b.addDims(d);
        }
        return b.setRawData(UnsafeByteOperations.unsafeWrap(t.rawData())).build();
    }

    private static ValueInfoProto valueInfo(Value v) {
        ValueInfoProto.Builder b = ValueInfoProto.newBuilder().setName(v.name());
        if (v.dtype() == null) {
            return b.build();
        }
        TypeProto.Tensor.Builder tt = TypeProto.Tensor.newBuilder().setElemType(v.dtype().onnxCode);
        Shape s = v.shape();
        if (s != null) {
            TensorShapeProto.Builder sp = TensorShapeProto.newBuilder();
            for (int i = 0; i < s.rank(); i++) {
                TensorShapeProto.Dimension.Builder d = TensorShapeProto.Dimension.newBuilder();
                if (s.dim(i) >= 0) {
                    d.setDimValue(s.dim(i));
                } else if (s.symbol(i) != null) {
                    d.setDimParam(s.symbol(i));
                }
                sp.addDim(d);
            }
            tt.setShape(sp);
        }
        return b.setType(TypeProto.newBuilder().setTensorType(tt)).build();
    }
}
