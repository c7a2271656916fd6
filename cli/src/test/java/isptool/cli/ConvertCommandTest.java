package isptool.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import isptool.backends.tflite.TfliteModel;
import isptool.backends.tflite.TfliteRunner;
import isptool.backends.tflite.lower.StoredTensors;
import isptool.backends.verify.Comparison;
import isptool.graph.Tensor;
import isptool.graph.io.TensorFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code isptool convert}: the testdata ISP/SR nets become NHWC float32 TFLite models with no
 * TRANSPOSE, equal to PyTorch's reference output; models with ops outside the table are refused.
 */
class ConvertCommandTest {
    @TempDir
    Path tmp;

    /** The acceptance criterion: SYENet lowers to 8 CONV_2D, 1 DEPTH_TO_SPACE, nothing else layout-wise. */
    @Test
    void syenetIsEightConvsAndOneDepthToSpace() throws Exception {
        Path out = tmp.resolve("syenet_isp.tflite");
        Path report = tmp.resolve("report.json");
        TestFiles.Run run = TestFiles.isptool("convert", TestFiles.testdata("syenet_isp.onnx").toString(), "-o",
                out.toString(), "--report", report.toString());
        assertEquals(0, run.status(), run.out() + run.err());
        assertTrue(run.out().contains("TRANSPOSE 0"), run.out());
        assertTrue(run.out().contains("verify (random input, seed 0): ok"), run.out());

        TfliteModel m = TfliteModel.open(out);
        assertEquals(8, m.count("CONV_2D"));
        assertEquals(1, m.count("DEPTH_TO_SPACE"));
        assertEquals(0, m.count("CONCATENATION"));
        assertEquals(0, m.count("TRANSPOSE"));
        assertEquals(List.of("input"), m.inputs().stream().map(TfliteModel.TensorInfo::name).toList());
        assertEquals(List.of("output"), m.outputs().stream().map(TfliteModel.TensorInfo::name).toList());
        assertEquals(List.of(1L, 32L, 32L, 4L), java.util.Arrays.stream(m.inputs().get(0).shape()).boxed().toList());

        JsonNode r = new ObjectMapper().readTree(report.toFile());
        assertEquals("convert", r.get("command").asText());
        assertEquals(8, r.get("tflite").get("ops").get("CONV_2D").asInt());
        assertEquals(0, r.get("tflite").get("transposes").asInt());
        assertEquals("reparam", r.get("pipelines").get(0).asText());
        assertEquals(6, r.get("passes").get("counts").get("MergeConcatOfConvs").asInt());
        assertTrue(r.get("verification").get("ok").asBoolean());
    }

    /** Every export of every testdata network: no TRANSPOSE, and the TFLite output equals PyTorch's to 1e-4 relative. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("isptool.cli.ReparamTestdataTest#exports")
    void matchesPyTorch(String file, JsonNode model) throws Exception {
        Path out = tmp.resolve(file + ".tflite");
        Path input = TestFiles.testdata(model.get("input").asText());
        TestFiles.Run run = TestFiles.isptool("convert", TestFiles.testdata(file).toString(), "-o", out.toString(),
                "--verify-input", input.toString());
        assertEquals(0, run.status(), run.out() + run.err());
        assertEquals(0, TfliteModel.open(out).count("TRANSPOSE"), run.out());

        Tensor expected = TensorFiles.read(TestFiles.testdata(model.get("output").asText()));
        Tensor got;
        try (TfliteRunner r = TfliteRunner.open(out)) {
            String in = r.inputNames().get(0);
            got = StoredTensors.toNchw(r.run(Map.of(in, StoredTensors.toNhwc(TensorFiles.read(input))))
                    .values().iterator().next());
        }
        Comparison c = Comparison.of("output", expected, got);
        assertTrue(c.withinRelative(1e-4), file + ": " + c);
    }

    @Test
    void unsupportedOpIsRefusedByName() {
        Path out = tmp.resolve("conv1d.tflite");
        Path model = ConformanceReparamTest.conformance().resolve("pytorch-converted/test_Conv1d/model.onnx");
        TestFiles.Run run = TestFiles.isptool("convert", model.toString(), "-o", out.toString());
        assertEquals(Main.EXIT_BAD_INPUT, run.status(), run.out() + run.err());
        assertTrue(run.err().contains("model.onnx: node \"Conv\" (Conv): only 2-D convolutions (rank-4 input) are"
                + " lowered so far, input is [2,4,10]"), run.err());
        assertEquals(1, run.err().strip().lines().count(), run.err());
        assertFalse(Files.exists(out));
    }

    /** UNet: pools, a transposed conv and a bilinear resize, all in NHWC with no TRANSPOSE. */
    @Test
    void unetLowersPoolsTransposeConvAndResize() throws Exception {
        Path out = tmp.resolve("unet.tflite");
        TestFiles.Run run = TestFiles.isptool("convert", TestFiles.testdata("unet_small.onnx").toString(), "-o",
                out.toString());
        assertEquals(0, run.status(), run.out() + run.err());
        TfliteModel m = TfliteModel.open(out);
        assertEquals(2, m.count("MAX_POOL_2D"));
        assertEquals(1, m.count("TRANSPOSE_CONV"));
        assertEquals(1, m.count("RESIZE_BILINEAR"));
    }

    /** RepVGG's group-2 convs are single grouped CONV_2Ds. */
    @Test
    void groupedConvIsOneConv2d() throws Exception {
        Path out = tmp.resolve("repvgg.tflite");
        TestFiles.Run run = TestFiles.isptool("convert", TestFiles.testdata("repvgg.onnx").toString(), "-o",
                out.toString());
        assertEquals(0, run.status(), run.out() + run.err());
        assertTrue(run.out().contains("verify (random input, seed 0): ok"), run.out());
        assertEquals(0, TfliteModel.open(out).count("SPLIT"));
    }

    /** With a tolerance no float computation meets, verification fails: exit 3 and no output file. */
    @Test
    void mismatchWritesNothing() throws Exception {
        Path out = tmp.resolve("mai.tflite");
        TestFiles.Run run = TestFiles.isptool("convert", TestFiles.testdata("mai_isp.onnx").toString(), "-o",
                out.toString(), "--tolerance", "1e-12");
        assertEquals(Main.EXIT_MISMATCH, run.status(), run.out() + run.err());
        assertTrue(run.err().contains("was not written"), run.err());
        assertFalse(Files.exists(out));
        try (var files = Files.list(tmp)) {
            assertEquals(0, files.count(), "no temporary files left behind");
        }
    }

    @Test
    void noReparamLowersTheTrainingGraph() throws Exception {
        Path out = tmp.resolve("acnet.tflite");
        TestFiles.Run run = TestFiles.isptool("convert", TestFiles.testdata("acnet.onnx").toString(), "-o",
                out.toString(), "--no-reparam");
        assertEquals(0, run.status(), run.out() + run.err());
        assertTrue(run.out().contains("passes: tflite-prep;"), run.out());
        assertTrue(TfliteModel.open(out).count("CONV_2D") > 3, run.out());
    }
}
