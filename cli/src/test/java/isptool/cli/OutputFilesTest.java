package isptool.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import isptool.graph.DType;
import isptool.graph.Graph;
import isptool.graph.Shape;
import isptool.graph.Tensor;
import isptool.graph.Value;
import isptool.graph.io.OnnxExporter;
import isptool.graph.io.TempFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where results go: never over the input, never into a folder or an unwritable place (said before
 * any work, naming the real reason), never a temporary file left behind, even when the process is
 * terminated or killed while writing.
 */
class OutputFilesTest {
    @TempDir
    Path tmp;

    private Path model() throws IOException {
        Path m = tmp.resolve("model.onnx");
        Files.copy(TestFiles.testdata("syenet_isp.onnx"), m);
        return m;
    }

    private static void assertRefused(TestFiles.Run run, String... mentions) {
        assertEquals(Main.EXIT_BAD_INPUT, run.status(), run.err());
        String err = run.err().strip();
        assertEquals(1, err.lines().count(), err);
        for (String m : mentions) {
            assertTrue(err.contains(m), "should mention " + m + ": " + err);
        }
        assertEquals("", run.out(), "refused before any work");
    }

    private static boolean beingWritten(Path f) {
        try {
            return Files.size(f) > 1 << 20;
        } catch (IOException e) {
            return false; // renamed or removed meanwhile
        }
    }

