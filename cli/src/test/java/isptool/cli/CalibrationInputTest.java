package isptool.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import isptool.graph.Tensor;
import isptool.graph.io.Npy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * convert's --calibration as a user meets it: .npy and image samples accepted, and every bad
 * sample refused before any work with exit 2, one line naming the file, no stack trace, no output.
 */
class CalibrationInputTest {
    @TempDir
    Path tmp;

    private TestFiles.Run int8(String model, Path out, String... calibration) {
        List<String> args = new ArrayList<>(List.of("convert", TestFiles.testdata(model + ".onnx").toString(), "-o",
                out.toString(), "--precision", "int8", "--calibration"));
        args.addAll(Arrays.asList(calibration));
        return TestFiles.isptool(args.toArray(String[]::new));
    }

    /** A batched .npy of the model's reference input repeated with offsets, and a folder with a stray file. */
    @Test
    void npyBatchAndImageFolders() throws IOException {
        Tensor one = Npy.read(TestFiles.testdata("syenet_isp.input.npy"));
        float[] v = one.toFloats();
        float[] batch = new float[3 * v.length];
        for (int k = 0; k < 3; k++) {
            for (int i = 0; i < v.length; i++) {
                batch[k * v.length + i] = v[i] * (1 + 0.1f * k);
            }
        }
        Path dir = Files.createDirectory(tmp.resolve("npy"));
        Npy.write(dir.resolve("batch.npy"), Tensor.ofFloats(new long[] {3, 4, 32, 32}, batch));
        Files.writeString(dir.resolve("README.txt"), "three samples");
        Path out = tmp.resolve("npy.tflite");
        TestFiles.Run run = int8("syenet_isp", out, dir.toString());
        assertEquals(0, run.status(), run.out() + run.err());
        assertTrue(run.out().contains("calibration: 2 samples") && run.out().contains("batch.npy[2], held out"),
                run.out());
        assertTrue(run.out().contains("note: skipped") && run.out().contains("README.txt"), run.out());
        assertTrue(Files.exists(out));

        Path gray = tmp.resolve("gray.tflite");
        TestFiles.Run fsrcnn = int8("fsrcnn", gray, TestFiles.testdata("calib/gray24").toString());
        assertEquals(0, fsrcnn.status(), fsrcnn.out() + fsrcnn.err());
        assertTrue(fsrcnn.out().contains("calibration: 7 samples"), fsrcnn.out());
    }

    @Test
    void badSamplesAreOneLineExitTwo() throws IOException {
        Path broken = Files.createDirectory(tmp.resolve("broken"));
        Files.writeString(broken.resolve("a.png"), "not an image at all");
        Path empty = Files.createDirectory(tmp.resolve("empty"));
        Files.writeString(empty.resolve(".DS_Store"), "hidden");
        String raw = TestFiles.testdata("calib/raw64").toString();

        refused("syenet_isp", List.of(raw), "raw64_000.png", "[1, 1, 64, 64]", "[1, 4, 32, 32]");
        refused("syenet_isp", List.of(broken.toString()), "a.png", "cannot read the image");
        refused("syenet_isp", List.of(empty.toString()), "empty", "holds no .npy");
        refused("syenet_isp", List.of(tmp.resolve("nowhere.png").toString()), "nowhere.png", "no such file");
        refused("unet_small", List.of(TestFiles.testdata("calib/gray24/gray24_000.png").toString()), "gray24_000.png",
                "channel count");
        refused("syenet_isp", List.of(raw, "--bayer", "RGGB", "--mean", "0.1,0.2"), "--mean", "4 channels");
        refused("syenet_isp", List.of(raw, "--bayer", "RGBG"), "--bayer must be");
    }

    private void refused(String model, List<String> calibration, String... words) {
        Path out = tmp.resolve(model + ".tflite");
        TestFiles.Run run = int8(model, out, calibration.toArray(String[]::new));
        assertEquals(Main.EXIT_BAD_INPUT, run.status(), run.out() + run.err());
        assertEquals(1, run.err().lines().count(), run.err());
        assertTrue(run.err().startsWith("isptool: "), run.err());
        for (String w : words) {
            assertTrue(run.err().contains(w), run.err() + " lacks " + w);
        }
        assertFalse(run.err().contains("Exception") || run.err().contains("\tat "), run.err());
        assertFalse(Files.exists(out));
        assertEquals("", run.out(), "nothing printed before the refusal");
    }
}
