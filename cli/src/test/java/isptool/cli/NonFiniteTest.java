package isptool.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * NaN and inf through the commands: an output that is non-finite where the reference is not (or
 * only non-finite) is a mismatch (exit 3, nothing written) and the line says where; non-finite
 * values at the same places in both pass on the finite ones and are reported; "ok" never comes
 * with "PSNR inf" from values that were not compared.
 */
class NonFiniteTest {
    @TempDir
    Path tmp;

    private TestFiles.Run run(String command, Path model, String ext, String... extra) {
        String[] args = Stream.concat(Stream.of(command, model.toString(), "-o", tmp.resolve("out." + ext).toString()),
                Stream.of(extra)).toArray(String[]::new);
        return TestFiles.isptool(args);
    }

    private void assertMismatch(TestFiles.Run run, String... mentions) throws IOException {
        assertEquals(Main.EXIT_MISMATCH, run.status(), run.out() + run.err());
        assertTrue(run.out().contains("MISMATCH"), run.out());
        assertFalse(run.out().contains("PSNR inf"), run.out());
        for (String m : mentions) {
            assertTrue(run.out().contains(m) && run.err().contains(m), "should mention " + m + ":\n" + run.out()
                    + run.err());
        }
        assertNothingWritten();
    }

    private void assertNothingWritten() throws IOException {
        try (Stream<Path> left = Files.list(tmp)) {
            assertTrue(left.noneMatch(p -> p.getFileName().toString().startsWith("out.")
                    || p.getFileName().toString().startsWith(".out.")), "no output (or temporary) file may be left");
        }
    }

    /** A NaN weight makes one output channel NaN in both runtimes: compared on the rest, said so, with a warning. */
    @Test
    void nanWeightIsWarnedAboutAndComparedOnTheFiniteValues() throws IOException {
        TinyModels m = new TinyModels();
        m.weight[0] = Float.NaN;
        Path model = m.conv(tmp.resolve("nan_weight.onnx"));
        for (String[] c : new String[][] {{"reparam", "onnx"}, {"convert", "tflite"}}) {
            TestFiles.Run run = run(c[0], model, c[1]);
            assertEquals(0, run.status(), run.out() + run.err());
            assertTrue(run.out().contains("warning: initializer \"conv.weight\" read by node \"conv\" (Conv) holds 1 NaN"
                    + " value (the first at index 0 is NaN)"), run.out());
            assertTrue(run.out().contains("64 of 192 values are non-finite in both, at the same places"), run.out());
            // reparam leaves the graph as it is, so the finite values are bitwise equal: PSNR inf, on them only
            assertTrue(run.out().lines().filter(l -> l.contains("PSNR inf")).allMatch(
                    l -> l.contains("compared on the finite values")), run.out());
        }
    }

    /** Every weight NaN: every output NaN in both, nothing compared, so no "ok". */
    @Test
    void allNanOutputsAreAMismatch() throws IOException {
        TinyModels m = new TinyModels();
        java.util.Arrays.fill(m.bias, Float.NaN);
        Path model = m.conv(tmp.resolve("nan_bias.onnx"));
        assertMismatch(run("reparam", model, "onnx"), "all 192 values are non-finite in both");
        assertMismatch(run("convert", model, "tflite"), "all 192 values are non-finite in both");
    }

    /** x / 0 everywhere: inf or NaN in every value of both, never "ok, PSNR inf". */
    @Test
    void divisionByZeroEverywhereIsAMismatch() throws IOException {
        Path model = new TinyModels().convThen(tmp.resolve("div0.onnx"), "Div", 0, 0, 0);
        assertMismatch(run("reparam", model, "onnx"), "non-finite");
        assertMismatch(run("convert", model, "tflite"), "non-finite");
    }

    /** x / c with c = 0 on one channel: that channel is +-inf in both, the rest compares; the fold is refused. */
    @Test
    void divisionByZeroOnOneChannelIsReported() throws IOException {
        Path model = new TinyModels().convThen(tmp.resolve("div0c.onnx"), "Div", 2, 0, 0.5f);
        TestFiles.Run run = run("convert", model, "tflite");
        assertEquals(0, run.status(), run.out() + run.err());
        assertTrue(run.out().contains("FoldAffineIntoConv: node \"div\": Div by constant not folded into conv"), run.out());
        assertTrue(run.out().contains("64 of 192 values are non-finite in both, at the same places"), run.out());
    }

    /** BN with variance -1, epsilon 0 on one channel: the fold is refused, NaN there in both, said so. */
    @Test
    void bnWithNegativeVarianceIsRefusedAndReported() throws IOException {
        Path model = new TinyModels().convBn(tmp.resolve("bn.onnx"), 0, 1, -1, 0.5f);
        TestFiles.Run run = run("reparam", model, "onnx");
        assertEquals(0, run.status(), run.out() + run.err());
        assertTrue(run.out().contains("FoldBatchNormIntoConv: node \"bn\": not folded into conv \"conv\": channel 1 has"
                + " variance + epsilon = -1.0"), run.out());
        assertTrue(run.out().contains("64 of 192 values are non-finite in both"), run.out());
    }

    /** An inf weight: warned about; the NaN/inf it spreads are at the same places in both runtimes. */
    @Test
    void infWeightIsWarnedAboutAndComparedOnTheFiniteValues() throws IOException {
        TinyModels m = new TinyModels();
        m.weight[4] = Float.POSITIVE_INFINITY;
        Path model = m.conv(tmp.resolve("inf_weight.onnx"));
        for (String[] c : new String[][] {{"reparam", "onnx"}, {"convert", "tflite"}}) {
            TestFiles.Run run = run(c[0], model, c[1]);
            assertEquals(0, run.status(), run.out() + run.err());
            assertTrue(run.out().contains("initializer \"conv.weight\" read by node \"conv\" (Conv) holds 1 +inf value"),
                    run.out());
            assertTrue(run.out().contains("64 of 192 values are non-finite in both, at the same places"), run.out());
        }
    }

    /** A weight of 3e38 times a BN scale of 10: the fold is refused (not written as inf), convert still lowers it. */
    @Test
    void weightNearFloatMaxIsNotFoldedIntoInf() throws IOException {
        TinyModels m = new TinyModels();
        m.weight[4] = 3e38f;
        Path model = m.convBn(tmp.resolve("big.onnx"), 0, 0.01f, 1, 1);
        for (String[] c : new String[][] {{"reparam", "onnx"}, {"convert", "tflite"}}) {
            TestFiles.Run run = run(c[0], model, c[1]);
            assertEquals(0, run.status(), run.out() + run.err());
            assertTrue(run.out().contains("FoldBatchNormIntoConv: node \"bn\": not folded into conv \"conv\": the folded"
                    + " weight [0, 0, 1, 1] would be 3.00e+39, beyond float32's largest value"), run.out());
            assertFalse(run.out().contains("MISMATCH"), run.out());
        }
    }
}
