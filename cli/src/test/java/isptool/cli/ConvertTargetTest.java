package isptool.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import isptool.backends.tflite.TfliteModel;
import isptool.backends.tflite.TfliteType;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code isptool convert --target T}: the target swaps run after tflite-prep, are printed and put
 * in --report, and the written model (verified against onnxruntime as every convert) no longer has
 * the ops the target lacks; without --target the pixel shuffle of SYENet's QCU needs no GATHER.
 */
class ConvertTargetTest {
    @TempDir
    Path tmp;

    private TestFiles.Run convert(String model, Path out, String... more) {
        String[] args = new String[4 + more.length];
        args[0] = "convert";
        args[1] = TestFiles.testdata(model).toString();
        args[2] = "-o";
        args[3] = out.toString();
        System.arraycopy(more, 0, args, 4, more.length);
        return TestFiles.isptool(args);
    }

    /**
     * int8 for NNAPI before API 30: int8 inputs and outputs (the delegate converts int8 tensors to
     * uint8 itself but runs no QUANTIZE to int8 nor a DEQUANTIZE of asymmetric int8), the global
     * mean pooled in blocks of at most 256 pixels: the check after convert finds it fully delegated.
     */
    @Test
    void int8SyenetForApi29RunsWhollyOnNnapi() throws Exception {
        Path out = tmp.resolve("syenet_int8.tflite");
        TestFiles.Run run = convert("syenet_isp.onnx", out, "--target", "nnapi-29", "--precision", "int8",
                "--calibration", TestFiles.testdata("calib/raw64").toString(), "--bayer", "RGGB");
        assertEquals(0, run.status(), run.out() + run.err());
        assertTrue(run.out().contains("  --target nnapi-29: int8 model inputs and outputs"), run.out());
        assertTrue(run.out().contains("  plan nnapi-29: fully delegated; 1 delegate partition, 0 CPU islands"), run.out());
        TfliteModel m = TfliteModel.open(out);
        assertEquals(0, m.count("QUANTIZE") + m.count("DEQUANTIZE") + m.count("MEAN"), m.opHistogram().toString());
        assertEquals(TfliteType.INT8, m.inputs().get(0).type());

        TestFiles.Run floatIo = convert("syenet_isp.onnx", tmp.resolve("f.tflite"), "--target", "nnapi-29",
                "--precision", "int8", "--calibration", TestFiles.testdata("calib/raw64").toString(), "--bayer", "RGGB",
                "--io-type", "float32");
        assertEquals(0, floatIo.status(), floatIo.err());
        assertTrue(floatIo.out().contains("  plan nnapi-29: partially delegated"), floatIo.out());
        assertTrue(floatIo.out().contains("QUANTIZE to a signed type: before API 30 the output must be uint8"),
                floatIo.out());
    }

    @Test
    void syenetOnApi27HasItsPReluAndMeanSwapped() throws Exception {
        Path out = tmp.resolve("syenet_isp.tflite");
        Path report = tmp.resolve("report.json");
        TestFiles.Run run = convert("syenet_isp.onnx", out, "--target", "nnapi-27", "--report", report.toString());

        assertEquals(0, run.status(), run.out() + run.err());
        assertTrue(run.out().contains("target nnapi-27: swaps applied: 3"), run.out());
        assertTrue(run.out().contains("verify (random input, seed 0): ok"), run.out());
        TfliteModel m = TfliteModel.open(out);
        assertEquals(0, m.count("PRELU") + m.count("MEAN"), m.opHistogram().toString());
        // the 32x32 mean in two pools of at most 256 pixels (16x16, then 2x2): NNAPI's quantized limit
        assertEquals(2, m.count("AVERAGE_POOL_2D"), m.opHistogram().toString());
        assertTrue(run.out().contains("  plan nnapi-27: fully delegated; 1 delegate partition"), run.out());

        JsonNode r = new ObjectMapper().readTree(report.toFile());
        assertEquals("nnapi-27", r.get("target").get("name").asText());
        assertEquals("fully delegated", r.get("target").get("check").get("verdict").asText());
        assertEquals(2, r.get("target").get("swaps").get("counts").get("PReluAsRelus").asInt());
        assertEquals("target-swaps", r.get("pipelines").get(2).asText());
    }

    @Test
    void unetOnApi29HasItsHalfPixelResizeAsTransposeConv() {
        Path out = tmp.resolve("unet.tflite");
        TestFiles.Run run = convert("unet_small.onnx", out, "--target", "nnapi-29");

        assertEquals(0, run.status(), run.out() + run.err());
        assertTrue(run.out().contains("BilinearResizeAsConvTranspose"), run.out());
        TfliteModel m = TfliteModel.open(out);
        assertEquals(0, m.count("RESIZE_BILINEAR"), m.opHistogram().toString());
        assertEquals(2, m.count("TRANSPOSE_CONV"), m.opHistogram().toString());
    }

    @Test
    void gpuTargetChangesNothing() {
        Path plain = tmp.resolve("plain.tflite");
        Path gpu = tmp.resolve("gpu.tflite");
        assertEquals(0, convert("fsrcnn.onnx", plain).status());
        TestFiles.Run run = convert("fsrcnn.onnx", gpu, "--target", "gpu");

        assertEquals(0, run.status(), run.out() + run.err());
        assertTrue(run.out().contains("target gpu: swaps applied: 0"), run.out());
        assertEquals(TfliteModel.open(plain).opHistogram(), TfliteModel.open(gpu).opHistogram());
    }

    /** SYENet-style SR with the QCU right before the pixel shuffle: both QCU convs permuted, no GATHER. */
    @Test
    void syenetSrHasNoGatherOnTheDefaultTarget() {
        Path out = tmp.resolve("syenet_sr.tflite");
        TestFiles.Run run = convert("syenet_sr.onnx", out);

        assertEquals(0, run.status(), run.out() + run.err());
        assertTrue(run.out().contains("reordered"), run.out());
        TfliteModel m = TfliteModel.open(out);
        assertEquals(0, m.count("GATHER"), m.opHistogram().toString());
        assertEquals(1, m.count("DEPTH_TO_SPACE"), m.opHistogram().toString());
    }

    @Test
    void unknownTargetExits2ListingTheValidOnes() {
        TestFiles.Run run = convert("fsrcnn.onnx", tmp.resolve("x.tflite"), "--target", "nnapi-26");

        assertEquals(2, run.status(), run.out() + run.err());
        assertTrue(run.err().contains("unknown target \"nnapi-26\"") && run.err().contains("nnapi-27, nnapi-28"),
                run.err());
        assertTrue(!run.err().contains("Exception"), run.err());
    }

    @Test
    void allowApproxWithoutTargetExits2() {
        TestFiles.Run run = convert("fsrcnn.onnx", tmp.resolve("x.tflite"), "--allow-approx");

        assertEquals(2, run.status(), run.out() + run.err());
        assertTrue(run.err().contains("--allow-approx needs --target"), run.err());
    }
}
