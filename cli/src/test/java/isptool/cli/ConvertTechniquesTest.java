package isptool.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * convert's optional quantization techniques on sensitive_net (one channel far larger than the others
 * feeding a wide conv), calibrated with testdata/calib/rgb32: --cle, --adaround and --int16-ops.
 */
class ConvertTechniquesTest {
    @TempDir
    Path tmp;

    private TestFiles.Run convert(String name, String... options) {
        List<String> args = new ArrayList<>(List.of("convert", TestFiles.testdata("sensitive_net.onnx").toString(),
                "-o", tmp.resolve(name + ".tflite").toString(), "--report", tmp.resolve(name + ".json").toString()));
        args.addAll(List.of(options));
        return TestFiles.isptool(args.toArray(String[]::new));
    }

    private JsonNode quantization(String name) throws IOException {
        return new ObjectMapper().readTree(tmp.resolve(name + ".json").toFile()).get("quantization");
    }

    private static double calibrationPsnr(JsonNode quantization) {
        return quantization.get("quality").get("calibration").get(0).get("psnr_mean_db").asDouble();
    }

    /** Calibration PSNR (dB) of convert at precision without and with the options; the report of the latter. */
    private record Gain(double without, double with, JsonNode quantization, String out) {
    }

    private Gain gain(String precision, String... options) throws IOException {
        String[] base = {"--precision", precision, "--calibration", TestFiles.testdata("calib/rgb32").toString()};
        TestFiles.Run plain = convert("plain", base);
        assertEquals(0, plain.status(), plain.out() + plain.err());
        double without = calibrationPsnr(quantization("plain"));
        List<String> more = new ArrayList<>(List.of(base));
        more.addAll(List.of(options));
        TestFiles.Run run = convert("with", more.toArray(String[]::new));
        assertEquals(0, run.status(), run.out() + run.err());
        JsonNode q = quantization("with");
        return new Gain(without, calibrationPsnr(q), q, run.out());
    }

    /**
     * --cle equalizes both conv pairs and gains over 10 dB in int8; --per-layer still compares each
     * TFLite tensor with the same (equalized) ONNX value, so every layer row keeps a cosine near 1.
     */
    @Test
    void cleRaisesTheInt8Psnr() throws IOException {
        Gain g = gain("int8", "--cle", "--per-layer");
        JsonNode cle = g.quantization().get("cross_layer_equalization");
        assertEquals(2, cle.get("applied").size(), cle.toString());
        assertTrue(g.out().contains("    cross-layer equalization: 2 conv pairs equalized, "), g.out());
        assertTrue(g.with() > g.without() + 10, g.toString());
        for (JsonNode row : g.quantization().get("quality").get("layers")) {
            assertTrue(row.get("cosine").asDouble() > 0.999, row.toString());
        }
    }

    /** --adaround in 16x8, where the int8 weights dominate the error: the report says how many weights moved. */
    @Test
    void adaroundRaisesThe16x8Psnr() throws IOException {
        Gain g = gain("int16x8", "--adaround");
        JsonNode ada = g.quantization().get("adaround");
        assertEquals(3, ada.get("layers").asInt(), ada.toString());
        assertTrue(ada.get("rounded_away_from_nearest").asInt() > 0, ada.toString());
        assertTrue(g.out().contains("    adaround: 3 layers, " + ada.get("rounded_away_from_nearest").asInt() + " of "
                + ada.get("weights").asInt() + " weights rounded away from nearest"), g.out());
        assertTrue(g.with() > g.without() + 1, g.toString());
    }

    /** --int16-ops: the wide conv and its reader in int16, the rest int8; the report names them. */
    @Test
    void int16OpsRaiseTheInt8Psnr() throws IOException {
        Gain g = gain("int8", "--int16-ops", "^/act_1/Relu$|^/tail/Conv$");
        assertEquals("[\"/act_1/Relu\",\"/tail/Conv\"]", g.quantization().get("int16_nodes").toString());
        assertTrue(g.out().contains("    int16 activations (--int16-ops): /act_1/Relu, /tail/Conv\n"), g.out());
        assertTrue(g.with() > g.without() + 10, g.toString());
    }

    @Test
    void int16OpsNeedAnInt8Model() {
        TestFiles.Run run = convert("x", "--precision", "int16x8", "--calibration",
                TestFiles.testdata("calib/rgb32").toString(), "--int16-ops", "tail");
        assertEquals(Main.EXIT_BAD_INPUT, run.status(), run.out() + run.err());
        assertTrue(run.err().contains("--int16-ops gives chosen nodes of an int8 model int16 activations"), run.err());
        assertFalse(Files.exists(tmp.resolve("x.tflite")));
    }

    @Test
    void techniquesNeedAnIntegerPrecision() {
        for (String option : new String[] {"--cle", "--adaround"}) {
            TestFiles.Run run = convert("fp16", "--precision", "fp16", option);
            assertEquals(Main.EXIT_BAD_INPUT, run.status(), run.out() + run.err());
            assertTrue(run.err().contains(option + " applies to --precision int8, int16x8 or auto"), run.err());
            assertFalse(Files.exists(tmp.resolve("fp16.tflite")));
        }
    }
}
