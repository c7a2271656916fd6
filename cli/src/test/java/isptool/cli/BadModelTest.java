package isptool.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import isptool.graph.onnx.OnnxProto.FunctionProto;
import isptool.graph.onnx.OnnxProto.GraphProto;
import isptool.graph.onnx.OnnxProto.ModelProto;
import isptool.graph.onnx.OnnxProto.NodeProto;
import isptool.graph.onnx.OnnxProto.OperatorSetIdProto;
import isptool.graph.onnx.OnnxProto.TensorProto;
import isptool.graph.onnx.OnnxProto.TensorShapeProto;
import isptool.graph.onnx.OnnxProto.TypeProto;
import isptool.graph.onnx.OnnxProto.ValueInfoProto;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Malformed or unsupported models used to end as "internal error" (exit 1) in reparam or convert:
 * each is now exit 2 with one line naming the node or tensor, through both commands.
 */
class BadModelTest {
    @TempDir
    Path tmp;

    static ValueInfoProto tensor(String name, long... dims) {
        TensorShapeProto.Builder s = TensorShapeProto.newBuilder();
        for (long d : dims) {
            s.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return ValueInfoProto.newBuilder().setName(name)
                .setType(TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder().setElemType(1).setShape(s)))
                .build();
    }

    static TensorProto weight(String name, float value, long... dims) {
        long n = 1;
        for (long d : dims) {
            n *= d;
        }
        ByteBuffer b = ByteBuffer.allocate((int) n * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            b.putFloat(value);
        }
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(1).setRawData(ByteString.copyFrom(b.array()));
        for (long d : dims) {
            t.addDims(d);
        }
        return t.build();
    }

