package isptool.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code isptool bench --host} on the SYENet-style ISP net converted by isptool itself. */
class BenchCommandTest {
    @TempDir
    static Path dir;

    @TempDir
    Path tmp;

    static Path model;

    /** Few runs, short: the statistics, not the machine, are under test. */
    private static final String[] QUICK = {"--runs", "10", "--warmup", "2", "--min-secs", "0"};

    @BeforeAll
    static void convert() {
        model = dir.resolve("syenet_isp.tflite");
        TestFiles.Run run = TestFiles.isptool("convert", TestFiles.testdata("syenet_isp.onnx").toString(), "-o", model.toString());
        assertEquals(0, run.status(), run.err());
    }

    private static TestFiles.Run bench(String... args) {
        String[] all = Stream.concat(Stream.concat(Stream.of("bench"), Arrays.stream(args)), Arrays.stream(QUICK))
                .toArray(String[]::new);
        return TestFiles.isptool(all);
    }

    @Test
    void tableHasTheHostRowWithFullXnnpackDelegation() {
        TestFiles.Run run = bench(model.toString(), "--host");
        assertEquals(0, run.status(), run.err());
        assertEquals("", run.errors());
        String out = run.out();
        assertTrue(out.contains("host (TFLite interpreter in-process, 1 thread, XNNPACK)"), out);
        assertTrue(out.matches("(?s).*target +delegate +median ms +p95 ms +FPS +delegation +peak memory.*"), out);
        assertTrue(out.matches("(?s).*\\n  host +xnnpack +[0-9.]+ +[0-9.]+ +[0-9.]+  full \\(17/17 ops\\) +[0-9.]+ MB \\(process RSS\\).*"),
                out);
        assertTrue(out.matches("(?s).*host/xnnpack: init [0-9.]+ ms, first inference [0-9.]+ ms, warm-up avg [0-9.]+ ms"
                + " \\(\\d+ runs\\); \\d+ runs: mean .*"), out);
    }

    @Test
    void builtinKernelsOnTwoThreads() {
        TestFiles.Run run = bench(model.toString(), "--host", "--no-xnnpack", "--threads", "2");
        assertEquals(0, run.status(), run.err());
        assertTrue(run.out().contains("2 threads, builtin kernels"), run.out());
        assertTrue(run.out().matches("(?s).*\\n  host +cpu +[0-9.]+ +[0-9.]+ +[0-9.]+  - +[0-9.]+ MB.*"), run.out());
    }

    @Test
    void jsonHasFlagsStatsMemoryAndDelegation() throws IOException {
        Path json = tmp.resolve("bench.json");
        TestFiles.Run run = bench(model.toString(), "--host", "--json", json.toString());
        assertEquals(0, run.status(), run.err());
        JsonNode j = new ObjectMapper().readTree(json.toFile());
        assertEquals("bench", j.get("command").asText());
        assertEquals(10, j.get("flags").get("runs").asInt());
        assertTrue(j.get("host").get("processors").asInt() >= 1);
        JsonNode r = j.get("runs").get(0);
        assertEquals("host", r.get("target").asText());
        assertEquals("xnnpack", r.get("delegate").asText());
        assertTrue(r.get("ok").asBoolean());
        JsonNode inf = r.get("inference");
        assertTrue(inf.get("count").asInt() >= 10);
        double min = inf.get("min_us").asDouble();
        double p5 = inf.get("p5_us").asDouble();
        double median = inf.get("median_us").asDouble();
        double p95 = inf.get("p95_us").asDouble();
        double max = inf.get("max_us").asDouble();
        assertTrue(min > 0 && min <= p5 && p5 <= median && median <= p95 && p95 <= max, inf.toString());
        assertTrue(r.get("warmup").get("count").asInt() >= 2);
        assertTrue(r.get("init_us").asDouble() > 0 && r.get("first_inference_us").asDouble() > 0);
        assertTrue(r.get("memory").get("peak_mb").asDouble() > 10);
        assertEquals("full", r.get("delegate_outcomes").get(0).get("outcome").asText());
        assertEquals(17, r.get("partitions").get(0).get("replaced_nodes").asInt());
        assertTrue(j.get("gate").get("passed").asBoolean());
    }

