package isptool.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import isptool.graph.DType;
import isptool.graph.Graph;
import isptool.graph.Shape;
import isptool.graph.Tensor;
import isptool.graph.Value;
import isptool.graph.io.OnnxExporter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Errors raised inside the runtimes reach the user as isptool's one line, with nothing else on stderr. */
class RuntimeErrorsTest {
    @TempDir
    Path tmp;

    /** A nearest Resize by 60000x60000 of a 4x4 image: onnxruntime is asked for 214.6 GiB. */
    @Test
    void onnxruntimeRefusingAnAllocationIsOneLine() throws Exception {
        Graph g = new Graph();
        g.setSource("huge.onnx");
        g.opsets().put("", 13L);
        Value x = g.valueNamed("x");
        x.setType(DType.FLOAT, Shape.of(1, 1, 4, 4));
        g.addInput(x);
        Value roi = g.addConstant("roi", Tensor.ofFloats(new long[] {0}, new float[0]));
        Value scales = g.addConstant("scales", Tensor.ofFloats(new long[] {4}, new float[] {1, 1, 60000, 60000}));
        Value y = g.newValue("y");
        g.addNode("Resize", "huge", List.of(x, roi, scales), List.of(y)).set("mode", "nearest");
        g.addOutput(y);
        Path in = tmp.resolve("huge.onnx");
        OnnxExporter.write(g, in);

        Path log = tmp.resolve("run.log");
        Process p = TestFiles.start(log, "reparam", in.toString(), "-o", tmp.resolve("out.onnx").toString());
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        String err = Files.readString(tmp.resolve("run.log.err")).strip();
        assertEquals(Main.EXIT_BAD_INPUT, p.exitValue(), err);
        assertEquals(1, err.lines().count(), "one line, no log of onnxruntime's own: " + err);
        assertTrue(err.startsWith("isptool: " + in + ": node \"huge\" (Resize): onnxruntime cannot allocate 214.6 GiB"),
                err);
        assertTrue(Files.notExists(tmp.resolve("out.onnx")));
    }
}
