package isptool.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Weights of 1e-42 (float32 subnormals): onnxruntime's outputs are around 1e-41, TFLite's
 * (XNNPACK, denormals flushed to zero) exactly 0. convert used to fail that with exit 3 (100%
 * relative error against a 1e-41 range); both are float32's underflow range, so it verifies and
 * says how many values were compared as 0.
 */
class SubnormalTest {
    @TempDir
    Path tmp;

    @Test
    void subnormalWeightsConvertAndSayWhatWasFlushed() throws IOException {
        TinyModels m = new TinyModels();
        Arrays.fill(m.weight, 1e-42f);
        Arrays.fill(m.bias, 0);
        Path model = m.conv(tmp.resolve("subnormal.onnx"));
        Path out = tmp.resolve("out.tflite");

        TestFiles.Run run = TestFiles.isptool("convert", model.toString(), "-o", out.toString());

        assertEquals(0, run.status(), run.out() + run.err());
        assertTrue(run.out().contains("verify (random input, seed 0): ok"), run.out());
        assertTrue(run.out().contains("subnormal values (below 1.2e-38, which XNNPACK flushes to zero) compared as 0"),
                run.out());
        assertTrue(Files.exists(out));
    }
}