    /** y = Conv(x[1,3,8,8], W[4,3,3,3]), opset 13, with the change applied. */
    private Path model(String name, UnaryOperator<ModelProto.Builder> change) throws IOException {
        GraphProto.Builder g = GraphProto.newBuilder().setName("g").addInput(tensor("x", 1, 3, 8, 8))
                .addInitializer(weight("W", 1, 4, 3, 3, 3))
                .addNode(NodeProto.newBuilder().setOpType("Conv").setName("conv").addInput("x").addInput("W").addOutput("y"))
                .addOutput(ValueInfoProto.newBuilder().setName("y"));
        ModelProto.Builder m = ModelProto.newBuilder().setIrVersion(8)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(13)).setGraph(g);
        return Files.write(tmp.resolve(name), change.apply(m).build().toByteArray());
    }

    /** The model with a second node after the Conv: z = op(y), z the output. */
    private Path withSecondNode(String name, NodeProto.Builder node) throws IOException {
        return model(name, m -> {
            m.getGraphBuilder().addNode(node.addInput("y").addOutput("z")).clearOutput()
                    .addOutput(ValueInfoProto.newBuilder().setName("z"));
            return m;
        });
    }

    private void assertRefusedByBothCommands(Path model, String... mentions) throws IOException {
        assertRefused(TestFiles.isptool("reparam", model.toString(), "-o", tmp.resolve("out.onnx").toString()), mentions);
        assertRefused(TestFiles.isptool("convert", model.toString(), "-o", tmp.resolve("out.tflite").toString()), mentions);
    }

    private void assertRefused(TestFiles.Run run, String... mentions) throws IOException {
        assertEquals(Main.EXIT_BAD_INPUT, run.status(), run.err());
        String err = run.err().strip();
        assertEquals(1, err.lines().count(), "one line: " + err);
        assertFalse(err.contains("\tat ") || err.contains("internal error"), err);
        for (String m : mentions) {
            assertTrue(err.contains(m), "message should mention " + m + ": " + err);
        }
        try (Stream<Path> left = Files.list(tmp)) {
            assertTrue(left.noneMatch(p -> p.getFileName().toString().contains("out.")), "no output or temporary file");
        }
    }

    @Test
    void theUnmodifiedModelConverts() throws IOException {
        Path ok = model("ok.onnx", m -> m);
        assertEquals(0, TestFiles.isptool("convert", ok.toString(), "-o", tmp.resolve("ok.tflite").toString()).status());
    }

    @Test
    void unknownOpInTheDefaultDomain() throws IOException {
        assertRefusedByBothCommands(withSecondNode("unknown.onnx", NodeProto.newBuilder().setOpType("FancyTonemap")
                .setName("tonemap")), "unknown.onnx", "node \"tonemap\" (FancyTonemap)");
    }

    @Test
    void customDomain() throws IOException {
        Path p = model("custom.onnx", m -> {
            m.addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("com.example").setVersion(1));
            m.getGraphBuilder().addNode(NodeProto.newBuilder().setOpType("Tonemap").setDomain("com.example")
                    .setName("tonemap").addInput("y").addOutput("z")).clearOutput()
                    .addOutput(ValueInfoProto.newBuilder().setName("z"));
            return m;
        });
        assertRefusedByBothCommands(p, "custom.onnx", "node \"tonemap\" (Tonemap)", "com.example");
    }

    @Test
    void emptyOpType() throws IOException {
        assertRefusedByBothCommands(withSecondNode("empty_op.onnx", NodeProto.newBuilder().setName("nameless")),
                "empty_op.onnx", "node \"nameless\"", "no op type");
    }

    @Test
    void modelLocalFunction() throws IOException {
        Path p = model("function.onnx", m -> {
            m.addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("local").setVersion(1));
            m.getGraphBuilder().addNode(NodeProto.newBuilder().setOpType("MyRelu").setDomain("local")
                    .setName("relu").addInput("y").addOutput("z")).clearOutput()
                    .addOutput(ValueInfoProto.newBuilder().setName("z"));
            return m.addFunctions(FunctionProto.newBuilder().setName("MyRelu").setDomain("local"));
        });
        assertRefusedByBothCommands(p, "function.onnx", "node \"relu\" (MyRelu)", "function \"MyRelu\"", "\"local\"");
    }

    @Test
    void inputWithoutTypeOrWithASequenceType() throws IOException {
        assertRefusedByBothCommands(model("untyped.onnx", m -> {
            m.getGraphBuilder().setInput(0, ValueInfoProto.newBuilder().setName("x"));
            return m;
        }), "untyped.onnx", "graph input \"x\"", "no type");
        assertRefusedByBothCommands(model("sequence.onnx", m -> {
            m.getGraphBuilder().setInput(0, ValueInfoProto.newBuilder().setName("x").setType(TypeProto.newBuilder()
                    .setSequenceType(TypeProto.Sequence.getDefaultInstance())));
            return m;
        }), "sequence.onnx", "graph input \"x\"", "sequence");
    }

    @Test
    void graphWithoutNodes() throws IOException {
        assertRefusedByBothCommands(model("empty.onnx", m -> {
            m.getGraphBuilder().clearNode().clearInitializer().clearOutput().addOutput(tensor("x", 1, 3, 8, 8));
            return m;
        }), "empty.onnx", "no nodes");
    }

    @Test
    void convWithoutWeight() throws IOException {
        assertRefusedByBothCommands(model("no_weight.onnx", m -> {
            m.getGraphBuilder().clearInitializer().setNode(0, NodeProto.newBuilder().setOpType("Conv").setName("conv")
                    .addInput("x").addOutput("y"));
            return m;
        }), "no_weight.onnx", "node \"conv\" (Conv)", "no weight");
    }

    @Test
    void convWithZeroOutputChannels() throws IOException {
        assertRefusedByBothCommands(model("zero.onnx", m -> {
            m.getGraphBuilder().setInitializer(0, weight("W", 1, 0, 3, 3, 3));
            return m;
        }), "zero.onnx", "node \"conv\" (Conv)", "[0,3,3,3]");
    }

    @Test
    void duplicateInitializersWithDifferentValues() throws IOException {
        assertRefusedByBothCommands(model("twice.onnx", m -> {
            m.getGraphBuilder().addInitializer(weight("W", 2, 4, 3, 3, 3));
            return m;
        }), "twice.onnx", "initializer \"W\"", "twice");
        // the same tensor given twice is harmless
        Path same = model("same.onnx", m -> {
            m.getGraphBuilder().addInitializer(weight("W", 1, 4, 3, 3, 3));
            return m;
        });
        assertEquals(0, TestFiles.isptool("reparam", same.toString(), "-o", tmp.resolve("same_out.onnx").toString())
                .status());
    }

    @Test
    void hugeDimsAndOverflowingInputShapes() throws IOException {
        assertRefusedByBothCommands(model("big.onnx", m -> {
            m.getGraphBuilder().setInput(0, tensor("x", 1, 3, 1L << 31, 8));
            return m;
        }), "big.onnx", "input \"x\"", "2147483648");
        Path dynamic = model("dynamic.onnx", m -> {
            m.getGraphBuilder().setInput(0, tensor("x", 1, 3, -1, -1).toBuilder().setType(TypeProto.newBuilder()
                    .setTensorType(TypeProto.Tensor.newBuilder().setElemType(1).setShape(TensorShapeProto.newBuilder()
                            .addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(1))
                            .addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(3))
                            .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("H"))
                            .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("W"))))).build());
            return m;
        });
        for (String shape : new String[] {"x:1,3,4294967296,4294967296", "x:1,3,65536,65536"}) {
            assertRefused(TestFiles.isptool("reparam", dynamic.toString(), "-o", tmp.resolve("out.onnx").toString(),
                    "--input-shape", shape), "x");
            assertRefused(TestFiles.isptool("convert", dynamic.toString(), "-o", tmp.resolve("out.tflite").toString(),
                    "--input-shape", shape), "x");
        }
    }

    @Test
    void aNameWithALineBreakStaysOnOneLine() throws IOException {
        // found by OnnxFuzzTest: a damaged name spread the message over two lines
        Path p = withSecondNode("broken_name.onnx", NodeProto.newBuilder().setOpType("Add").setName("add")
                .addInput("ghost\nvalue"));
        TestFiles.Run run = TestFiles.isptool("inspect", p.toString());
        assertRefused(run, "node \"add\" (Add)", "ghost\\nvalue");
    }
}
