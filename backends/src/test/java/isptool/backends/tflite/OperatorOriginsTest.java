package isptool.backends.tflite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import isptool.graph.Tensor;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.Test;
import org.tensorflow.lite.schema.BuiltinOperator;

/** The operator → ONNX node mapping survives writing and reading, whatever the names hold. */
class OperatorOriginsTest {
    @TempDir
    Path dir;

    @Test
    void namesWithLineBreaksBackslashesAndEmptyOnesRoundTripAndTheModelStillRuns() throws Exception {
        TfliteBuilder b = new TfliteBuilder();
        int x = b.addTensor("x", TfliteType.FLOAT32, new long[] {1, 4});
        int y = b.addTensor("y", TfliteType.FLOAT32, new long[] {1, 4});
        int z = b.addTensor("z", TfliteType.FLOAT32, new long[] {1, 4});
        int w = b.addTensor("w", TfliteType.FLOAT32, new long[] {1, 4});
        b.origin("/a\nb\\n").addOperator(BuiltinOperator.RELU, null, new int[] {x}, new int[] {y});
        b.origin("").addOperator(BuiltinOperator.TANH, null, new int[] {y}, new int[] {z});
        b.origin(null).addOperator(BuiltinOperator.LOGISTIC, null, new int[] {z}, new int[] {w});
        b.inputs(x).outputs(w);
        Path file = dir.resolve("origins.tflite");
        b.write(file);
        TfliteModel m = TfliteModel.open(file);
        assertEquals(Arrays.asList("/a\nb\\n", "", null), m.operatorOrigins());
        assertTrue(m.problems().isEmpty(), m.problems().toString());
        float[] in = {-1, 0, 1, 2};
        try (TfliteRunner r = TfliteRunner.open(file)) {
            float[] out = r.run(Map.of("x", Tensor.ofFloats(new long[] {1, 4}, in))).get("w").toFloats();
            for (int i = 0; i < in.length; i++) {
                assertEquals(1 / (1 + Math.exp(-Math.tanh(Math.max(0, in[i])))), out[i], 1e-6);
            }
        }
    }

    @Test
    void aModelWithoutTheEntryOrWithAForeignOneHasNoMapping() {
        TfliteBuilder b = new TfliteBuilder();
        int x = b.addTensor("x", TfliteType.FLOAT32, new long[] {1, 4});
        int y = b.addTensor("y", TfliteType.FLOAT32, new long[] {1, 4});
        b.addOperator(BuiltinOperator.RELU, null, new int[] {x}, new int[] {y});
        b.inputs(x).outputs(y);
        assertEquals(List.of(), TfliteModel.of(b.toBytes(), "none").operatorOrigins());
        assertEquals(List.of(), decode("=a\n=b\n", 3));
        assertEquals(List.of(), decode("=a", 1));
        assertEquals(List.of(), decode("a\n", 1));
        assertEquals(List.of("a"), decode("=a\n", 1));
    }

    private static List<String> decode(String text, int ops) {
        return OperatorOrigins.decode(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)), ops);
    }

    @Test
    void noEntryIsWrittenWhenNoOperatorHasAnOrigin() {
        assertEquals(null, OperatorOrigins.encode(Arrays.asList(null, null)));
        assertNotNull(OperatorOrigins.encode(Arrays.asList(null, "n")));
    }
}
