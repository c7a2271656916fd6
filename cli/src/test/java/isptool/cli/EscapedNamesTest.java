package isptool.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import isptool.backends.tflite.TfliteBuilder;
import isptool.backends.tflite.TfliteType;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.lite.schema.BuiltinOperator;
import org.tensorflow.lite.schema.Conv2DOptionsT;

/**
 * Names with newlines and terminal escape codes are printed escaped: in inspect's text report and
 * in every error line (one line, whatever the model's names hold). JSON carries them exactly.
 */
class EscapedNamesTest {
    private static final String RED = "\u001b[31m";
    private static final String ESC = "\u001b";
    /** The one-character (C1) form of ESC [, which some terminals obey too. */
    private static final String CSI = "\u009b";

    @TempDir
    Path tmp;

    @Test
    void controlCharactersBecomeVisibleEscapes() {
        assertEquals("a\\nb\\x1b[31mc\\td\\r\\x00\\x7f\\x9b\\u2028e",
                Escapes.visible("a\nb" + RED + "c\td\r\u0000\u007f\u009b\u2028e"));
        assertEquals("conv/w 3×3 ünïcode", Escapes.visible("conv/w 3×3 ünïcode"));
    }

    /** x → CONV_2D with weights of a zero dim (so inspect has a problem to name) → y; names hold escapes. */
    private Path hostileNames(boolean zeroWeights) throws Exception {
        TfliteBuilder b = new TfliteBuilder();
        int x = b.addTensor("in\nput" + CSI, TfliteType.FLOAT32, new long[] {1, 4, 4, 3});
        int w = b.addTensor("weights" + RED + "\nred", TfliteType.FLOAT32, new long[] {zeroWeights ? 0 : 2, 1, 1, 3});
        int y = b.addTensor(RED + "out", TfliteType.FLOAT32, new long[] {1, 4, 4, 2});
        Conv2DOptionsT options = new Conv2DOptionsT();
        options.setStrideH(1);
        options.setStrideW(1);
        b.addOperator(BuiltinOperator.CONV_2D, options, new int[] {x, w}, new int[] {y});
        Path file = tmp.resolve(zeroWeights ? "bad-names.tflite" : "names.tflite");
        b.inputs(x, w).outputs(y).write(file);
        return file;
    }

    @Test
    void inspectTextEscapesTfliteNames() throws Exception {
        TestFiles.Run run = TestFiles.isptool("inspect", hostileNames(false).toString());
        assertEquals(0, run.status(), run.err());
        assertFalse(run.out().contains(ESC) || run.out().contains(CSI), run.out());
        assertTrue(run.out().contains("  input   in\\nput\\x9b FLOAT32[1,4,4,3]\n"), run.out());
        assertTrue(run.out().contains("  output  \\x1b[31mout FLOAT32[1,4,4,2]\n"), run.out());
    }

    @Test
    void inspectJsonEscapesControlCharactersAndKeepsTheNames() throws Exception {
        TestFiles.Run run = TestFiles.isptool("inspect", hostileNames(false).toString(), "--json");
        assertEquals(0, run.status(), run.err());
        assertFalse(run.out().contains(ESC), run.out());
        assertFalse(run.out().contains(CSI), run.out());
        assertTrue(run.out().contains("\"in\\nput\\u009b FLOAT32[1,4,4,3]\""), run.out());
        JsonNode j = new ObjectMapper().readTree(run.out());
        assertEquals(RED + "out FLOAT32[1,4,4,2]", j.get("outputs").get(0).asText());
    }

    @Test
    void anErrorNamingATensorIsOneLine() throws Exception {
        Path file = hostileNames(true);
        TestFiles.Run run = TestFiles.isptool("inspect", file.toString());
        assertEquals(Main.EXIT_BAD_INPUT, run.status(), run.err());
        assertEquals(1, run.err().strip().lines().count(), run.err());
        assertFalse(run.err().contains(ESC), run.err());
        assertTrue(run.err().contains("operator 0 (CONV_2D, output \"\\x1b[31mout\") has weights"
                + " \"weights\\x1b[31m\\nred\" FLOAT32[0,1,1,3] with a zero dim"), run.err());
        // the invalid: line of the report too
        assertTrue(run.out().contains("  invalid: operator 0 (CONV_2D, output \"\\x1b[31mout\")"), run.out());
        assertFalse(run.out().contains(ESC), run.out());
    }

    @Test
    void aPathWithANewlineIsOneLine() {
        TestFiles.Run run = TestFiles.isptool("inspect", tmp.resolve("no\nsuch" + RED + ".tflite").toString());
        assertEquals(Main.EXIT_BAD_INPUT, run.status(), run.err());
        assertEquals(1, run.err().strip().lines().count(), run.err());
        assertTrue(run.err().contains("no\\nsuch\\x1b[31m.tflite: no such file"), run.err());
    }

    @Test
    void anOnnxNodeNameInAnErrorAndAnOpTypeInInspectAreEscaped() throws Exception {
        Path in = tmp.resolve("custom.onnx");
        TestFiles.acnetEndingIn(in, "Fancy" + RED + "Tonemap", "tone\n" + RED + "map", "mid\nvalue");

        TestFiles.Run reparam = TestFiles.isptool("reparam", in.toString(), "-o", tmp.resolve("out.onnx").toString());
        assertEquals(Main.EXIT_BAD_INPUT, reparam.status(), reparam.err());
        assertEquals(1, reparam.err().strip().lines().count(), reparam.err());
        assertFalse(reparam.err().contains(ESC), reparam.err());
        // onnxruntime's message already has the newline as a space; the escape code is shown
        assertTrue(reparam.err().contains("\\x1b[31mmap"), reparam.err());

        TestFiles.Run inspect = TestFiles.isptool("inspect", in.toString());
        assertEquals(0, inspect.status(), inspect.err());
        assertFalse(inspect.out().contains(ESC), inspect.out());
        assertTrue(inspect.out().contains("    Fancy\\x1b[31mTonemap"), inspect.out());
    }
}
