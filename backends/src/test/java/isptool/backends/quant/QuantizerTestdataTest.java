package isptool.backends.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import isptool.backends.tflite.TfliteModel;
import isptool.backends.tflite.TfliteModel.OperatorInfo;
import isptool.backends.tflite.TfliteModel.TensorInfo;
import isptool.backends.tflite.TfliteType;
import isptool.graph.Node;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The testdata ISP, super-resolution and denoising nets converted as convert does, quantized with 16 smooth
 * calibration images and run in the TFLite interpreter against onnxruntime on held-out images.
 * The PSNR floors are the figures measured here (the default method, MSE, with bias correction) rounded down
 * by about a decibel; mai_isp is limited by TANH's fixed int8 output scale 1/128 on outputs
 * within +-0.15.
 */
class QuantizerTestdataTest {
    @TempDir
    Path tmp;

    @ParameterizedTest(name = "{0}")
    @CsvSource({"syenet_isp, 53.8, ''", "mai_isp, 53.5, /Tanh /shuffle/DepthToSpace", "unet_small, 56.5, ''",
        "csanet_like, 52.9, ''", "ecbsr, 51.9, ''", "fsrcnn, 49.6, ''", "nafnet_like, 49.6, ''"})
    void precisionsOrderAsExpected(String net, double int8Floor, String fixedScaleTail) throws IOException {
        QuantFixture f = QuantFixture.testdata(net, tmp);
        Path fp16 = f.write(f.quantize(Precision.FP16, null, false, null), "fp16");
        double fp16Psnr = f.psnr(fp16);
        assertFloat16Form(TfliteModel.open(fp16));
        double plain = f.psnr(f.write(f.quantize(Precision.INT8, CalibrationMethod.MINMAX, false, null), "mm"));
        double corrected = f.psnr(f.write(f.quantize(Precision.INT8, CalibrationMethod.MINMAX, true, null), "mmbc"));
        QuantResult best = f.quantize(Precision.INT8, Quantizer.DEFAULT_METHOD, true, null);
        Path int8 = f.write(best, "default");
        double bestPsnr = f.psnr(int8);
        List<String> tail = fixedScaleTail.isEmpty() ? List.of() : List.of(fixedScaleTail.split(" "));
        assertEquals(tail, best.floatNodes(), "a sigmoid/tanh output whose int8 scale caps the PSNR stays float");
        QuantResult strict = f.quantize(Precision.INT8, Quantizer.DEFAULT_METHOD, true, null, true);
        assertEquals(List.of(), strict.floatNodes());
        Path strictInt8 = f.write(strict, "strict");
        assertFullInteger(TfliteModel.open(strictInt8), TfliteType.INT8);
        if (!tail.isEmpty()) {
            double strictPsnr = f.psnr(strictInt8);
            System.out.printf(Locale.ROOT, "PSNR %s int8: %.2f dB with the fixed-scale tail float, %.2f dB strict%n", net,
                    bestPsnr, strictPsnr);
            assertTrue(bestPsnr > strictPsnr + 5, bestPsnr + " vs strict " + strictPsnr);
        }
        double int16 = f.psnr(f.write(f.quantize(Precision.INT16X8, CalibrationMethod.PERCENTILE, true, null), "16x8"));
        String figures = String.format(Locale.ROOT, "%s: fp16 %.2f, int8 minmax %.2f, minmax+bc %.2f, default %.2f,"
                + " int16x8 %.2f dB", net, fp16Psnr, plain, corrected, bestPsnr, int16);
        System.out.println("PSNR " + figures);
        assertTrue(fp16Psnr >= 60, figures);
        assertTrue(bestPsnr > int8Floor, figures);
        assertTrue(corrected > plain, "bias correction helps: " + figures);
        assertTrue(bestPsnr > plain, "the default beats plain minmax: " + figures);
        assertTrue(int16 > bestPsnr, "16x8 beats int8: " + figures);
    }

    /**
     * 16x8 has no int16 PRELU: syenet's PReLUs (slopes in [0, 1]) run as MUL + MAXIMUM in int16,
     * and only the final DEPTH_TO_SPACE (no int16 kernel either) stays float.
     */
    @Test
    void int16PreluBecomesMulAndMaximum() throws IOException {
        QuantFixture f = QuantFixture.testdata("syenet_isp", tmp);
        QuantResult r = f.quantize(Precision.INT16X8, Quantizer.DEFAULT_METHOD, true, null);
        TfliteModel m = TfliteModel.open(f.write(r, "16x8"));
        assertEquals(List.of("/shuffle/DepthToSpace"), r.floatNodes());
        assertEquals(0, m.count("PRELU"));
        assertEquals(2, m.count("MAXIMUM"));
        for (OperatorInfo op : m.operators()) {
            if (op.opName().equals("MAXIMUM")) {
                assertEquals(TfliteType.INT16, m.tensor(op.outputs().get(0)).type());
            }
        }
        assertTrue(f.psnr(f.write(r, "16x8b")) > 60);
        assertOriginsCarried(f, m);
    }

