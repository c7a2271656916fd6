package isptool.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import isptool.backends.tflite.TfliteModel;
import isptool.graph.io.OnnxImporter;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code isptool convert --io-layout nchw}: the model takes and gives NCHW tensors through one
 * TRANSPOSE after the input and one before the output, and still matches onnxruntime.
 */
class ConvertIoLayoutTest {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"syenet_isp.onnx", "mai_isp.onnx"})
    void nchwBoundaryIsOneTransposeEachSide(String name) throws Exception {
        Path onnx = TestFiles.testdata(name);
        Path out = tmp.resolve("m.tflite");
        TestFiles.Run run = TestFiles.isptool("convert", onnx.toString(), "-o", out.toString(), "--io-layout", "nchw");
        assertEquals(0, run.status(), run.out() + run.err());
        assertTrue(run.out().contains("NCHW inputs/outputs"), run.out());
        assertTrue(run.out().contains("TRANSPOSE 2"), run.out());
        assertTrue(run.out().contains("verify (random input, seed 0): ok"), run.out());

        TfliteModel m = TfliteModel.open(out);
        assertEquals(2, m.count("TRANSPOSE"));
        long[] onnxShape = OnnxImporter.load(onnx).inputs().get(0).shape().dims();
        assertArrayEquals(onnxShape, m.inputs().get(0).shape());
        assertEquals(onnxShape.length, m.outputs().get(0).shape().length);
    }

    /** One input and one output channel: NCHW and NHWC hold the data in the same order, so RESHAPEs, no TRANSPOSE. */
    @org.junit.jupiter.api.Test
    void oneChannelBoundaryNeedsNoTranspose() throws Exception {
        Path onnx = TestFiles.testdata("fsrcnn.onnx");
        Path out = tmp.resolve("fsrcnn.tflite");
        TestFiles.Run run = TestFiles.isptool("convert", onnx.toString(), "-o", out.toString(), "--io-layout", "nchw");
        assertEquals(0, run.status(), run.out() + run.err());
        assertTrue(run.out().contains("verify (random input, seed 0): ok"), run.out());
        TfliteModel m = TfliteModel.open(out);
        assertEquals(0, m.count("TRANSPOSE"));
        assertArrayEquals(OnnxImporter.load(onnx).inputs().get(0).shape().dims(), m.inputs().get(0).shape());
    }
}
