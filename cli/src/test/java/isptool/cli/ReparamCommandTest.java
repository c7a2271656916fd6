package isptool.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import isptool.graph.DType;
import isptool.graph.Graph;
import isptool.graph.Shape;
import isptool.graph.io.OnnxExporter;
import isptool.graph.io.OnnxImporter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The reparam command's user-facing surface: help, version, printed summary and --report JSON. */
class ReparamCommandTest {
    @TempDir
    Path tmp;

    @Test
    void helpAndVersion() {
        TestFiles.Run top = TestFiles.isptool("--help");
        assertEquals(0, top.status());
        assertTrue(top.out().contains("reparam"), top.out());
        TestFiles.Run sub = TestFiles.isptool("reparam", "--help");
        assertEquals(0, sub.status());
        assertTrue(sub.out().contains("--input-shape") && sub.out().contains("--verify-input"), sub.out());
        TestFiles.Run version = TestFiles.isptool("--version");
        assertEquals(0, version.status());
        assertTrue(version.out().startsWith("isptool "), version.out());
    }

    @Test
    void reportDescribesTheRun() throws Exception {
        Path out = tmp.resolve("isp.onnx");
        Path report = tmp.resolve("report.json");
        TestFiles.Run run = TestFiles.isptool("reparam", TestFiles.testdata("syenet_isp.onnx").toString(), "-o",
                out.toString(), "--report", report.toString(), "--seed", "7");
        assertEquals(0, run.status(), run.err());
        assertTrue(run.out().contains("Conv 52 -> 8"), run.out());
        assertTrue(run.out().contains("verify (random input, seed 7): ok"), run.out());

        JsonNode r = new ObjectMapper().readTree(report.toFile());
        assertEquals("reparam", r.get("command").asText());
        assertEquals(52, r.get("before").get("convs").asInt());
        assertEquals(8, r.get("after").get("convs").asInt());
        assertEquals(6, r.get("passes").get("counts").get("MergeConcatOfConvs").asInt());
        assertTrue(r.get("verification").get("ok").asBoolean());
        JsonNode o = r.get("verification").get("outputs").get(0);
        assertEquals("output", o.get("output").asText());
        assertTrue(o.get("max_rel").asDouble() < 1e-5, o.toString());
        assertTrue(r.get("memory").get("peak_heap_bytes").asLong() > 0);
        assertTrue(Files.size(out) > 0);
    }

    @Test
    void inputShapeFixesADynamicModel() throws Exception {
        // the ISP net with dynamic N, H, W (ecbsr's TorchScript export could not be: it baked W
        // into constants of its border writes, which shape inference rightly rejects for other sizes)
        Graph g = OnnxImporter.load(TestFiles.testdata("syenet_isp.onnx"));
        g.inputs().get(0).setType(DType.FLOAT, Shape.withSymbols(new long[] {-1, 4, -1, -1}, new String[] {"N", null, "H", "W"}));
        g.outputs().get(0).setType(DType.FLOAT, Shape.withSymbols(new long[] {-1, 3, -1, -1}, new String[] {"N", null, "H2", "W2"}));
        Path dynamic = tmp.resolve("isp_dynamic.onnx");
        OnnxExporter.write(g, dynamic);

        TestFiles.Run unfixed = TestFiles.isptool("reparam", dynamic.toString(), "-o", tmp.resolve("a.onnx").toString());
        assertEquals(Main.EXIT_BAD_INPUT, unfixed.status(), unfixed.out() + unfixed.err());
        assertTrue(unfixed.err().contains("--input-shape"), unfixed.err());

        Path out = tmp.resolve("isp.onnx");
        TestFiles.Run run = TestFiles.isptool("reparam", dynamic.toString(), "-o", out.toString(),
                "--input-shape", "input:1,4,40,56");
        assertEquals(0, run.status(), run.out() + run.err());
        assertTrue(run.out().contains("Conv 52 -> 8"), run.out());
        Graph folded = OnnxImporter.load(out);
        assertEquals(Shape.of(1, 3, 80, 112), folded.outputs().get(0).shape());
    }
}
