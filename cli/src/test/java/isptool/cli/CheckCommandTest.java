package isptool.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code isptool check}: the table, the plan, --json, --require-full and bad targets. */
class CheckCommandTest {
    @TempDir
    Path tmp;

    private static String unet() {
        return TestFiles.testdata("unet_small.onnx").toString();
    }

    @Test
    void halfPixelResizeFallsOffNnapi29() {
        TestFiles.Run run = TestFiles.isptool("check", unet(), "--target", "nnapi-29");
        assertEquals(0, run.status(), run.err());
        String out = run.out();
        assertTrue(out.contains("(ONNX, converted in memory at fp32, 17 operators)"), out);
        assertTrue(out.matches("(?s).*\\n +8 +RESIZE_BILINEAR +/Resize +CPU\\n.*"), out);
        assertTrue(out.contains("half_pixel_centers = true needs API 30; this target is API 29  [tensorflow/tensorflow"
                + " tensorflow/lite/delegates/nnapi/nnapi_delegate.cc NNAPIDelegateKernel::Validate]"), out);
        assertTrue(out.contains("swap: exact for integer scales"), out);
        assertTrue(out.contains("plan nnapi-29: partially delegated; 2 delegate partitions, 1 CPU island; 2 tensors"
                + " cross (40.0 KB per inference)"), out);
        assertTrue(out.contains("NNAPI delegate ops 0-7 | CPU op 8 | NNAPI delegate ops 9-16"), out);
    }

    @Test
    void requireFullExitsFiveWhenATargetIsNotFullyDelegated() {
        TestFiles.Run partial = TestFiles.isptool("check", unet(), "--target", "nnapi-29,nnapi-30", "--require-full");
        assertEquals(Main.EXIT_GATE, partial.status());
        assertTrue(partial.err().contains("not fully delegated on nnapi-29 (--require-full)"), partial.err());
        TestFiles.Run full = TestFiles.isptool("check", unet(), "--target", "nnapi-30", "--require-full");
        assertEquals(0, full.status(), full.err());
        assertTrue(full.out().contains("plan nnapi-30: fully delegated"), full.out());
    }

    @Test
    void jsonHoldsVerdictsReasonsAndPlan() throws Exception {
        Path json = tmp.resolve("check.json");
        TestFiles.Run run = TestFiles.isptool("check", unet(), "--target", "nnapi-29,gpu", "--json", json.toString());
        assertEquals(0, run.status(), run.err());
        JsonNode j = new ObjectMapper().readTree(json.toFile());
        assertEquals("check", j.get("command").asText());
        assertEquals("fp32", j.get("converted").asText());
        JsonNode nnapi = j.get("targets").get(0);
        assertEquals("nnapi-29", nnapi.get("target").asText());
        assertEquals("partially delegated", nnapi.get("verdict").asText());
        assertEquals(1, nnapi.get("refused_ops").get("RESIZE_BILINEAR").asInt());
        assertEquals(40960, nnapi.get("plan").get("crossing_bytes").asLong());
        JsonNode resize = nnapi.get("operators").get(8);
        assertEquals("/Resize", resize.get("onnx_node").asText());
        assertFalse(resize.get("runs").asBoolean());
        assertTrue(resize.get("refusals").get(0).get("source").asText().contains("nnapi_delegate.cc"));
        assertTrue(resize.get("swap").asText().contains("TRANSPOSE_CONV"));
        assertEquals("fully delegated", j.get("targets").get(1).get("verdict").asText());
    }

    @Test
    void allTargetsOnATfliteModelWithItsOnnxNodes() throws Exception {
        Path tflite = tmp.resolve("isp.tflite");
        assertEquals(0, TestFiles.isptool("convert", TestFiles.testdata("syenet_isp.onnx").toString(), "-o",
                tflite.toString()).status());
        TestFiles.Run run = TestFiles.isptool("check", tflite.toString(), "--target", "all");
        assertEquals(0, run.status(), run.err());
        String header = run.out().lines().skip(1).findFirst().orElseThrow();
        for (String t : new String[] {"nnapi-27", "nnapi-35", "gpu", "htp", "htp-v75", "cpu"}) {
            assertTrue(header.contains(t), header);
        }
        assertTrue(run.out().contains("/head_act/PRelu"), run.out());
        assertTrue(run.out().contains("nnapi-27: PRELU is not in NNAPI before API 29 (feature level 3)"), run.out());
        assertTrue(run.out().contains("plan htp-v68: not delegated"), run.out());
        assertTrue(run.out().contains("plan htp-v73: fully delegated"), run.out());
    }

    @Test
    void quantizedWithConvertsOptions() {
        TestFiles.Run run = TestFiles.isptool("check", unet(), "--target", "nnapi-29,nnapi-30", "--precision", "int8",
                "--calibration", TestFiles.testdata("calib/rgb32").toString());
        assertEquals(0, run.status(), run.err());
        assertTrue(run.out().contains("converted in memory at int8"), run.out());
        assertTrue(run.out().contains("nnapi-29: QUANTIZE to a signed type: before API 30 the output must be uint8"),
                run.out());
        assertTrue(run.out().contains("plan nnapi-30: fully delegated"), run.out());
    }

    @Test
    void badTargetsAndOptions() throws Exception {
        TestFiles.Run bad = TestFiles.isptool("check", unet(), "--target", "tpu");
        assertEquals(Main.EXIT_BAD_INPUT, bad.status());
        assertTrue(bad.err().contains("--target \"tpu\" is not a target; valid targets: nnapi-27, nnapi-28"), bad.err());
        assertTrue(bad.err().contains("htp-v75, cpu, all"), bad.err());
        assertEquals("", bad.out());

        Path tflite = tmp.resolve("u.tflite");
        assertEquals(0, TestFiles.isptool("convert", unet(), "-o", tflite.toString()).status());
        TestFiles.Run quantTflite = TestFiles.isptool("check", tflite.toString(), "--target", "gpu", "--precision",
                "int8");
        assertEquals(Main.EXIT_BAD_INPUT, quantTflite.status());
        assertTrue(quantTflite.err().contains("already a TFLite model"), quantTflite.err());

        TestFiles.Run missing = TestFiles.isptool("check", tmp.resolve("none.onnx").toString(), "--target", "gpu");
        assertEquals(Main.EXIT_BAD_INPUT, missing.status());
        assertTrue(missing.err().contains("none.onnx"), missing.err());
        assertFalse(missing.err().contains("Exception"), missing.err());

        TestFiles.Run overwrite = TestFiles.isptool("check", tflite.toString(), "--target", "gpu", "--json",
                tflite.toString());
        assertEquals(Main.EXIT_BAD_INPUT, overwrite.status());
        assertTrue(Files.size(tflite) > 0);
    }
}