    @Test
    void medianAboveTheLimitExits5WithOneLineAndStillReports() throws IOException {
        Path json = tmp.resolve("gate.json");
        TestFiles.Run run = bench(model.toString(), "--host", "--max-latency-ms", "0.000001", "--json", json.toString());
        assertEquals(Main.EXIT_GATE, run.status(), run.err());
        String err = run.errors().strip();
        assertEquals(1, err.lines().count(), err);
        assertTrue(err.startsWith("isptool: " + model + ": median latency ") && err.contains("on host/xnnpack is above"
                + " --max-latency-ms 0.000001"), err);
        assertTrue(run.out().contains("  host "), run.out());
        assertFalse(new ObjectMapper().readTree(json.toFile()).get("gate").get("passed").asBoolean());
    }

    @Test
    void medianBelowTheLimitPasses() {
        TestFiles.Run run = bench(model.toString(), "--host", "--max-latency-ms", "100000");
        assertEquals(0, run.status(), run.err());
    }

    @Test
    void maiScoreWithPsnr() {
        TestFiles.Run run = bench(model.toString(), "--host", "--psnr", "42");
        assertEquals(0, run.status(), run.err());
        // a median far below 30 ms is clipped to 0.03 s: 42 + 20 * (0.2 - 0.03) = 45.40
        assertTrue(run.out().matches("(?s).*MAI 2021 score host/xnnpack: 45\\.40 \\(PSNR 42\\.00 dB, runtime [0-9.]+ ms\\).*"),
                run.out());
    }

    /** The fidelity of a convert --report: a quantized model's PSNR against float32, else the verification's. */
    @Test
    void maiScoreWithThePsnrOfAConvertReport() throws IOException {
        Path int8 = tmp.resolve("syenet_int8.tflite");
        Path report = tmp.resolve("syenet_int8.json");
        TestFiles.Run convert = TestFiles.isptool("convert", TestFiles.testdata("syenet_isp.onnx").toString(), "-o",
                int8.toString(), "--precision", "int8", "--calibration", TestFiles.testdata("calib/raw64").toString(),
                "--bayer", "RGGB", "--report", report.toString());
        assertEquals(0, convert.status(), convert.err());
        double calibrationPsnr = new ObjectMapper().readTree(report.toFile()).get("quantization").get("quality")
                .get("calibration").get(0).get("psnr_mean_db").asDouble();
        TestFiles.Run run = bench(int8.toString(), "--host", "--psnr-from", report.toString());
        assertEquals(0, run.status(), run.err());
        String expected = String.format(java.util.Locale.ROOT, "MAI 2021 score host/xnnpack: %.2f (PSNR %.2f dB quantized"
                + " vs float32, calibration samples, from %s, runtime ", calibrationPsnr + 20 * (0.2 - 0.03), calibrationPsnr,
                report);
        assertTrue(run.out().contains(expected), expected + "\n" + run.out());

        Path notJson = tmp.resolve("not.json");
        Files.writeString(notJson, "{ \"verification\": ");
        assertBadInput(bench(model.toString(), "--host", "--psnr-from", notJson.toString()), notJson.toString(), "not JSON");
        Files.writeString(notJson, "{}");
        assertBadInput(bench(model.toString(), "--host", "--psnr-from", notJson.toString()), "holds no PSNR");
        assertBadInput(bench(model.toString(), "--host", "--psnr", "30", "--psnr-from", report.toString()),
                "give one of them");
    }

    private void assertBadInput(TestFiles.Run run, String... mentions) throws IOException {
        assertEquals(Main.EXIT_BAD_INPUT, run.status(), run.err());
        String err = run.errors().strip();
        assertEquals(1, err.lines().count(), "one line: " + err);
        assertTrue(err.startsWith("isptool: "), err);
        assertFalse(err.contains("\tat "), err);
        for (String m : mentions) {
            assertTrue(err.contains(m), "should mention " + m + ": " + err);
        }
        assertEquals("", run.out());
        try (Stream<Path> left = Files.list(tmp)) {
            assertTrue(left.noneMatch(p -> p.getFileName().toString().contains("out.json")), "no JSON left");
        }
    }

