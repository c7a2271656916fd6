package isptool.graph.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import isptool.graph.DType;
import isptool.graph.Graph;
import isptool.graph.Half;
import isptool.graph.ModelException;
import isptool.graph.Node;
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
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Import of every tensor storage form, Constant nodes, old-style inputs and external data; export round trip. */
class OnnxImportExportTest {
    @TempDir
    Path tmp;

    private static ValueInfoProto info(String name, int type, long... dims) {
        TensorShapeProto.Builder s = TensorShapeProto.newBuilder();
        for (long d : dims) {
            s.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return ValueInfoProto.newBuilder().setName(name)
                .setType(TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder().setElemType(type).setShape(s)))
                .build();
    }

    /** x -> Add(x, c_i) for each initializer so every one is used; output y. */
    private static ModelProto model(List<TensorProto> initializers, List<NodeProto> extraNodes, boolean listInitializersAsInputs) {
        GraphProto.Builder g = GraphProto.newBuilder().setName("g").addInput(info("x", 1, 2));
        String prev = "x";
        int i = 0;
        for (TensorProto t : initializers) {
            g.addInitializer(t);
            if (listInitializersAsInputs) {
                long[] dims = t.getDimsList().stream().mapToLong(Long::longValue).toArray();
                g.addInput(info(t.getName(), t.getDataType(), dims));
            }
            String out = "s" + i++;
            g.addNode(NodeProto.newBuilder().setOpType("Add").setName("add_" + t.getName()).addInput(prev)
                    .addInput(t.getName()).addOutput(out));
            prev = out;
        }
        for (NodeProto n : extraNodes) {
            g.addNode(n);
        }
        g.addNode(NodeProto.newBuilder().setOpType("Identity").setName("out").addInput(prev).addOutput("y"));
        g.addOutput(info("y", 1, 2));
        return ModelProto.newBuilder().setIrVersion(3).addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(9))
                .setGraph(g).build();
    }

    private static Tensor only(Graph g, String name) {
        Value v = g.value(name);
        assertNotNull(v, name);
        assertTrue(v.isConstant(), name + " is constant");
        return v.constant();
    }

    @Test
    void everyStorageForm() {
        ByteBuffer raw = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putFloat(1.5f).putFloat(-2f);
        List<TensorProto> ts = List.of(
                TensorProto.newBuilder().setName("raw").setDataType(1).addDims(2).setRawData(ByteString.copyFrom(raw.array())).build(),
                TensorProto.newBuilder().setName("floats").setDataType(1).addDims(2).addFloatData(3f).addFloatData(4f).build(),
                TensorProto.newBuilder().setName("doubles").setDataType(11).addDims(2).addDoubleData(0.25).addDoubleData(-8).build(),
                TensorProto.newBuilder().setName("halfs").setDataType(10).addDims(2)
                        .addInt32Data(Half.fromFloat(0.5f) & 0xffff).addInt32Data(Half.fromFloat(-3f) & 0xffff).build(),
                TensorProto.newBuilder().setName("int8s").setDataType(3).addDims(2).addInt32Data(-7).addInt32Data(100).build(),
                TensorProto.newBuilder().setName("uint8s").setDataType(2).addDims(2).addInt32Data(200).addInt32Data(1).build(),
                TensorProto.newBuilder().setName("int16s").setDataType(5).addDims(2).addInt32Data(-300).addInt32Data(7).build(),
                TensorProto.newBuilder().setName("int32s").setDataType(6).addDims(2).addInt32Data(-70000).addInt32Data(9).build(),
                TensorProto.newBuilder().setName("int64s").setDataType(7).addDims(2).addInt64Data(1L << 40).addInt64Data(-1).build(),
                TensorProto.newBuilder().setName("bools").setDataType(9).addDims(2).addInt32Data(1).addInt32Data(0).build());
        Graph g = OnnxImporter.parse(model(ts, List.of(), true).toByteArray(), "forms.onnx");
        assertArrayEquals(new float[] {1.5f, -2f}, only(g, "raw").toFloats());
        assertArrayEquals(new float[] {3f, 4f}, only(g, "floats").toFloats());
        assertArrayEquals(new double[] {0.25, -8}, only(g, "doubles").toDoubles());
        assertEquals(DType.FLOAT16, only(g, "halfs").dtype());
        assertArrayEquals(new double[] {0.5, -3}, only(g, "halfs").toDoubles());
        assertArrayEquals(new long[] {-7, 100}, only(g, "int8s").toLongs());
        assertArrayEquals(new long[] {200, 1}, only(g, "uint8s").toLongs());
        assertArrayEquals(new long[] {-300, 7}, only(g, "int16s").toLongs());
        assertArrayEquals(new long[] {-70000, 9}, only(g, "int32s").toLongs());
        assertArrayEquals(new long[] {1L << 40, -1}, only(g, "int64s").toLongs());
        assertArrayEquals(new long[] {1, 0}, only(g, "bools").toLongs());
        // initializers listed as inputs (old exporters) are constants, not graph inputs
        assertEquals(1, g.inputs().size());
        assertEquals("x", g.inputs().get(0).name());
    }

    @Test
    void constantNodesInEveryForm() {
        List<NodeProto> consts = List.of(
                constant("cf", AttributeProto.newBuilder().setName("value_float").setType(AttributeProto.AttributeType.FLOAT).setF(2.5f)),
                constant("cfs", AttributeProto.newBuilder().setName("value_floats").setType(AttributeProto.AttributeType.FLOATS)
                        .addFloats(1).addFloats(2)),
                constant("ci", AttributeProto.newBuilder().setName("value_int").setType(AttributeProto.AttributeType.INT).setI(7)),
                constant("cis", AttributeProto.newBuilder().setName("value_ints").setType(AttributeProto.AttributeType.INTS)
                        .addInts(3).addInts(4)),
                constant("ct", AttributeProto.newBuilder().setName("value").setType(AttributeProto.AttributeType.TENSOR)
                        .setT(TensorProto.newBuilder().setDataType(1).addDims(2).addFloatData(5).addFloatData(6))));
        ModelProto m = model(List.of(), consts, false);
        GraphProto.Builder gb = m.getGraph().toBuilder();
        for (String c : List.of("cf", "cfs", "ci", "cis", "ct")) {
            gb.addOutput(ValueInfoProto.newBuilder().setName(c));
        }
        Graph g = OnnxImporter.parse(m.toBuilder().setGraph(gb).build().toByteArray(), "consts.onnx");
        assertArrayEquals(new float[] {2.5f}, only(g, "cf").toFloats());
        assertArrayEquals(new float[] {1, 2}, only(g, "cfs").toFloats());
        assertArrayEquals(new long[] {7}, only(g, "ci").toLongs());
        assertArrayEquals(new long[] {3, 4}, only(g, "cis").toLongs());
        assertArrayEquals(new float[] {5, 6}, only(g, "ct").toFloats());
        for (Node n : g.nodes()) {
            assertTrue(!n.opType().equals("Constant"), "Constant nodes become constants");
        }
    }

    private static NodeProto constant(String out, AttributeProto.Builder attr) {
        return NodeProto.newBuilder().setOpType("Constant").setName(out + "_node").addOutput(out).addAttribute(attr).build();
    }

    private TensorProto external(String location, long offset) {
        return TensorProto.newBuilder().setName("w").setDataType(1).addDims(2)
                .setDataLocation(TensorProto.DataLocation.EXTERNAL)
                .addExternalData(StringStringEntryProto.newBuilder().setKey("location").setValue(location))
                .addExternalData(StringStringEntryProto.newBuilder().setKey("offset").setValue(Long.toString(offset)))
                .addExternalData(StringStringEntryProto.newBuilder().setKey("length").setValue("8")).build();
    }

    @Test
    void externalDataNextToTheModel() throws IOException {
        ByteBuffer b = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN).putInt(0).putFloat(7f).putFloat(-1f);
        Files.write(tmp.resolve("weights.bin"), b.array());
        Path model = tmp.resolve("m.onnx");
        Files.write(model, model(List.of(external("weights.bin", 4)), List.of(), false).toByteArray());
        assertArrayEquals(new float[] {7f, -1f}, only(OnnxImporter.load(model), "w").toFloats());
    }

    @Test
    void externalDataOutsideTheModelFolderIsRefused() throws IOException {
        Path sub = Files.createDirectory(tmp.resolve("models"));
        Files.write(tmp.resolve("secret.bin"), new byte[8]);
        Path model = sub.resolve("m.onnx");
        Files.write(model, model(List.of(external("../secret.bin", 0)), List.of(), false).toByteArray());
        ModelException e = assertThrows(ModelException.class, () -> OnnxImporter.load(model));
        assertTrue(e.getMessage().contains("outside the model's folder"), e.getMessage());
        Files.write(model, model(List.of(external(tmp.resolve("secret.bin").toString(), 0)), List.of(), false).toByteArray());
        e = assertThrows(ModelException.class, () -> OnnxImporter.load(model));
        assertTrue(e.getMessage().contains("outside the model's folder"), e.getMessage());
    }

    @Test
    void missingOrShortExternalData() throws IOException {
        Path model = tmp.resolve("m.onnx");
        Files.write(model, model(List.of(external("gone.bin", 0)), List.of(), false).toByteArray());
        ModelException e = assertThrows(ModelException.class, () -> OnnxImporter.load(model));
        assertTrue(e.getMessage().contains("gone.bin") && e.getMessage().contains("missing"), e.getMessage());
        Files.write(tmp.resolve("short.bin"), new byte[4]);
        Files.write(model, model(List.of(external("short.bin", 0)), List.of(), false).toByteArray());
        e = assertThrows(ModelException.class, () -> OnnxImporter.load(model));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void rawDataOfTheWrongLengthIsCorrupt() {
        TensorProto bad = TensorProto.newBuilder().setName("bad").setDataType(1).addDims(3)
                .setRawData(ByteString.copyFrom(new byte[8])).build();
        ModelException e = assertThrows(ModelException.class,
                () -> OnnxImporter.parse(model(List.of(bad), List.of(), false).toByteArray(), "bad.onnx"));
        assertTrue(e.getMessage().startsWith("bad.onnx: initializer \"bad\""), e.getMessage());
    }

    @Test
    void undefinedInputNamesTheNode() {
        ModelProto m = model(List.of(), List.of(), false);
        GraphProto g = m.getGraph().toBuilder().setNode(0, NodeProto.newBuilder().setOpType("Identity").setName("out")
                .addInput("ghost").addOutput("y")).build();
        ModelException e = assertThrows(ModelException.class,
                () -> OnnxImporter.parse(m.toBuilder().setGraph(g).build().toByteArray(), "ghost.onnx"));
        assertTrue(e.getMessage().contains("node \"out\" (Identity)") && e.getMessage().contains("ghost"), e.getMessage());
    }

    @Test
    void subgraphsAreRefusedWithTheNode() {
        ModelProto m = model(List.of(), List.of(), false);
        NodeProto ifNode = NodeProto.newBuilder().setOpType("If").setName("branchy").addInput("x").addOutput("z")
                .addAttribute(AttributeProto.newBuilder().setName("then_branch").setType(AttributeProto.AttributeType.GRAPH)
                        .setG(GraphProto.newBuilder().setName("t"))).build();
        ModelProto withIf = m.toBuilder().setGraph(m.getGraph().toBuilder().addNode(0, ifNode)).build();
        ModelException e = assertThrows(ModelException.class, () -> OnnxImporter.parse(withIf.toByteArray(), "if.onnx"));
        assertTrue(e.getMessage().contains("node \"branchy\" (If)"), e.getMessage());
    }

    @Test
    void exportKeepsNamesOrderAndData() {
        ByteBuffer raw = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putFloat(1.5f).putFloat(-2f);
        TensorProto c = TensorProto.newBuilder().setName("c").setDataType(1).addDims(2)
                .setRawData(ByteString.copyFrom(raw.array())).build();
        Graph g = OnnxImporter.parse(model(List.of(c), List.of(), true).toByteArray(), "m.onnx");
        Graph back = OnnxImporter.parse(OnnxExporter.toBytes(g), "back.onnx");
        assertEquals(List.of("x"), back.inputs().stream().map(Value::name).toList());
        assertEquals(List.of("y"), back.outputs().stream().map(Value::name).toList());
        assertArrayEquals(new float[] {1.5f, -2f}, only(back, "c").toFloats());
        assertEquals(g.opHistogram(), back.opHistogram());
        assertEquals(9L, back.opset());
    }
}
