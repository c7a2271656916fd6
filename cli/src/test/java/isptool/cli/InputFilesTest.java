package isptool.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import isptool.graph.onnx.OnnxProto.GraphProto;
import isptool.graph.onnx.OnnxProto.ModelProto;
import isptool.graph.onnx.OnnxProto.NodeProto;
import isptool.graph.onnx.OnnxProto.OperatorSetIdProto;
import isptool.graph.onnx.OnnxProto.StringStringEntryProto;
import isptool.graph.onnx.OnnxProto.TensorProto;
import isptool.graph.onnx.OnnxProto.ValueInfoProto;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Only regular files are read: a FIFO (as the model, as --verify-input) used to block forever
 * and /dev/zero as --verify-input read until the heap was gone. Each is now exit 2, one line.
 */
class InputFilesTest {
    private static final Duration LIMIT = Duration.ofSeconds(60);

    @TempDir
    Path tmp;

    private Path fifo(String name) throws Exception {
        Path p = tmp.resolve(name);
        assertEquals(0, new ProcessBuilder("mkfifo", p.toString()).start().waitFor(), "mkfifo");
        return p;
    }

    private TestFiles.Run run(String... args) {
        return assertTimeoutPreemptively(LIMIT, () -> TestFiles.isptool(args));
    }

    private void assertBadInput(TestFiles.Run run, String... mentions) throws IOException {
        assertEquals(Main.EXIT_BAD_INPUT, run.status(), run.err());
        String err = run.err().strip();
        assertEquals(1, err.lines().count(), "one line: " + err);
        assertFalse(err.contains("\tat "), "no stack trace: " + err);
        assertTrue(err.startsWith("isptool: "), err);
        for (String m : mentions) {
            assertTrue(err.contains(m), "message should mention " + m + ": " + err);
        }
        try (Stream<Path> left = Files.list(tmp)) {
            assertTrue(left.noneMatch(p -> p.getFileName().toString().contains("out.")), "no output or temporary file");
        }
    }

    private String out(String ext) {
        return tmp.resolve("out." + ext).toString();
    }

    private static String syenet() {
        return TestFiles.testdata("syenet_isp.onnx").toString();
    }

    @Test
    void aFifoAsTheModelIsRefusedWithoutBlocking() throws Exception {
        String model = fifo("pipe.onnx").toString();
        assertBadInput(run("reparam", model, "-o", out("onnx")), "pipe.onnx", "not a regular file");
        assertBadInput(run("convert", model, "-o", out("tflite")), "pipe.onnx", "not a regular file");
        assertBadInput(run("inspect", model), "pipe.onnx", "not a regular file");
        // inspect sniffs the header of a model without a telling name
        assertBadInput(run("inspect", fifo("model").toString()), "model", "not a regular file");
    }

    @Test
    void aFifoAsVerifyInputIsRefusedWithoutBlocking() throws Exception {
        String npy = fifo("input.npy").toString();
        assertBadInput(run("reparam", syenet(), "-o", out("onnx"), "--verify-input", npy), "input.npy",
                "not a regular file");
        assertBadInput(run("convert", syenet(), "-o", out("tflite"), "--verify-input", npy), "input.npy",
                "not a regular file");
    }

    @Test
    void devZeroAsVerifyInputIsRefusedBeforeReading() throws Exception {
        assertBadInput(run("reparam", syenet(), "-o", out("onnx"), "--verify-input", "/dev/zero"), "/dev/zero",
                "not a regular file");
    }

    @Test
    void anNpyWithMoreBytesThanItsHeaderSaysIsRefused() throws Exception {
        Path npy = Files.copy(TestFiles.testdata("syenet_isp.input.npy"), tmp.resolve("long.npy"));
        Files.write(npy, new byte[4], StandardOpenOption.APPEND);
        assertBadInput(run("reparam", syenet(), "-o", out("onnx"), "--verify-input", npy.toString()), "long.npy",
                "bytes follow");
        Path ok = TestFiles.testdata("syenet_isp.input.npy");
        TestFiles.Run good = run("reparam", syenet(), "-o", out("onnx"), "--verify-input", ok.toString());
        assertEquals(0, good.status(), good.err());
    }

    @Test
    void externalDataThroughASymlinkIsNotCopiedIntoTheOutput() throws Exception {
        // the case: reparam --no-verify copied the file a symlinked location led to
        Path secret = Files.write(tmp.resolve("secret.txt"), new byte[4 * 3 * 3 * 3 * 4]);
        Path models = Files.createDirectory(tmp.resolve("models"));
        Files.createSymbolicLink(models.resolve("conv.weight"), secret);
        TensorProto w = TensorProto.newBuilder().setName("W").setDataType(1).addDims(4).addDims(3).addDims(3).addDims(3)
                .setDataLocation(TensorProto.DataLocation.EXTERNAL)
                .addExternalData(StringStringEntryProto.newBuilder().setKey("location").setValue("conv.weight")).build();
        GraphProto g = GraphProto.newBuilder().setName("g").addInput(BadModelTest.tensor("x", 1, 3, 8, 8))
                .addInitializer(w)
                .addNode(NodeProto.newBuilder().setOpType("Conv").setName("conv").addInput("x").addInput("W").addOutput("y"))
                .addOutput(ValueInfoProto.newBuilder().setName("y")).build();
        Path model = Files.write(models.resolve("linked.onnx"), ModelProto.newBuilder().setIrVersion(8)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(13)).setGraph(g).build().toByteArray());
        assertBadInput(run("reparam", model.toString(), "-o", out("onnx"), "--no-verify"), "linked.onnx",
                "initializer \"W\"", "conv.weight", "outside the model's folder");
        assertBadInput(run("inspect", model.toString()), "linked.onnx", "conv.weight", "outside the model's folder");
    }
}
