package isptool.graph.io;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import isptool.graph.ModelException;
import isptool.graph.onnx.OnnxProto.GraphProto;
import isptool.graph.onnx.OnnxProto.ModelProto;
import isptool.graph.onnx.OnnxProto.NodeProto;
import isptool.graph.onnx.OnnxProto.OperatorSetIdProto;
import isptool.graph.onnx.OnnxProto.TensorProto;
import isptool.graph.onnx.OnnxProto.TensorShapeProto;
import isptool.graph.onnx.OnnxProto.TypeProto;
import isptool.graph.onnx.OnnxProto.ValueInfoProto;
import org.junit.jupiter.api.Test;

/** Models the importer refuses, each with one message naming the file and the tensor, node or function. */
class OnnxImportValidationTest {
    static ValueInfoProto input(String name, long... dims) {
        TensorShapeProto.Builder s = TensorShapeProto.newBuilder();
        for (long d : dims) {
            s.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return ValueInfoProto.newBuilder().setName(name)
                .setType(TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder().setElemType(1).setShape(s)))
                .build();
    }

    /** y = x + w: the smallest model with an input, an initializer and a node. */
    static GraphProto.Builder addGraph(TensorProto w) {
        return GraphProto.newBuilder().setName("g").addInput(input("x", 2)).addInitializer(w)
                .addNode(NodeProto.newBuilder().setOpType("Add").setName("add").addInput("x").addInput(w.getName())
                        .addOutput("y"))
                .addOutput(ValueInfoProto.newBuilder().setName("y"));
    }

    static byte[] model(GraphProto.Builder g) {
        return ModelProto.newBuilder().setIrVersion(7).addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(13))
                .setGraph(g).build().toByteArray();
    }

    static void refused(byte[] model, String... mentions) {
        ModelException e = assertThrows(ModelException.class, () -> OnnxImporter.parse(model, "bad.onnx"));
        assertTrue(e.getMessage().startsWith("bad.onnx: "), e.getMessage());
        for (String m : mentions) {
            assertTrue(e.getMessage().contains(m), "should mention " + m + ": " + e.getMessage());
        }
    }

    @Test
    void dimsClaimingGigabytesAreRefusedBeforeAllocating() {
        // 2^31 floats in the typed field: the buffer was allocated before the count was checked
        refused(model(addGraph(TensorProto.newBuilder().setName("w").setDataType(1).addDims(1L << 31)
                .addFloatData(1).addFloatData(2).build())), "initializer \"w\"", "2 GiB");
        refused(model(addGraph(TensorProto.newBuilder().setName("w").setDataType(1).addDims(400_000_000L)
                .addFloatData(1).addFloatData(2).build())), "initializer \"w\"", "2 values for 400000000 elements");
    }

    @Test
    void dimsWhoseProductOverflowsAreRefused() {
        // 2^40 * 2^40 * 2^40 wraps to 0 elements in 64 bits, which "matched" the empty raw data
        refused(model(addGraph(TensorProto.newBuilder().setName("w").setDataType(1).addDims(1L << 40)
                .addDims(1L << 40).addDims(1L << 40).setRawData(ByteString.EMPTY).build())), "initializer \"w\"", "2 GiB");
    }
}
