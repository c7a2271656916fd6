package isptool.backends.qnn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import isptool.backends.quant.CalibrationMethod;
import isptool.backends.quant.Precision;
import isptool.backends.quant.QuantFixture;
import isptool.backends.target.QnnGraphCheck;
import isptool.backends.target.QnnGraphReport;
import isptool.backends.target.Target;
import isptool.backends.tflite.TfliteModel;
import isptool.backends.verify.Comparison;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every testdata net in float32 and quantized as convert does (int8 and int16x8), emitted as QNN
 * files, compile- and link-checked, and run in the quantization simulator with weights read back from NAME.bin: float32 must match onnxruntime
 * beyond 100 dB, and a quantized graph's PSNR against onnxruntime float32 must match the TFLite
 * interpreter's PSNR on the model it came from (same held-out smooth images); every quantized
 * graph and the float16 graph must pass the HTP v73 rules (QnnGraphCheck), the float16 one fail
 * v68's.
 */
class QnnTestdataTest {
    /**
     * Largest |quantsim PSNR - TFLite PSNR| accepted, in dB. Measured: at most 0.18 on the image nets (mai_isp
     * int16x8: TFLite's tanh table) and 0.72 on mobilenet_v2 int8 (a 10-value output after 17 blocks; per layer the
     * two differ by up to 0.5 dB either way: TFLite's integer requantization against the simulator's exact rounding).
     */
    static final double AGREEMENT_DB = 1.0;

    @TempDir
    Path tmp;

    /** The net quantized as convert does (default method, bias correction) and its TFLite file. */
    static Path quantized(QuantFixture f, Precision p) throws java.io.IOException {
        return f.model(f.quantize(p, CalibrationMethod.MSE, true, null));
    }

    static QnnGraph qnn(Path model, String name) {
        return TfliteToQnn.convert(TfliteModel.open(model), name, QnnDataType.FLOAT_32);
    }

    @ParameterizedTest
    @ValueSource(strings = {"syenet_isp", "mai_isp", "csanet_like", "unet_small", "ecbsr", "fsrcnn", "sensitive_net",
            "repvgg", "acnet", "mobileone", "dbb", "qarepvgg", "seq_zero_pad", "mobilenet_v2", "nafnet_like", "syenet_sr",
            "syenet_sr4"})
    void int8AndInt16x8MatchTheTfliteInterpreter(String net) throws Exception {
        QuantFixture f = QuantFixture.testdata(net, tmp);
        QnnGraph fp32 = qnn(f.floatModel, net);
        Path floatDir = Files.createDirectories(tmp.resolve(net + "-fp32"));
        QnnFiles.of(fp32, 1, QnnEncodingsJson.Format.V1_0_0, "test").writeTo(floatDir);
        QnnSdkCheck.Result floatSyntax = QnnSdkCheck.syntax(floatDir.resolve(net + ".cpp"));
        assertTrue(floatSyntax.ok(), floatSyntax.output());
        assertTrue(QnnSdkCheck.link(floatDir, net).ok());
        double exact = QnnQuality.compare(fp32, QnnFiles.members(fp32), f.g, f.plan, f.image(1)).stream()
                .mapToDouble(Comparison::psnr).min().orElseThrow();
        System.out.printf(Locale.ROOT, "qnn %s FP32: quantsim %.1f dB%n", net, exact);
        assertTrue(exact > 100, net + " fp32 quantsim PSNR " + exact);
        QnnGraph fp16 = TfliteToQnn.convert(TfliteModel.open(f.floatModel), net, QnnDataType.FLOAT_16);
        assertTrue(QnnGraphCheck.run(fp16, Target.byName("htp-v73")).runs(), net + " fp16 on htp-v73");
        assertTrue(QnnGraphCheck.run(fp16, Target.byName("htp-v68")).refused().size() == fp16.nodes().size(),
                net + " fp16 on htp-v68: every node refused (no float16 before v69)");
        for (Precision p : new Precision[] {Precision.INT8, Precision.INT16X8}) {
            Path model = quantized(f, p);
            QnnGraph q = qnn(model, net);
            Path dir = Files.createDirectories(tmp.resolve(net + "-" + p));
            QnnFiles.of(q, 1, QnnEncodingsJson.Format.V1_0_0, "test").writeTo(dir);
            QnnSdkCheck.Result syntax = QnnSdkCheck.syntax(dir.resolve(net + ".cpp"));
            assertTrue(syntax.ok(), syntax.output());
            QnnSdkCheck.Result link = QnnSdkCheck.link(dir, net);
            assertTrue(link.ok(), link.output());

            Map<String, byte[]> members = QnnTar.read(Files.readAllBytes(dir.resolve(net + ".bin")));
            double qnn = 0;
            for (long seed : List.of(1L, 2L)) {
                List<Comparison> rows = QnnQuality.compare(q, members, f.g, f.plan, f.image(seed));
                qnn += rows.stream().mapToDouble(Comparison::psnr).min().orElseThrow() / 2;
            }
            double tflite = f.psnr(model);
            QnnGraphReport htp = QnnGraphCheck.run(q, Target.byName("htp-v73"));
            System.out.printf(Locale.ROOT, "qnn %s %s: quantsim %.2f dB, tflite %.2f dB, diff %+.2f; ops %s; %s%n", net,
                    p, qnn, tflite, qnn - tflite, q.opHistogram(), htp.summary());
            assertTrue(htp.runs(), net + " " + p + ": " + htp.summary() + "; " + String.join("; ",
                    htp.refused().stream().map(v -> v.name() + ": " + v.reasons()).toList()));
            assertTrue(Math.abs(qnn - tflite) <= AGREEMENT_DB, net + " " + p + ": quantsim " + qnn + " dB, TFLite "
                    + tflite + " dB");
        }
    }

