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
}
