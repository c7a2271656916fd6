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
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code isptool convert --backend qnn} on syenet_isp: the four files beside -o's name, QNN op
 * counts and the quantsim PSNR printed and in the report, the PSNR floor gating all files, and
 * a net with an op QNN has no row for refused in one line with no file written.
 */
class ConvertQnnTest {
    @TempDir
    Path tmp;

    private TestFiles.Run convert(String net, Path out, String... options) {
        List<String> args = new ArrayList<>(List.of("convert", TestFiles.testdata(net + ".onnx").toString(), "--backend",
                "qnn", "-o", out.toString(), "--report", tmp.resolve("report.json").toString()));
        args.addAll(Arrays.asList(options));
        return TestFiles.isptool(args.toArray(String[]::new));
    }

    private static String[] int8(String... more) {
        List<String> args = new ArrayList<>(List.of("--precision", "int8", "--calibration",
                TestFiles.testdata("calib/raw64").toString(), "--bayer", "RGGB"));
        args.addAll(Arrays.asList(more));
        return args.toArray(String[]::new);
    }

    private List<String> files() throws IOException {
        try (Stream<Path> s = Files.list(tmp.resolve("out"))) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void int8WritesFourFilesWithOpCountsAndQuantsimPsnr() throws IOException {
        Path out = tmp.resolve("out/isp");
        TestFiles.Run run = convert("syenet_isp", out, int8("--encodings-format", "legacy", "--qnn-tensor-version", "2",
                "--per-layer"));
        assertEquals(0, run.status(), run.out() + run.err());
        assertEquals(List.of("isp.bin", "isp.cpp", "isp.encodings.json", "isp_net.json"), files());
        JsonNode qnn = new ObjectMapper().readTree(tmp.resolve("report.json").toFile()).get("qnn");
        assertEquals(8, qnn.get("ops").get("Conv2d").asInt());
        assertEquals(1, qnn.get("ops").get("DepthToSpace").asInt());
        assertFalse(qnn.get("ops").has("Transpose") || qnn.get("ops").has("Concat"));
        double psnr = qnn.get("quantsim").get(0).get("psnr_db").asDouble();
        assertTrue(psnr > 40, "quantsim PSNR " + psnr);
        assertTrue(run.out().contains("    Conv2d 8") && run.out().contains(QualityPrinter.db(psnr)), run.out());
        assertTrue(Files.readString(tmp.resolve("out/isp.cpp")).contains("QNN_TENSOR_VERSION_2"));
        assertFalse(Files.readString(tmp.resolve("out/isp.encodings.json")).contains("\"version\""));
        JsonNode layers = qnn.get("quantsim_layers");
        assertTrue(layers.size() > 8, layers.toString());
        assertTrue(run.out().contains("qnn quantsim per layer on") && run.out().contains("/tail/compress/Conv"), run.out());
    }

    @Test
    void fp16IsAFloat16GraphAboveItsSixtyDecibelFloor() throws IOException {
        Path out = tmp.resolve("out/isp16");
        TestFiles.Run run = convert("syenet_isp", out, "--precision", "fp16");
        assertEquals(0, run.status(), run.out() + run.err());
        String cpp = Files.readString(tmp.resolve("out/isp16.cpp"));
        assertTrue(cpp.contains("QNN_DATATYPE_FLOAT_16") && !cpp.contains("QNN_DATATYPE_FLOAT_32")
                && !cpp.contains("\"Dequantize\""));
        JsonNode qnn = new ObjectMapper().readTree(tmp.resolve("report.json").toFile()).get("qnn");
        assertTrue(qnn.get("quantsim").get(0).get("psnr_db").asDouble() >= 60, qnn.toString());
    }

    @Test
    void anHtpTargetJudgesTheEmittedGraphNodeByNode() throws IOException {
        TestFiles.Run run = convert("syenet_isp", tmp.resolve("out/isp"), int8("--target", "htp-v73"));
        assertEquals(0, run.status(), run.out() + run.err());
        JsonNode report = new ObjectMapper().readTree(tmp.resolve("report.json").toFile());
        JsonNode htp = report.get("qnn").get("htp_check");
        int nodes = report.get("qnn").get("nodes").asInt();
        assertTrue(htp.get("runs").asBoolean(), htp.toString());
        assertEquals(nodes, htp.get("nodes").size());
        assertTrue(run.out().contains("qnn graph check: runs on htp-v73 (" + nodes + " nodes)"), run.out());

        // v68 has no float16: every node of an fp16 graph is refused, each with its reason and its source
        run = convert("syenet_isp", tmp.resolve("out/isp16"), "--precision", "fp16", "--target", "htp-v68");
        assertEquals(0, run.status(), run.out() + run.err());
        htp = new ObjectMapper().readTree(tmp.resolve("report.json").toFile()).get("qnn").get("htp_check");
        assertFalse(htp.get("runs").asBoolean());
        int refused = 0;
        for (JsonNode n : htp.get("nodes")) {
            refused += n.get("runs").asBoolean() ? 0 : 1;
        }
        assertEquals(htp.get("nodes").size(), refused);
        assertTrue(run.out().contains("qnn graph check: refused on htp-v68: " + refused + " of " + refused + " nodes")
                && run.out().contains("Conv2d (") && run.out().contains("float16 from v69"), run.out());
    }

    @Test
    void aPsnrFloorAboveTheResultWritesNothing() throws IOException {
        Path out = tmp.resolve("out/isp");
        Files.createDirectories(out.getParent());
        TestFiles.Run run = convert("syenet_isp", out, int8("--min-psnr", "200"));
        assertEquals(Main.EXIT_MISMATCH, run.status(), run.out() + run.err());
        assertEquals(List.of(), files());
    }

    @Test
    void anOpWithoutQnnRowIsRefusedInOneLine() throws IOException {
        Path out = tmp.resolve("out/naf");
        Files.createDirectories(out.getParent());
        TestFiles.Run run = convert("nafnet_like.dynamo", out);
        assertEquals(2, run.status(), run.out() + run.err());
        assertTrue(run.err().startsWith("isptool: " + TestFiles.testdata("nafnet_like.dynamo.onnx") + ": operator ")
                && run.err().contains("(SPLIT) from ONNX node \"node_Split_47\"") && run.err().lines().count() == 1,
                run.err());
        assertFalse(run.err().contains("\tat "), run.err());
        assertEquals(List.of(), files());
    }
}