    private String jsonOut() {
        return tmp.resolve("out.json").toString();
    }

    @Test
    void missingModel() throws IOException {
        assertBadInput(bench(tmp.resolve("nope.tflite").toString(), "--host", "--json", jsonOut()), "nope.tflite",
                "no such file");
    }

    @Test
    void corruptModel() throws IOException {
        byte[] all = Files.readAllBytes(model);
        Path bad = Files.write(tmp.resolve("truncated.tflite"), Arrays.copyOf(all, all.length / 3));
        assertBadInput(bench(bad.toString(), "--host", "--json", jsonOut()), "truncated.tflite");
        Path text = Files.writeString(tmp.resolve("notes.tflite"), "not a model at all");
        assertBadInput(bench(text.toString(), "--host"), "notes.tflite", "not a TFLite model");
    }

    /** One command for a CI pipeline: the ONNX model is converted (and verified) as convert does, then timed. */
    @Test
    void onnxModelIsConvertedFirstWithConvertsOptions() throws IOException {
        Path onnx = TestFiles.testdata("syenet_isp.onnx");
        TestFiles.Run run = bench(onnx.toString(), "--host", "--precision", "fp16", "--json", jsonOut());
        assertEquals(0, run.status(), run.err());
        assertTrue(run.out().startsWith("isptool convert: " + onnx + " -> "), run.out());
        assertTrue(run.out().contains("verify (random input, seed 0): ok"), run.out());
        assertTrue(run.out().contains("fp16"), run.out());
        assertTrue(run.out().contains("\n  host       xnnpack "), run.out());
        try (Stream<Path> left = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            assertTrue(left.noneMatch(p -> p.getFileName().toString().startsWith("isptool-bench~"
                    + ProcessHandle.current().pid() + "-")), "the converted model is removed");
        }
    }

    @Test
    void onnxThatDoesNotConvertEndsWithConvertsLine() throws IOException {
        Path onnx = TestFiles.testdata("syenet_isp.onnx");
        TestFiles.Run run = bench(onnx.toString(), "--host", "--precision", "int8");
        assertEquals(Main.EXIT_BAD_INPUT, run.status(), run.err());
        assertTrue(run.err().contains("--calibration"), run.err());
        assertBadInput(bench(model.toString(), "--host", "--precision", "fp16"), "convert an .onnx MODEL first");
    }

    @Test
    void deviceArgumentsAreCheckedBeforeAdbIsAsked() throws IOException {
        assertBadInput(bench(model.toString(), "--device", "emulator-5554", "--host"), "--host and --device emulator-5554");
        assertBadInput(bench(model.toString(), "--device", "emulator-5554", "--delegate", "hexagon", "--json", jsonOut()),
                "--delegate hexagon", "nnapi:ACCELERATOR");
        assertBadInput(bench(model.toString(), "--device", "emulator-5554", "--timeout", "0"), "--timeout 0");
        assertBadInput(bench(model.toString(), "--host", "--delegate", "gpu"), "--delegate", "--device");
        assertBadInput(bench(model.toString(), "--device", "emulator-5554", "--benchmark-binary",
                tmp.resolve("nowhere").toString()), "nowhere", "--benchmark-binary");
    }

    @Test
    void whereToRunMustBeSaid() throws IOException {
        assertBadInput(bench(model.toString()), "--host");
    }

    @Test
    void badNumbers() throws IOException {
        assertBadInput(bench(model.toString(), "--host", "--threads", "0"), "--threads 0");
        assertBadInput(bench(model.toString(), "--host", "--max-latency-ms", "-1"), "--max-latency-ms -1");
        assertBadInput(bench(model.toString(), "--host", "--runs", "many"), "--runs", "many");
    }

    @Test
    void jsonIntoAFolderIsRefusedBeforeAnyWork() throws IOException {
        assertBadInput(bench(model.toString(), "--host", "--json", tmp.toString()), tmp.toString(), "folder");
    }
}
