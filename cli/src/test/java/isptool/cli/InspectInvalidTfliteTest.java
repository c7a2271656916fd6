package isptool.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.flatbuffers.FlatBufferBuilder;
import isptool.backends.tflite.TfliteBuilder;
import isptool.backends.tflite.TfliteType;
import isptool.graph.Tensor;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.lite.schema.BuiltinOperator;
import org.tensorflow.lite.schema.Conv2DOptionsT;
import org.tensorflow.lite.schema.Model;
import org.tensorflow.lite.schema.ModelT;
import org.tensorflow.lite.schema.OperatorCodeT;
import org.tensorflow.lite.schema.SubGraphT;
import org.tensorflow.lite.schema.TensorT;

/**
 * {@code isptool inspect} on hostile TFLite files that parse: what can be read is printed, each
 * problem as an "invalid:" line (a list in --json), and the command ends with exit 2 and one line
 * naming the file, the operator or tensor, and the problem. Files whose tables point nowhere are
 * refused before anything is printed, and so are paths that are not regular files.
 */
class InspectInvalidTfliteTest {
    @TempDir
    Path tmp;

    /** x [1,8,8,3] → CONV_2D (weights "conv/w" [4,3,3,3], bias "conv/b") → y [1,8,8,4]. */
    private static ModelT conv() {
        TfliteBuilder b = new TfliteBuilder();
        int x = b.addTensor("x", TfliteType.FLOAT32, new long[] {1, 8, 8, 3});
        int w = b.addConstant("conv/w", Tensor.ofFloats(new long[] {4, 3, 3, 3}, new float[108]));
        int bias = b.addConstant("conv/b", Tensor.ofFloats(new long[] {4}, new float[4]));
        int y = b.addTensor("y", TfliteType.FLOAT32, new long[] {1, 8, 8, 4});
        Conv2DOptionsT options = new Conv2DOptionsT();
        options.setStrideH(1);
        options.setStrideW(1);
        b.addOperator(BuiltinOperator.CONV_2D, options, new int[] {x, w, bias}, new int[] {y});
        return Model.getRootAsModel(ByteBuffer.wrap(b.inputs(x).outputs(y).toBytes())).unpack();
    }

    /** The conv model with {@code damage} applied to its main subgraph, written as {@code name}. */
    private Path hostile(String name, Consumer<SubGraphT> damage) throws Exception {
        ModelT m = conv();
        damage.accept(m.getSubgraphs()[0]);
        return write(name, m);
    }

    private Path write(String name, ModelT m) throws Exception {
        FlatBufferBuilder fbb = new FlatBufferBuilder();
        Model.finishModelBuffer(fbb, Model.pack(fbb, m));
        return Files.write(tmp.resolve(name), fbb.sizedByteArray());
    }

    private static TensorT tensor(SubGraphT g, String name) {
        for (TensorT t : g.getTensors()) {
            if (t.getName().equals(name)) {
                return t;
            }
        }
        throw new AssertionError(name);
    }

    /** Exit 2 and one stderr line naming the file and each of {@code mentions}; the text report and JSON too. */
    private static void assertInvalid(Path file, String... mentions) throws Exception {
        TestFiles.Run text = TestFiles.isptool("inspect", file.toString());
        String err = assertOneLineExit2(text, file, mentions);
        assertTrue(err.contains("invalid TFLite model"), err);
        assertTrue(text.out().contains("ops:"), "what can be read is printed: " + text.out());
        assertTrue(text.out().lines().anyMatch(l -> l.startsWith("  invalid: ") && l.contains(mentions[0])), text.out());

        TestFiles.Run json = TestFiles.isptool("inspect", file.toString(), "--json");
        assertOneLineExit2(json, file, mentions);
        JsonNode invalid = new ObjectMapper().readTree(json.out()).get("invalid");
        assertTrue(invalid.isArray() && invalid.size() >= 1 && invalid.get(0).asText().contains(mentions[0]),
                json.out());
    }

    private static String assertOneLineExit2(TestFiles.Run run, Path file, String... mentions) {
        assertEquals(Main.EXIT_BAD_INPUT, run.status(), run.err());
        String err = run.err().strip();
        assertEquals(1, err.lines().count(), err);
        assertFalse(err.contains("\tat ") || err.contains("internal error"), err);
        assertTrue(err.startsWith("isptool: " + file + ": "), err);
        for (String m : mentions) {
            assertTrue(err.contains(m), "should mention " + m + ": " + err);
        }
        return err;
    }

    @Test
    void theUndamagedModelIsValid() throws Exception {
        Path file = write("conv.tflite", conv());
        TestFiles.Run run = TestFiles.isptool("inspect", file.toString(), "--json");
        assertEquals(0, run.status(), run.err());
        JsonNode j = new ObjectMapper().readTree(run.out());
        assertEquals(0, j.get("invalid").size());
        assertEquals(8 * 8 * 4 * 27, j.get("conv_macs").asLong());
        assertFalse(TestFiles.isptool("inspect", file.toString()).out().contains("invalid"));
    }

