package isptool.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import isptool.backends.tflite.Quantization;
import isptool.backends.tflite.TfliteModel;
import isptool.backends.tflite.TfliteModel.OperatorInfo;
import isptool.backends.tflite.TfliteModel.TensorInfo;
import isptool.backends.tflite.lower.StoredTensors;
import isptool.backends.tflite.lower.WeightLayout;
import isptool.graph.DType;
import isptool.graph.Graph;
import isptool.graph.Node;
import isptool.graph.Tensor;
import isptool.graph.Value;
import isptool.graph.io.OnnxImporter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * {@code isptool convert --backend qnn --encodings-only} on three testdata nets at int8 and
 * int16x8: OUT.onnx and OUT.encodings.json only; every Conv/ConvTranspose/Gemm weight and bias
 * initializer of OUT.onnx keyed, per channel on the ONNX Cout axis; every activation key a value
 * of OUT.onnx; and the TFLite model the same command quantizes (written by a plain convert with
 * the same options), its int8 weights dequantized and put back in ONNX layout, equal to OUT.onnx's
 * weights quantized with the written encodings. Legacy format entries; options that make no sense
 * with it exit 2.
 */
class ConvertQnnEncodingsTest {
    @TempDir
    Path tmp;

    private static List<String> quant(String precision, String net) {
        List<String> a = new ArrayList<>(List.of("--precision", precision));
        switch (net) {
            case "syenet_isp" -> a.addAll(List.of("--calibration", TestFiles.testdata("calib/raw64").toString(),
                    "--bayer", "RGGB"));
            case "fsrcnn" -> a.addAll(List.of("--calibration", TestFiles.testdata("calib/gray24").toString()));
            default -> a.addAll(List.of("--calibration", TestFiles.testdata("calib/rgb32").toString()));
        }
        return a;
    }

    private TestFiles.Run encodings(String net, Path out, List<String> options) {
        List<String> args = new ArrayList<>(List.of("convert", TestFiles.testdata(net + ".onnx").toString(), "--backend",
                "qnn", "--encodings-only", "-o", out.toString(), "--report", tmp.resolve("report.json").toString()));
        args.addAll(options);
        return TestFiles.isptool(args.toArray(String[]::new));
    }