    @Test
    void syenetIsEightConvolutionsAndOneDepthToSpace() throws Exception {
        QuantFixture f = QuantFixture.testdata("syenet_isp", tmp);
        QnnGraph q = qnn(quantized(f, Precision.INT8), "syenet_isp");
        assertEquals(8, q.count("Conv2d"));
        assertEquals(1, q.count("DepthToSpace"));
        assertEquals(0, q.count("Transpose"));
        assertEquals(0, q.count("Concat"));
    }

    /** TFLite keeps int16x8 DEPTH_TO_SPACE in float32 after a DEQUANTIZE; QNN runs it on UFIXED_POINT_16, then dequantizes. */
    @Test
    void int16x8DepthToSpaceRunsOnFixedPoint() throws Exception {
        QuantFixture f = QuantFixture.testdata("syenet_isp", tmp);
        Path model = quantized(f, Precision.INT16X8);
        assertEquals(1, TfliteModel.open(model).operators().stream()
                .filter(op -> op.opName().equals("DEPTH_TO_SPACE")
                        && TfliteModel.open(model).tensor(op.inputs().get(0)).type().name().equals("FLOAT32")).count());
        QnnGraph q = qnn(model, "syenet_isp");
        QnnNode d2s = q.nodes().stream().filter(n -> n.type().equals("DepthToSpace")).findFirst().orElseThrow();
        assertEquals(QnnDataType.UFIXED_POINT_16, q.tensor(d2s.inputs().get(0)).type());
        assertEquals(QnnDataType.UFIXED_POINT_16, q.tensor(d2s.outputs().get(0)).type());
        QnnNode last = q.nodes().get(q.nodes().size() - 1);
        assertEquals("Dequantize", last.type());
        assertEquals(q.outputs(), last.outputs());
        assertEquals(2, q.count("Prelu"), "TFLite's int16x8 MUL + MAXIMUM PReLU is one Prelu again");
        assertEquals(0, q.count("ElementWiseMaximum"));
        assertEquals(2, q.count("ElementWiseMultiply"));
    }
}
