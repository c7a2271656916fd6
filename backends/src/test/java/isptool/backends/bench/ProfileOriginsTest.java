package isptool.backends.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import isptool.backends.layout.LayoutPlan;
import isptool.backends.tflite.TfliteBuilder;
import isptool.backends.tflite.TfliteModel;
import isptool.backends.tflite.TfliteType;
import isptool.backends.tflite.lower.OnnxToTflite;
import isptool.graph.Graph;
import isptool.graph.io.OnnxImporter;
import isptool.graph.shapes.ShapeInference;
import isptool.passes.PassReport;
import isptool.passes.Pipelines;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.lite.schema.BuiltinOperator;

/** Op profile rows of syenet_isp as convert writes it name the ONNX node each op came from. */
class ProfileOriginsTest {
    @TempDir
    Path dir;

    private TfliteModel syenet() throws Exception {
        Path root = Path.of(System.getProperty("isptool.root", "..")).resolve("testdata");
        Graph g = OnnxImporter.load(root.resolve("syenet_isp.onnx"));
        PassReport report = new PassReport();
        Pipelines.reparam().run(g, report);
        Pipelines.tflitePrep().run(g, report);
        ShapeInference.run(g);
        Path file = dir.resolve("syenet_isp.tflite");
        OnnxToTflite.lower(g, LayoutPlan.of(g, true)).write(file);
        return TfliteModel.open(file);
    }

    @Test
    void rowsOfTheNewestToolMapByNodeIndex() throws Exception {
        List<OpProfileRow> rows = ProfileOrigins.attach(
                BenchmarkModelParser.parse(BenchmarkModelParserTest.fixture("newest_op_profile.log")).ops(), syenet());
        assertEquals(List.of("/head/compress/Conv", "/head_act/PRelu", "/body/compress/Conv", "/shuffle/DepthToSpace"),
                rows.stream().map(OpProfileRow::onnxNode).toList());
    }

    @Test
    void rowsWithoutOrWithAWrongIndexMapByTheirOutputTensors() throws Exception {
        TfliteModel m = syenet();
        List<OpProfileRow> rows = ProfileOrigins.attach(List.of(
                row("CONV_2D", "[/body/compress/Conv_output_0]"),
                row("CONV_2D", "[/body/compress/Conv_output_0]:3"),
                row("PRELU:some profiling string", "[/body_act/PRelu_output_0]:7"),
                row("TfLiteXNNPackDelegate", "[output]:17"),
                row("CONV_2D", "[no such tensor]:0")), m);
        assertEquals(Arrays.asList("/body/compress/Conv", "/body/compress/Conv", "/body_act/PRelu", null, null),
                rows.stream().map(OpProfileRow::onnxNode).toList());
    }

    @Test
    void aModelWithoutTheMappingLeavesRowsAsTheyAre() {
        TfliteBuilder b = new TfliteBuilder();
        int x = b.addTensor("x", TfliteType.FLOAT32, new long[] {1, 4});
        int y = b.addTensor("y", TfliteType.FLOAT32, new long[] {1, 4});
        b.addOperator(BuiltinOperator.RELU, null, new int[] {x}, new int[] {y});
        b.inputs(x).outputs(y);
        List<OpProfileRow> rows = List.of(row("RELU", "[y]:0"));
        assertNull(ProfileOrigins.attach(rows, TfliteModel.of(b.toBytes(), "plain")).get(0).onnxNode());
    }

    private static OpProfileRow row(String type, String name) {
        return new OpProfileRow(type, null, 1, 1, 10, 10, 0, 1, name);
    }
}
