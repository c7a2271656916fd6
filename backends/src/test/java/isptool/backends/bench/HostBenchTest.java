package isptool.backends.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import isptool.backends.layout.LayoutPlan;
import isptool.backends.tflite.TfliteBuilder;
import isptool.backends.tflite.TfliteType;
import isptool.backends.tflite.lower.OnnxToTflite;
import isptool.graph.Graph;
import isptool.graph.ModelException;
import isptool.graph.io.OnnxImporter;
import isptool.graph.shapes.ShapeInference;
import isptool.passes.PassReport;
import isptool.passes.Pipelines;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.lite.schema.BuiltinOperator;

/** The host bench on the SYENet-style ISP net, lowered as convert does, checked against a second timing. */
class HostBenchTest {
    @TempDir
    static Path dir;

    static Path syenet;

    @BeforeAll
    static void lower() throws IOException {
        Path root = Path.of(System.getProperty("isptool.root", "..")).resolve("testdata");
        assertTrue(Files.isDirectory(root), "testdata at " + root);
        Graph g = OnnxImporter.load(root.resolve("syenet_isp.onnx"));
        PassReport report = new PassReport();
        Pipelines.reparam().run(g, report);
        Pipelines.tflitePrep().run(g, report);
        ShapeInference.run(g);
        syenet = dir.resolve("syenet_isp.tflite");
        OnnxToTflite.lower(g, LayoutPlan.of(g, true)).write(syenet);
    }

    private static final HostBench.Options QUICK = HostBench.Options.DEFAULT.withRuns(2, 20, 0, 0.2);

    private static void assertConsistent(BenchResult r, int runs) {
        assertTrue(r.ok(), () -> String.valueOf(r.problem()));
        BenchStats s = r.inference();
        assertTrue(s.count() >= runs, "count " + s.count());
        assertTrue(s.min() > 0);
        assertTrue(s.min() <= s.p5() && s.p5() <= s.median() && s.median() <= s.p95() && s.p95() <= s.max(), s.toString());
        assertTrue(s.min() <= s.avg() && s.avg() <= s.max());
        assertTrue(s.std() >= 0);
        assertTrue(r.warmup().count() >= 2);
        assertTrue(r.initUs() > 0 && r.firstInferenceUs() > 0);
        assertEquals(ToolEra.HOST, r.era());
    }

    @Test
    void xnnpackTakesTheWholeNetAndASecondTimingAgrees() {
        BenchResult a = HostBench.run(syenet, QUICK);
        BenchResult b = HostBench.run(syenet, QUICK);
        assertConsistent(a, 20);
        assertConsistent(b, 20);
        double ratio = a.inference().median() / b.inference().median();
        assertTrue(ratio < 5 && ratio > 0.2, "medians " + a.inference().median() + " and " + b.inference().median());
        assertEquals(DelegateOutcome.Kind.FULL, a.outcomes().get(0).kind());
        Partitioning p = a.partitions().get(0);
        assertEquals(p.totalNodes(), p.replacedNodes());
        assertEquals("1", a.flags().get("Num threads"));
        assertEquals("true", a.flags().get("Use xnnpack"));
        assertNotNull(a.memory().peakMb(), "VmHWM of /proc/self/status");
        assertTrue(a.memory().peakMb() > 10 && a.memory().heapPeakMb() > 0, a.memory().toString());
        assertTrue(a.modelSizeMb() > 0.01 && a.modelSizeMb() < 0.05, "18 KB model: " + a.modelSizeMb());
    }

    @Test
    void withoutXnnpackOnTwoThreadsNoDelegateIsReported() {
        BenchResult r = HostBench.run(syenet, QUICK.with(false, 2));
        assertConsistent(r, 20);
        assertTrue(r.outcomes().isEmpty() && r.partitions().isEmpty() && r.delegatesCreated().isEmpty());
        assertEquals("2", r.flags().get("Num threads"));
    }

    @Test
    void minSecsKeepsRunningPastTheRunCount() {
        BenchResult r = HostBench.run(syenet, HostBench.Options.DEFAULT.withRuns(0, 1, 0, 0.3));
        double totalUs = r.inference().avg() * r.inference().count();
        assertTrue(r.inference().count() > 1 && totalUs > 0.25e6, r.inference().toString());
    }

    @Test
    void dynamicInputIsRefusedWithItsName() throws IOException {
        TfliteBuilder b = new TfliteBuilder();
        int x = b.addTensor("raw", TfliteType.FLOAT32, new long[] {1, -1, -1, 4});
        int y = b.addTensor("rgb", TfliteType.FLOAT32, new long[] {1, -1, -1, 4});
        b.addOperator(BuiltinOperator.RELU, null, new int[] {x}, new int[] {y});
        b.inputs(x).outputs(y);
        Path file = dir.resolve("dynamic.tflite");
        b.write(file);
        ModelException e = assertThrows(ModelException.class, () -> HostBench.run(file, QUICK));
        assertTrue(e.getMessage().contains("input \"raw\" is FLOAT32[1,?,?,4]") && e.getMessage().contains("--input-shape"),
                e.getMessage());
    }
}