    private List<Path> temporaries(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> TempFiles.isTemporaryName(p.getFileName().toString())).toList();
        }
    }

    @Test
    void outputOrReportNamingTheInputIsRefusedAndTheInputKept() throws IOException {
        Path in = model();
        byte[] before = Files.readAllBytes(in);
        Path link = Files.createSymbolicLink(tmp.resolve("link.onnx"), in);
        for (String cmd : List.of("reparam", "convert")) {
            assertRefused(TestFiles.isptool(cmd, in.toString(), "-o", in.toString()), "-o names the input model");
            assertRefused(TestFiles.isptool(cmd, in.toString(), "-o", link.toString()), "link.onnx", "input model");
            assertRefused(TestFiles.isptool(cmd, in.toString(), "-o", tmp.resolve("out").toString(), "--report",
                    in.toString()), "--report names the input model");
            assertRefused(TestFiles.isptool(cmd, link.toString(), "-o", in.toString()), "input model");
            assertRefused(TestFiles.isptool(cmd, in.toString(), "-o", tmp.resolve("same").toString(), "--report",
                    tmp.resolve("same").toString()), "--report names the same file as -o");
        }
        assertArrayEquals(before, Files.readAllBytes(in));
        assertEquals(List.of(), temporaries(tmp));
    }

    @Test
    void unwritableOutputsSayTheRealReasonBeforeAnyWork() throws IOException {
        Path in = model();
        Path folder = Files.createDirectory(tmp.resolve("folder"));
        assertRefused(TestFiles.isptool("reparam", in.toString(), "-o", folder.toString()), "folder", "is a folder");
        assertRefused(TestFiles.isptool("convert", in.toString(), "-o", in.resolve("x.tflite").toString()),
                "model.onnx is a file, not a folder");
        // /proc and /sys refuse new files whoever asks (root included, as in CI)
        assertRefused(TestFiles.isptool("reparam", in.toString(), "-o", "/proc/isptool-test.onnx"),
                "/proc/isptool-test.onnx: cannot write the output", "/proc");
        assertRefused(TestFiles.isptool("convert", in.toString(), "-o", tmp.resolve("ok.tflite").toString(),
                "--report", "/sys/isptool-report.json"), "/sys/isptool-report.json: cannot write the output");
        assertEquals(List.of(), temporaries(tmp));
        assertEquals(List.of(), temporaries(folder));
    }

    /** A 250-byte output name is legal; its temporary name must be too (it was 250 + 25 bytes). */
    @Test
    void longestOutputNamesWork() throws IOException {
        Path in = model();
        Path out = tmp.resolve("é".repeat(60) + "a".repeat(125) + ".onnx"); // 60*2 + 125 + 5 = 250 bytes
        TestFiles.Run run = TestFiles.isptool("reparam", in.toString(), "-o", out.toString(), "--report",
                tmp.resolve("r".repeat(245) + ".json").toString());
        assertEquals(0, run.status(), run.err());
        assertTrue(Files.size(out) > 0);
        assertEquals(List.of(), temporaries(tmp));
    }

    /** A graph whose export takes long enough to be caught while writing: two 64 MiB 1x1 convs. */
    private Path bigModel() throws IOException {
        Graph g = new Graph();
        g.setSource("big.onnx");
        g.opsets().put("", 17L);
        int c = 4096;
        Value x = g.valueNamed("x");
        x.setType(DType.FLOAT, Shape.of(1, c, 1, 1));
        g.addInput(x);
        Value v = x;
        for (int i = 0; i < 2; i++) {
            float[] w = new float[c * c];
            for (int k = 0; k < w.length; k += 4099) {
                w[k] = 1e-3f * (k % 7);
            }
            Value wv = g.addConstant("w" + i, Tensor.ofFloats(new long[] {c, c, 1, 1}, w));
            Value y = g.newValue("conv" + i);
            g.addNode("Conv", "conv" + i, List.of(v, wv), List.of(y));
            Value r = g.newValue("relu" + i);
            g.addNode("Relu", "relu" + i, List.of(y), List.of(r));
            v = r;
        }
        g.addOutput(v);
        Path m = tmp.resolve("big.onnx");
        OnnxExporter.write(g, m);
        return m;
    }

    /**
     * Starts isptool in its own JVM and returns once a temporary file in dir holds over 1 MiB: the
     * model is being written (the empty probe made and removed at the start does not count).
     */
    private Process startAndCatchWriting(Path dir, String... args) throws Exception {
        Process p = TestFiles.start(tmp.resolve("child.log"), args);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (temporaries(dir).stream().noneMatch(OutputFilesTest::beingWritten)) {
            assertTrue(p.isAlive(), "isptool ended before writing: " + Files.readString(tmp.resolve("child.log")));
            assertTrue(System.nanoTime() < deadline, "no temporary file appeared");
            Thread.sleep(1);
        }
        return p;
    }

    /** reparam of the big model into a new folder "out", caught while writing there. */
    private Process writingIntoOut() throws Exception {
        Path in = bigModel();
        Path outDir = Files.createDirectory(tmp.resolve("out"));
        return startAndCatchWriting(outDir, "reparam", in.toString(), "-o", outDir.resolve("big.onnx").toString(),
                "--no-verify");
    }

    /**
     * A whole int8 convert (onnxruntime, the TFLite interpreter, calibration, temporary models)
     * leaves the system temporary folder as it found it: onnxruntime's loader used to leave one
     * empty onnxruntime-javaNNN folder there per run (OrtNatives).
     */
    @Test
    void aRunLeavesNothingInTheSystemTemporaryFolder() throws Exception {
        Path sysTmp = Files.createDirectories(tmp.resolve("systmp"));
        Process p = TestFiles.start(tmp.resolve("child.log"), List.of("-Djava.io.tmpdir=" + sysTmp), "convert",
                TestFiles.testdata("syenet_isp.onnx").toString(), "-o", tmp.resolve("m.tflite").toString(),
                "--precision", "int8", "--calibration", TestFiles.testdata("calib/raw64").toString(), "--bayer",
                "RGGB");
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "isptool did not end");
        assertEquals(0, p.exitValue(), Files.readString(tmp.resolve("child.log.err")));
        assertTrue(Files.isRegularFile(tmp.resolve("m.tflite")));
        try (Stream<Path> left = Files.list(sysTmp)) {
            assertEquals(List.of(), left.map(f -> f.getFileName().toString()).toList());
        }
    }

    @Test
    void terminatedWhileWritingLeavesNoTemporary() throws Exception {
        Process p = writingIntoOut();
        Path outDir = tmp.resolve("out");
        p.destroy(); // SIGTERM
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(List.of(), temporaries(outDir), "the shutdown hook removes what was being written");
    }

    @Test
    void killedWhileWritingLeavesATemporaryTheNextRunRemoves() throws Exception {
        Process p = writingIntoOut();
        Path outDir = tmp.resolve("out");
        p.destroyForcibly(); // SIGKILL: nothing in the process can clean up
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        List<Path> left = temporaries(outDir);
        assertFalse(left.isEmpty(), "a killed process cannot remove its temporary");
        TestFiles.Run next = TestFiles.isptool("reparam", model().toString(), "-o", outDir.resolve("small.onnx").toString());
        assertEquals(0, next.status(), next.err());
        assertEquals(List.of(), temporaries(outDir), "the next run removed the stale temporary " + left);
    }
}
