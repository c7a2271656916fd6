package isptool.backends.convert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import isptool.backends.calib.BayerPattern;
import isptool.backends.calib.CalibrationInputs;
import isptool.backends.calib.ImageOptions;
import isptool.backends.ort.Inputs;
import isptool.backends.quant.CalibrationMethod;
import isptool.backends.quant.IoType;
import isptool.backends.quant.Precision;
import isptool.backends.quant.Progress;
import isptool.backends.quant.QuantOptions;
import isptool.graph.Graph;
import isptool.graph.io.JsonText;
import isptool.graph.io.OnnxImporter;
import isptool.passes.target.TargetCaps;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole conversion as one backend call on the SYENet-style ISP net of testdata: every stage
 * in the result record, the first failure stopping the stages after it, one JSON form.
 */
class ConversionTest {
    @TempDir
    Path tmp;

    private static Path testdata(String name) {
        Path p = Path.of(System.getProperty("isptool.root", "..")).resolve("testdata").resolve(name);
        assertTrue(Files.exists(p), "testdata at " + p);
        return p;
    }

    private ConvertRequest request(Graph g, Precision precision, double minPsnr, ConvertRequest.Backend backend,
            TargetCaps caps, boolean skipVerify) {
        Path input = testdata("syenet_isp.onnx");
        CalibrationInputs calib = precision == Precision.FP32 ? null : CalibrationInputs.open(g,
                List.of(testdata("calib/raw64").toString()), new ImageOptions(null, null, null, BayerPattern.RGGB));
        return new ConvertRequest(input, input, true, true, caps,
                new QuantOptions(precision, IoType.FLOAT32, CalibrationMethod.MSE, true, null), false, false, minPsnr,
                calib, new ConvertRequest.Verify(Inputs.random(g, 0), "random input, seed 0", 1e-4, skipVerify),
                new ConvertRequest.HeldOut(Inputs.random(g, 0), "random input, seed 0", false), false, backend, new ConvertRequest.Qnn("isp", 1, "1.0.0", "test"));
    }

    private ConvertResult convert(Precision precision, double minPsnr, ConvertRequest.Backend backend,
            TargetCaps caps, boolean skipVerify) throws IOException {
        Graph g = OnnxImporter.load(testdata("syenet_isp.onnx"));
        return Conversion.run(g, request(g, precision, minPsnr, backend, caps, skipVerify), tmp.resolve("m.tflite"),
                Progress.NONE, System.nanoTime());
    }

    @Test
    void int8ForHtpWithQnnFilesRunsEveryStage() throws IOException {
        ConvertResult r = convert(Precision.INT8, 40, ConvertRequest.Backend.QNN, TargetCaps.named("htp-v73"), false);
        assertTrue(r.ok(), String.valueOf(r.failure()));
        assertEquals(52, r.before().convs());
        assertEquals(8, r.after().convs());
        assertEquals(0, r.floatModel().transposes());
        assertTrue(r.verification().ok());
        assertNotNull(r.quantized());
        assertTrue(r.quantized().ok());
        // on an HTP target the QNN graph is judged, not its TFLite form
        assertNull(r.targetCheck());
        assertTrue(r.qnn().htp().runs(), r.qnn().htp().summary());
        assertEquals(r.qnn().graph().nodes().size(), r.qnn().htp().nodes().size());
        assertNull(r.encodings());
        Map<String, Integer> qnnOps = r.qnn().graph().opHistogram();
        assertEquals(8, qnnOps.get("Conv2d"));
        assertEquals(1, qnnOps.get("DepthToSpace"));
        assertFalse(qnnOps.containsKey("Transpose") || qnnOps.containsKey("Concat"), qnnOps.toString());
        assertEquals(List.of("isp.cpp", "isp.bin", "isp_net.json", "isp.encodings.json"),
                List.copyOf(r.files().keySet()));
        // the quantsim of the QNN graph and the TFLite interpreter on the TFLite form agree
        double tflite = r.quantized().heldOut().get(0).comparison().psnr();
        double qnn = r.qnn().outputs().get(0).comparison().psnr();
        assertTrue(Math.abs(tflite - qnn) < 0.5, tflite + " vs " + qnn);

        String json = JsonText.write(r.toJson(Path.of("in.onnx"), Path.of("out/isp")));
        for (String key : List.of("\"before\"", "\"after\"", "\"passes\"", "\"target\"", "\"tflite\"",
                "\"verification\"", "\"quantization\"", "\"qnn\"", "\"seconds\"")) {
            assertTrue(json.contains(key), key);
        }
    }

    @Test
    void aFloorAboveTheResultStopsBeforeTheQnnFiles() throws IOException {
        ConvertResult r = convert(Precision.INT8, 200, ConvertRequest.Backend.QNN, null, false);
        assertEquals(ConvertResult.Failure.Kind.QUANT_QUALITY, r.failure().kind());
        assertTrue(r.failure().message().contains("below the floor of 200.00 dB"), r.failure().message());
        assertNull(r.qnn());
        assertEquals(Map.of(), r.files());
        assertTrue(JsonText.write(r.toJson(Path.of("in.onnx"), Path.of("out"))).contains("\"ok\": false"));
    }

    @Test
    void skippedVerificationIsSaidInTheReport() throws IOException {
        ConvertResult r = convert(Precision.FP32, Double.NaN, ConvertRequest.Backend.TFLITE, null, true);
        assertTrue(r.ok());
        assertNull(r.verification());
        assertNull(r.quantized());
        assertEquals(Map.of(), r.files());
        assertTrue(JsonText.write(r.toJson(Path.of("in.onnx"), Path.of("out.tflite")))
                .contains("\"verification\": \"skipped\""));
        assertTrue(Files.size(tmp.resolve("m.tflite")) > 0);
    }

    @Test
    void theEncodingsBackendWritesTheOnnxItVerified() throws IOException {
        ConvertResult r = convert(Precision.INT16X8, Double.NaN, ConvertRequest.Backend.QNN_ENCODINGS, null, false);
        assertTrue(r.ok(), String.valueOf(r.failure()));
        assertTrue(r.encodings().check().ok());
        assertEquals(List.of("isp.onnx", "isp.encodings.json"), List.copyOf(r.files().keySet()));
        assertTrue(r.encodings().encodings().activations().size() > 10);
    }
}