    @Test
    void subgraphInputMinusOneIsRefusedBeforePrinting() throws Exception {
        Path file = hostile("input-minus-one.tflite", g -> g.setInputs(new int[] {-1}));
        TestFiles.Run run = TestFiles.isptool("inspect", file.toString());
        assertOneLineExit2(run, file, "subgraph input 0 is tensor -1, not one of the 4 tensors", "corrupt");
        assertEquals("", run.out());
    }

    @Test
    void aFifoIsRefusedInsteadOfWaitedOn() throws Exception {
        Path fifo = tmp.resolve("pipe.tflite");
        assumeTrue(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor() == 0, "mkfifo is available");
        TestFiles.Run run = assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> TestFiles.isptool("inspect", fifo.toString()));
        assertOneLineExit2(run, fifo, "not a regular file (a FIFO, socket or device); give the path of an .onnx or .tflite model");
    }

    @Test
    void operatorInputPastTheTensorsNamesTheOperator() throws Exception {
        Path file = hostile("input-past.tflite", g -> g.getOperators()[0].setInputs(new int[] {0, 9, 2}));
        assertOneLineExit2(TestFiles.isptool("inspect", file.toString()), file,
                "operator 0 (CONV_2D) input 1 is tensor 9, not one of the 4 tensors");
    }

    @Test
    void convWithOneInput() throws Exception {
        Path file = hostile("one-input.tflite", g -> g.getOperators()[0].setInputs(new int[] {0}));
        assertInvalid(file, "operator 0 (CONV_2D, output \"y\") has 1 input; it takes 2 to 3");
    }

    @Test
    void convWithoutOutputs() throws Exception {
        Path file = hostile("no-output.tflite", g -> g.getOperators()[0].setOutputs(new int[0]));
        assertInvalid(file, "operator 0 (CONV_2D) has 0 outputs");
    }

    @Test
    void convWithOmittedWeights() throws Exception {
        Path file = hostile("no-weights.tflite", g -> g.getOperators()[0].setInputs(new int[] {0, -1, 2}));
        assertInvalid(file, "operator 0 (CONV_2D, output \"y\") has no weights tensor");
    }

    /** Used to end in "internal error: / by zero". */
    @Test
    void weightsWithAZeroDim() throws Exception {
        Path file = hostile("zero-dim.tflite", g -> {
            TensorT w = tensor(g, "conv/w");
            w.setShape(new int[] {0, 3, 3, 3});
            w.setBuffer(0);
        });
        assertInvalid(file, "operator 0 (CONV_2D, output \"y\") has weights \"conv/w\" FLOAT32[0,3,3,3] with a zero dim");
    }

    @Test
    void weightsOfTheWrongRank() throws Exception {
        Path file = hostile("rank.tflite", g -> {
            TensorT w = tensor(g, "conv/w");
            w.setShape(new int[] {4, 27});
            w.setBuffer(0);
        });
        assertInvalid(file, "has weights \"conv/w\" FLOAT32[4,27] of rank 2; its weights are 4-D");
    }

    @Test
    void negativeDims() throws Exception {
        Path file = hostile("negative.tflite", g -> tensor(g, "y").setShape(new int[] {1, -8, 8, 4}));
        assertInvalid(file, "tensor \"y\" FLOAT32[1,-8,8,4] has the negative dim -8");
    }

    @Test
    void unknownBuiltinCode() throws Exception {
        ModelT m = conv();
        OperatorCodeT code = m.getOperatorCodes()[0];
        code.setBuiltinCode(250);
        code.setDeprecatedBuiltinCode((byte) BuiltinOperator.PLACEHOLDER_FOR_GREATER_OP_CODES);
        Path file = write("unknown-op.tflite", m);
        assertInvalid(file, "operator 0 (BUILTIN_250, output \"y\") has builtin code 250, which TFLite does not know");
    }

    @Test
    void macCountPastALong() throws Exception {
        // 2^30 x 2^30 x 4 outputs fit a long; times 27 weights each they do not
        Path file = hostile("macs.tflite", g -> tensor(g, "y").setShape(new int[] {1, 1 << 30, 1 << 30, 4}));
        assertInvalid(file, "operator 0 (CONV_2D, output \"y\") has more multiply-accumulates than a 64-bit integer");
    }

    @Test
    void elementCountPastALong() throws Exception {
        int big = Integer.MAX_VALUE;
        Path file = hostile("elements.tflite", g -> tensor(g, "x").setShape(new int[] {big, big, big, 3}));
        assertInvalid(file, "tensor \"x\" FLOAT32[2147483647,2147483647,2147483647,3] has more elements than");
    }

    @Test
    void theFirstProblemIsNamedAndTheOthersCounted() throws Exception {
        Path file = hostile("two.tflite", g -> {
            tensor(g, "y").setShape(new int[] {1, -8, 8, 4});
            g.getOperators()[0].setInputs(new int[] {0});
        });
        TestFiles.Run run = TestFiles.isptool("inspect", file.toString());
        assertOneLineExit2(run, file, "tensor \"y\"", "(and 1 more problem, listed above)");
        assertEquals(2, run.out().lines().filter(l -> l.startsWith("  invalid: ")).count(), run.out());
    }
}