    private List<String> files(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @ParameterizedTest
    @CsvSource({"syenet_isp, int8", "syenet_isp, int16x8", "fsrcnn, int8", "fsrcnn, int16x8", "unet_small, int8",
        "unet_small, int16x8"})
    void everyWeightKeyedOnItsCoutAxisAndEqualToTheQuantizedTflite(String net, String precision) throws IOException {
        Path out = tmp.resolve("out/" + net);
        TestFiles.Run run = encodings(net, out, quant(precision, net));
        assertEquals(0, run.status(), run.out() + run.err());
        assertEquals(List.of(net + ".encodings.json", net + ".onnx"), files(tmp.resolve("out")));
        JsonNode json = new ObjectMapper().readTree(tmp.resolve("out/" + net + ".encodings.json").toFile());
        assertEquals("1.0.0", json.get("version").asText());
        Map<String, JsonNode> params = byName(json.get("param_encodings"));
        Graph onnx = OnnxImporter.load(out.resolveSibling(net + ".onnx"));

        Set<String> values = new HashSet<>();
        onnx.inputs().forEach(v -> values.add(v.name()));
        onnx.nodes().forEach(n -> n.outputs().forEach(v -> values.add(v.name())));
        for (JsonNode a : json.get("activation_encodings")) {
            assertTrue(values.contains(a.get("name").asText()), a.toString());
            assertEquals(precision.equals("int8") ? 8 : 16, a.get("bw").asInt(), a.toString());
            assertFalse(a.get("is_sym").asBoolean(), a.toString());
        }
        JsonNode report = new ObjectMapper().readTree(tmp.resolve("report.json").toFile()).get("qnn_encodings");
        assertEquals(json.get("activation_encodings").size(), report.get("activation_encodings").asInt());
        assertTrue(report.get("corrected_biases").get("biases_written").asInt() >= 3, report.toString());
        assertTrue(run.out().contains("bias correction carried into " + net + ".onnx"), run.out());

        int weights = 0;
        for (Node n : onnx.nodes()) {
            if (!n.is("Conv") && !n.is("ConvTranspose")) {
                continue;
            }
            weights++;
            int axis = n.is("Conv") ? 0 : 1;
            JsonNode w = params.get(n.input(1).name());
            assertNotNull(w, n.name() + " weight " + n.input(1).name());
            long channels = n.input(1).constant().dim(axis);
            // one output channel: TFLite stores one scale, which is a per-tensor encoding
            assertEquals(channels == 1 ? "PER_TENSOR" : "PER_CHANNEL", w.get("enc_type").asText(), n.name());
            assertEquals(channels, w.get("scale").size(), n.name());
            assertEquals(8, w.get("bw").asInt());
            assertTrue(w.get("is_sym").asBoolean());
            Value b = n.inputs().size() > 2 ? n.input(2) : null;
            if (b != null && !b.name().isEmpty()) {
                JsonNode bias = params.get(b.name());
                assertNotNull(bias, n.name() + " bias " + b.name());
                assertEquals("PER_TENSOR", bias.get("enc_type").asText());
                assertEquals(32, bias.get("bw").asInt());
                double max = Arrays.stream(b.constant().toDoubles()).map(Math::abs).max().orElse(0);
                assertEquals(max == 0 ? 1.0 : (float) (max / Integer.MAX_VALUE), bias.get("scale").get(0).asDouble(),
                        1e-6 * bias.get("scale").get(0).asDouble(), n.name());
            }
        }
        assertEquals(report.get("param_encodings").asInt(), params.size());
        assertTrue(weights >= 3, net + ": " + weights + " convolutions");
        assertEquals(weights, roundTrips(net, precision, onnx, params), net);
    }

    /**
     * The weights of the TFLite model convert quantizes with the same options, dequantized and
     * transposed back to ONNX layout, against OUT.onnx's weights quantized with the encodings
     * (q = clamp(round(w / s) - offset, 0, 2^bw - 1), w' = s (q + offset)); returns how many matched.
     */
    private int roundTrips(String net, String precision, Graph onnx, Map<String, JsonNode> params) throws IOException {
        Path tflite = tmp.resolve(net + ".tflite");
        List<String> args = new ArrayList<>(List.of("convert", TestFiles.testdata(net + ".onnx").toString(), "-o",
                tflite.toString()));
        args.addAll(quant(precision, net));
        TestFiles.Run run = TestFiles.isptool(args.toArray(String[]::new));
        assertEquals(0, run.status(), run.out() + run.err());
        TfliteModel model = TfliteModel.open(tflite);
        List<String> origins = model.operatorOrigins();
        Map<String, Node> nodes = new HashMap<>();
        onnx.nodes().forEach(n -> nodes.put(n.name(), n));
        int matched = 0;
        for (OperatorInfo op : model.operators()) {
            Node n = nodes.get(origins.get(op.index()));
            WeightLayout layout = n == null ? null : WeightLayout.of(op.opName(), n.opType(), false);
            if (layout == null) {
                continue;
            }
            TensorInfo t = model.tensor(op.inputs().get(layout.weightInput()));
            Tensor onnxWeights = n.input(1).constant();
            JsonNode enc = params.get(n.input(1).name());
            double[] back = StoredTensors.transpose(dequantized(t, model.constant(t.index())),
                    inverse(layout.perm())).toDoubles();
            double[] w = onnxWeights.toDoubles();
            int axis = n.is("Conv") ? 0 : 1;
            long[] shape = onnxWeights.shape();
            assertEquals(Arrays.toString(shape), Arrays.toString(StoredTensors.transpose(dequantized(t,
                    model.constant(t.index())), inverse(layout.perm())).shape()), n.name());
            long inner = 1;
            for (int d = axis + 1; d < shape.length; d++) {
                inner *= shape[d];
            }
            double levels = Math.pow(2, enc.get("bw").asInt()) - 1;
            for (int i = 0; i < w.length; i++) {
                int c = (int) ((i / inner) % shape[axis]);
                double s = enc.get("scale").get(c).asDouble();
                double off = enc.get("offset").get(c).asDouble();
                double q = Math.min(Math.max(Math.rint(w[i] / s) - off, 0), levels);
                // the same integer level (levels are s apart); 1e-6 covers the scale's decimal form in the JSON
                assertEquals((float) (s * (q + off)), (float) back[i], 1e-6 * Math.max(s, Math.abs(back[i])),
                        n.name() + " element " + i);
            }
            // bias correction lives in the TFLite model's int32 biases: OUT.onnx carries them (CorrectedBiases)
            int bi = layout.biasInput();
            if (bi < op.inputs().size() && op.inputs().get(bi) >= 0) {
                TensorInfo bt = model.tensor(op.inputs().get(bi));
                double[] tb = dequantized(bt, model.constant(bt.index())).toDoubles();
                double[] ob = n.input(2).constant().toDoubles();
                for (int c = 0; c < tb.length; c++) {
                    assertEquals((float) tb[c], (float) ob[c], 1e-6 * Math.max(1e-3, Math.abs(tb[c])),
                            n.name() + " bias " + c);
                }
            }
            matched++;
        }
        return matched;
    }

    private static Tensor dequantized(TensorInfo t, Tensor q) {
        Quantization z = t.quantization();
        double[] v = q.toDoubles();
        long[] shape = q.shape();
        long inner = 1;
        for (int d = z.quantizedDimension() + 1; d < shape.length; d++) {
            inner *= shape[d];
        }
        for (int i = 0; i < v.length; i++) {
            int c = z.isPerChannel() ? (int) ((i / inner) % shape[z.quantizedDimension()]) : 0;
            v[i] = z.scale()[c] * (v[i] - z.zeroPoint()[c]);
        }
        return Tensor.of(DType.FLOAT, shape, v);
    }

    private static int[] inverse(int[] perm) {
        int[] inv = new int[perm.length];
        for (int j = 0; j < perm.length; j++) {
            inv[perm[j]] = j;
        }
        return inv;
    }

    private static Map<String, JsonNode> byName(JsonNode list) {
        Map<String, JsonNode> m = new HashMap<>();
        list.forEach(e -> m.put(e.get("name").asText(), e));
        return m;
    }

    @Test
    void legacyListsOneEntryPerChannelWithStringFlags() throws IOException {
        Path out = tmp.resolve("out/isp");
        List<String> options = new ArrayList<>(quant("int8", "syenet_isp"));
        options.addAll(List.of("--encodings-format", "legacy"));
        TestFiles.Run run = encodings("syenet_isp", out, options);
        assertEquals(0, run.status(), run.out() + run.err());
        JsonNode json = new ObjectMapper().readTree(tmp.resolve("out/isp.encodings.json").toFile());
        assertFalse(json.has("version"));
        assertTrue(json.get("activation_encodings").isObject() && json.get("param_encodings").isObject());
        Graph onnx = OnnxImporter.load(tmp.resolve("out/isp.onnx"));
        for (Node n : onnx.nodes()) {
            if (n.is("Conv")) {
                JsonNode w = json.get("param_encodings").get(n.input(1).name());
                assertEquals(n.input(1).constant().dim(0), w.size(), n.name());
                for (JsonNode ch : w) {
                    assertEquals("True", ch.get("is_symmetric").asText());
                    assertEquals(-128, ch.get("offset").asInt());
                    assertEquals(8, ch.get("bitwidth").asInt());
                    assertEquals(ch.get("scale").asDouble() * -128, ch.get("min").asDouble(), 1e-6);
                }
            }
        }
        json.get("activation_encodings").fields().forEachRemaining(e -> {
            assertEquals(1, e.getValue().size(), e.getKey());
            assertEquals("False", e.getValue().get(0).get("is_symmetric").asText());
        });
    }

    @Test
    void anOutputNamingTheInputIsRefusedBeforeAnyWork() throws IOException {
        Path in = Files.copy(TestFiles.testdata("syenet_isp.onnx"), tmp.resolve("isp.onnx"));
        byte[] before = Files.readAllBytes(in);
        List<String> args = new ArrayList<>(List.of("convert", in.toString(), "--backend", "qnn", "--encodings-only",
                "-o", tmp.resolve("isp").toString()));
        args.addAll(quant("int8", "syenet_isp"));
        TestFiles.Run run = TestFiles.isptool(args.toArray(String[]::new));
        assertEquals(2, run.status(), run.out() + run.err());
        assertTrue(run.err().contains("-o names the input model"), run.err());
        assertTrue(Arrays.equals(before, Files.readAllBytes(in)));
        assertFalse(Files.exists(tmp.resolve("isp.encodings.json")));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--backend tflite --precision int8|--encodings-only needs --backend qnn",
        "--backend qnn --precision fp16|--encodings-only needs --precision int8 or int16x8",
        "--backend qnn --precision fp32|--encodings-only needs --precision int8 or int16x8",
        "--backend qnn --precision int8 --qnn-tensor-version 2|--qnn-tensor-version shapes files",
        "--backend qnn --precision int8 --io-layout nchw|--io-layout shapes files",
        "--backend qnn --precision int8 --io-type int8|--io-type shapes files"})
    void optionsThatMakeNoSenseExitTwo(String options, String message) throws IOException {
        List<String> args = new ArrayList<>(List.of("convert", TestFiles.testdata("syenet_isp.onnx").toString(),
                "--encodings-only", "-o", tmp.resolve("out/isp").toString(), "--calibration",
                TestFiles.testdata("calib/raw64").toString(), "--bayer", "RGGB"));
        args.addAll(Arrays.asList(options.split(" ")));
        if (options.contains("fp32")) {
            args.removeAll(List.of("--calibration", TestFiles.testdata("calib/raw64").toString(), "--bayer", "RGGB"));
        }
        TestFiles.Run run = TestFiles.isptool(args.toArray(String[]::new));
        assertEquals(2, run.status(), run.out() + run.err());
        assertTrue(run.err().contains(message), run.err());
        assertFalse(Files.exists(tmp.resolve("out")) && files(tmp.resolve("out")).size() > 0);
    }
}
