package isptool.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code isptool inspect} on the ISP net before and after reparam. */
class InspectCommandTest {
    @TempDir
    Path tmp;

    private static JsonNode inspect(Path model) throws Exception {
        TestFiles.Run run = TestFiles.isptool("inspect", model.toString(), "--json");
        assertEquals(0, run.status(), run.err());
        return new ObjectMapper().readTree(run.out());
    }

    @Test
    void reparamShrinksParametersAndMacs() throws Exception {
        Path folded = tmp.resolve("isp.onnx");
        assertEquals(0, TestFiles.isptool("reparam", TestFiles.testdata("syenet_isp.onnx").toString(), "-o",
                folded.toString()).status());
        JsonNode before = inspect(TestFiles.testdata("syenet_isp.onnx"));
        JsonNode after = inspect(folded);
        assertEquals(52, before.get("ops").get("Conv").asInt());
        assertEquals(8, after.get("ops").get("Conv").asInt());
        assertEquals("input float[1,4,32,32]", after.get("inputs").get(0).asText());
        assertEquals(0, after.get("transposes").asInt());
        // 8 deploy convs: the MACs are the sum over them of out elements x Cin/group x k x k
        assertTrue(after.get("conv_macs").asLong() * 10 < before.get("conv_macs").asLong(), after.toString());
        assertTrue(after.get("parameters").asLong() * 10 < before.get("parameters").asLong(), after.toString());
    }

    @Test
    void textReportAndBadInput() {
        TestFiles.Run run = TestFiles.isptool("inspect", TestFiles.testdata("repvgg.onnx").toString());
        assertEquals(0, run.status(), run.err());
        assertTrue(run.out().contains("conv MACs") && run.out().contains("BatchNormalization"), run.out());
        TestFiles.Run bad = TestFiles.isptool("inspect", tmp.resolve("missing.onnx").toString());
        assertEquals(Main.EXIT_BAD_INPUT, bad.status());
        assertTrue(bad.err().contains("missing.onnx"), bad.err());
    }

    @Test
    void tfliteAgreesWithTheOnnxItCameFrom() throws Exception {
        Path folded = tmp.resolve("isp.onnx");
        Path tflite = tmp.resolve("isp.tflite");
        assertEquals(0, TestFiles.isptool("reparam", TestFiles.testdata("syenet_isp.onnx").toString(), "-o",
                folded.toString()).status());
        TestFiles.Run conv = TestFiles.isptool("convert", TestFiles.testdata("syenet_isp.onnx").toString(), "-o",
                tflite.toString());
        assertEquals(0, conv.status(), conv.err());
        JsonNode onnx = inspect(folded);
        JsonNode t = inspect(tflite);
        assertEquals("tflite", t.get("format").asText());
        assertEquals("input FLOAT32[1,32,32,4]", t.get("inputs").get(0).asText());
        assertEquals("output FLOAT32[1,64,64,3]", t.get("outputs").get(0).asText());
        assertEquals(8, t.get("ops").get("CONV_2D").asInt());
        assertEquals(0, t.get("transposes").asInt());
        // the same convolutions counted from TFLite weight layouts and from ONNX ones
        assertEquals(onnx.get("conv_macs").asLong(), t.get("conv_macs").asLong());
        assertEquals(0, t.get("convs_with_unknown_shape").asInt());
        assertTrue(t.get("activation_types").has("FLOAT32"), t.toString());
        // the TFLite file is named anything: the identifier decides
        Path renamed = tmp.resolve("model.bin");
        java.nio.file.Files.copy(tflite, renamed);
        assertEquals("tflite", inspect(renamed).get("format").asText());
    }

    @Test
    void truncatedTfliteIsOneLine() throws Exception {
        Path tflite = tmp.resolve("isp.tflite");
        assertEquals(0, TestFiles.isptool("convert", TestFiles.testdata("mai_isp.onnx").toString(), "-o",
                tflite.toString(), "--no-verify").status());
        byte[] all = java.nio.file.Files.readAllBytes(tflite);
        Path cut = tmp.resolve("cut.tflite");
        java.nio.file.Files.write(cut, java.util.Arrays.copyOf(all, all.length / 3));
        TestFiles.Run run = TestFiles.isptool("inspect", cut.toString());
        assertEquals(Main.EXIT_BAD_INPUT, run.status(), run.out());
        assertTrue(run.err().contains("cut.tflite") && run.err().strip().lines().count() == 1, run.err());
    }
}