    /**
     * The quantized model names an ONNX node for every operator: the lowered ones keep theirs, the
     * added ones (input QUANTIZE, the PReLUs' MUL, the output DEQUANTIZE) take their neighbour's.
     */
    private static void assertOriginsCarried(QuantFixture f, TfliteModel m) {
        List<String> origins = m.operatorOrigins();
        assertEquals(m.operators().size(), origins.size());
        java.util.Set<String> nodes = new java.util.HashSet<>();
        f.g.nodes().forEach(n -> nodes.add(n.name()));
        for (OperatorInfo op : m.operators()) {
            String node = origins.get(op.index());
            assertTrue(nodes.contains(node), op.opName() + " #" + op.index() + " from " + node);
            if (op.opName().equals("MUL") && m.tensor(op.outputs().get(0)).name().endsWith("/times_slope")) {
                assertTrue(node.endsWith("PRelu"), node);
            }
        }
        assertEquals("/shuffle/DepthToSpace", origins.get(origins.size() - 1));
    }

    /** Every operator reads its float weights and biases through a DEQUANTIZE from float16. */
    private static void assertFloat16Form(TfliteModel m) {
        for (OperatorInfo op : m.operators()) {
            for (int i : op.inputs()) {
                TensorInfo t = i < 0 ? null : m.tensor(i);
                assertTrue(t == null || !t.isConstant() || t.type() != TfliteType.FLOAT32,
                        op.opName() + " reads float32 constant " + (t == null ? "" : t.name()));
            }
        }
        assertTrue(m.count("DEQUANTIZE") > 0);
    }

    /**
     * QUANTIZE only reads inputs (or requantizes integers), DEQUANTIZE only writes outputs, and every
     * other tensor is an integer.
     */
    static void assertFullInteger(TfliteModel m, TfliteType activations) {
        Set<Integer> inputs = m.inputs().stream().map(TensorInfo::index).collect(Collectors.toSet());
        Set<Integer> outputs = m.outputs().stream().map(TensorInfo::index).collect(Collectors.toSet());
        for (OperatorInfo op : m.operators()) {
            if (op.opName().equals("QUANTIZE")) {
                TfliteType from = m.tensor(op.inputs().get(0)).type();
                assertTrue(inputs.contains(op.inputs().get(0)) || from == activations, "QUANTIZE from " + from);
                continue;
            }
            if (op.opName().equals("DEQUANTIZE")) {
                assertTrue(outputs.contains(op.outputs().get(0)), "DEQUANTIZE inside the model");
                continue;
            }
            for (int i : op.inputs()) {
                TensorInfo t = i < 0 ? null : m.tensor(i);
                assertTrue(t == null || t.type() != TfliteType.FLOAT32 && t.type() != TfliteType.FLOAT16,
                        op.opName() + " reads float tensor " + (t == null ? "" : t.name()));
            }
            for (int o : op.outputs()) {
                assertEquals(activations, m.tensor(o).type(), op.opName() + " output " + m.tensor(o).name());
                assertTrue(m.tensor(o).quantization() != null, m.tensor(o).name() + " has no quantization");
            }
        }
    }

    /** Every Conv of syenet_isp has a per-layer row: its own output, or its fused activation's. */
    @Test
    void perLayerRowsCoverEveryConv() throws IOException {
        QuantFixture f = QuantFixture.testdata("syenet_isp", tmp);
        Path int8 = f.write(f.quantize(Precision.INT8, CalibrationMethod.PERCENTILE, true, null), "int8");
        List<QualityReport.Row> rows = QualityReport.compare(int8, f.g, f.plan, f.image(3), true);
        Map<String, QualityReport.Row> byTensor = rows.stream()
                .collect(Collectors.toMap(QualityReport.Row::tensor, r -> r));
        assertEquals(f.g.outputs().get(0).name(), rows.get(0).tensor());
        int convs = 0;
        for (Node n : f.g.nodes()) {
            if (n.is("Conv")) {
                convs++;
                List<Node> next = f.g.consumers(n.output(0));
                boolean fused = next.size() == 1 && byTensor.containsKey(next.get(0).output(0).name());
                assertTrue(byTensor.containsKey(n.output(0).name()) || fused, "no row for " + n.name());
            }
        }
        assertEquals(8, convs);
        for (QualityReport.Row r : rows) {
            assertTrue(r.comparison().psnr() > 35 && r.comparison().cosine() > 0.99, r.toString());
        }
    }
}
