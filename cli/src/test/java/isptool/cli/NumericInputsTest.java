package isptool.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import isptool.graph.Tensor;
import isptool.graph.io.Npy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Inputs and options that would make verification or calibration meaningless: NaN/inf in a
 * --verify-input or calibration tensor, a second --verify-input for one input, a tolerance or
 * PSNR floor that is not a finite number. Each is exit 2 with one line; nothing is written.
 */
class NumericInputsTest {
    @TempDir
    Path tmp;

    private Path model;

    private Path model() throws IOException {
        if (model == null) {
            model = new TinyModels().conv(tmp.resolve("tiny.onnx"));
        }
        return model;
    }

    private TestFiles.Run run(String command, String... extra) throws IOException {
        String ext = command.equals("reparam") ? "onnx" : "tflite";
        String[] args = Stream.concat(Stream.of(command, model().toString(), "-o", tmp.resolve("out." + ext).toString()),
                Stream.of(extra)).toArray(String[]::new);
        return TestFiles.isptool(args);
    }

    private Path npy(String name, Tensor t) throws IOException {
        Path p = tmp.resolve(name);
        Npy.write(p, t);
        return p;
    }

    private void assertBadInput(TestFiles.Run run, String... mentions) throws IOException {
        assertEquals(Main.EXIT_BAD_INPUT, run.status(), run.out() + run.err());
        String err = run.err().strip();
        assertEquals(1, err.lines().count(), "one line: " + err);
        assertTrue(err.startsWith("isptool: "), err);
        assertFalse(err.contains("\tat "), err);
        for (String m : mentions) {
            assertTrue(err.contains(m), "should mention " + m + ": " + err);
        }
        try (Stream<Path> left = Files.list(tmp)) {
            assertTrue(left.noneMatch(p -> p.getFileName().toString().contains("out.")), "nothing may be written");
        }
    }

    @Test
    void nanOrInfVerifyInputIsRefused() throws IOException {
        Path nan = npy("nan.npy", TinyModels.input(Float.NaN, Float.NaN));
        Path inf = npy("inf.npy", TinyModels.input(0.5f, Float.POSITIVE_INFINITY));
        assertBadInput(run("reparam", "--verify-input", nan.toString()), "nan.npy", "input \"x\"",
                "128 NaN values (the first at index 0 is NaN)", "verification needs a finite input");
        assertBadInput(run("convert", "--verify-input", inf.toString()), "inf.npy", "input \"x\"",
                "1 +inf value (the first at index 5 is +inf)");
    }

    @Test
    void verifyInputTwiceForOneInputIsRefused() throws IOException {
        Path a = npy("a.npy", TinyModels.input(0.25f, 0.5f));
        Path b = npy("b.npy", TinyModels.input(0.5f, 0.25f));
        assertBadInput(run("reparam", "--verify-input", a.toString(), "--verify-input", b.toString()),
                "--verify-input is given twice for input \"x\"", "a.npy", "b.npy");
        assertBadInput(run("reparam", "--verify-input", a.toString(), "--verify-input", "x=" + a),
                "--verify-input is given twice for input \"x\"");
    }

    /** A NaN in the third sample of a batched file: refused naming the file and the sample. */
    @Test
    void nanCalibrationSampleIsRefused() throws IOException {
        float[] v = new float[4 * 128];
        for (int i = 0; i < v.length; i++) {
            v[i] = (i % 17) / 17f;
        }
        v[2 * 128 + 9] = Float.NaN;
        Path batch = npy("calib.npy", Tensor.ofFloats(new long[] {4, 2, 8, 8}, v));
        assertBadInput(run("convert", "--precision", "int8", "--calibration", batch.toString()), "calib.npy[2]",
                "input \"x\"", "1 NaN value (the first at index 9 is NaN)", "calibration samples must be finite");
    }

    /** A --calib-scale that takes pixels past float32's range makes them inf: refused on the image. */
    @Test
    void nonFiniteImageSampleAfterScalingIsRefused() throws IOException {
        Path unet = TestFiles.testdata("unet_small.onnx");
        Path image = TestFiles.testdata("calib/rgb32/rgb32_000.png");
        TestFiles.Run run = TestFiles.isptool("convert", unet.toString(), "-o", tmp.resolve("out.tflite").toString(),
                "--precision", "int8", "--calibration", image.toString(), "--calib-scale", "1e37");
        assertEquals(Main.EXIT_BAD_INPUT, run.status(), run.out() + run.err());
        String last = run.err().strip().lines().reduce((a, b) -> b).orElse("");
        assertTrue(last.startsWith("isptool: ") && last.contains("rgb32_000.png")
                && last.contains("+inf") && last.contains("after --calib-scale, --mean and --std"), run.err());
        assertFalse(Files.exists(tmp.resolve("out.tflite")));
    }

    @Test
    void toleranceAndPsnrFloorMustBeFiniteNumbers() throws IOException {
        assertBadInput(run("reparam", "--tolerance", "-1"), "--tolerance must be a finite number >= 0", "-1.0");
        assertBadInput(run("reparam", "--tolerance", "NaN"), "--tolerance must be a finite number >= 0", "NaN");
        assertBadInput(run("convert", "--tolerance", "Infinity"), "--tolerance must be a finite number >= 0");
        assertBadInput(run("convert", "--precision", "fp16", "--min-psnr", "NaN"), "--min-psnr must be a finite number",
                "NaN");
    }

    /** --mean/--std/--calib-scale with only .npy samples: a note that they apply to images only. */
    @Test
    void imageOptionsWithNpySamplesOnlyGiveANote() throws IOException {
        Path calib = npy("calib.npy", Tensor.ofFloats(new long[] {2, 2, 8, 8}, new float[256]));
        TestFiles.Run run = run("convert", "--precision", "int8", "--calibration", calib.toString(), "--mean", "0.5",
                "--std", "0.25");
        assertEquals(0, run.status(), run.out() + run.err());
        assertTrue(run.out().contains("note: --calib-scale, --mean and --std apply to image samples only; every sample"
                + " here is a .npy tensor, used as it is"), run.out());
    }
}
