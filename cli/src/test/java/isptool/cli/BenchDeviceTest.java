package isptool.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import isptool.backends.bench.adb.DeviceStandIn;
import isptool.backends.bench.adb.StandInBenchmarkModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code isptool bench --device} end to end: the real adb 29 client with a private server, against
 * {@link DeviceStandIn} phones on loopback running stand-in benchmark_model scripts.
 */
class BenchDeviceTest extends AdbBenchTestBase {
    static Path model;

    @BeforeAll
    static void convert() {
        model = scratch.resolve("acnet.tflite");
        TestFiles.Run run = TestFiles.isptool("convert", TestFiles.testdata("acnet.onnx").toString(), "-o", model.toString());
        assertEquals(0, run.status(), run.err());
    }

    private static TestFiles.Run bench(String... args) {
        return TestFiles.isptool(Stream.concat(Stream.of("bench", model.toString()), Stream.of(args)).toArray(String[]::new));
    }

    /** benchmark_model runs the device received, without the run folder's wrapper. */
    private static List<String> benchmarkCommands(DeviceStandIn phone) {
        List<String> found = new ArrayList<>();
        for (String c : phone.commands) {
            int at = c.indexOf("&& (/data/local/tmp/benchmark_model ");
            if (at >= 0) {
                found.add(c.substring(at + 4, c.indexOf(" & echo $!", at)));
            }
        }
        return found;
    }

    private static void assertNoRunFolderLeft(DeviceStandIn phone) throws IOException {
        try (Stream<Path> s = Files.list(phone.onPhone("/data/local/tmp"))) {
            List<String> left = s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("isptool-run-")).toList();
            assertEquals(List.of(), left, "run folders left on the device");
        }
    }

    @Test
    void fullRunPrintsTheDeviceRowAndLeavesTheDeviceClean() throws Exception {
        try (DeviceStandIn phone = phone("p", StandInBenchmarkModel.succeeding(dir))) {
            String serial = serial(phone);
            Path json = dir.resolve("bench.json");
            long t0 = System.nanoTime();
            TestFiles.Run run = bench("--device", serial, "--delegate", "cpu", "--threads", "4", "--runs", "20",
                    "--json", json.toString());
            double first = (System.nanoTime() - t0) / 1e9;
            assertEquals(0, run.status(), run.err());
            assertEquals("", run.errors());
            List<String> progress = run.err().lines().toList();
            assertEquals(2, progress.size(), run.err());
            assertTrue(progress.get(0).startsWith("  > " + serial + ": staging the model in /data/local/tmp/isptool-run-"),
                    run.err());
            assertEquals("  > " + serial + ": benchmark_model --delegate cpu", progress.get(1));
            System.out.println(run.out());
            assertTrue(run.out().contains(serial + " (StandIn 9, SM8550, Android SDK 34, arm64-v8a), 4 threads"), run.out());
            assertTrue(run.out().matches("(?s).*\\n  " + serial.replace(".", "\\.")
                    + " +cpu +18\\.04 +18\\.53 +55\\.4  - .*"), run.out());
            assertEquals(List.of("/data/local/tmp/benchmark_model --graph=model.tflite --num_threads=4 --num_runs=20"
                    + " --warmup_runs=1 --min_secs=1 --use_xnnpack=false"), benchmarkCommands(phone));
            DeviceStandIn.Push push = phone.pushes.get(0);
            assertEquals("/data/local/tmp/isptool-cache/model.tflite", push.path());
            assertEquals(Files.size(model), push.bytes().length);
            assertEquals(0644, push.mode() & 0777);
            assertNoRunFolderLeft(phone);

            JsonNode j = new ObjectMapper().readTree(json.toFile());
            assertEquals("StandIn 9", j.get("devices").get(serial).get("model").asText());
            assertEquals(34, j.get("devices").get(serial).get("sdk").asInt());
            JsonNode row = j.get("runs").get(0);
            assertEquals(serial, row.get("target").asText());
            assertEquals("2.1x and newer", row.get("tool_era").asText());
            assertEquals(18040, row.get("inference").get("median_us").asDouble());
            assertTrue(row.get("command_line").asText().endsWith("--use_xnnpack=false"));

            long t1 = System.nanoTime();
            TestFiles.Run again = bench("--device", serial, "--delegate", "cpu");
            double cached = (System.nanoTime() - t1) / 1e9;
            assertEquals(0, again.status(), again.err());
            assertEquals(1, phone.pushes.size(), "the unchanged model came from the device cache");
            System.out.printf("bench --device overhead against the stand-in: first run %.2f s, cached %.2f s%n", first, cached);
        }
    }

    @Test
    void keepLeavesTheRunFolderAndAndroidSerialNamesTheDevice() throws Exception {
        try (DeviceStandIn phone = phone("p", StandInBenchmarkModel.succeeding(dir))) {
            adb.connect(serial(phone));
            var previous = BenchCommand.environment;
            Map<String, String> env = new java.util.HashMap<>(previous.get());
            env.put("ANDROID_SERIAL", serial(phone));
            BenchCommand.environment = () -> env;
            TestFiles.Run run;
            try {
                run = bench("--keep");
            } finally {
                BenchCommand.environment = previous;
            }
            assertEquals(0, run.status(), run.err());
            assertTrue(run.out().contains(": " + serial(phone) + " (StandIn 9"), run.out());
            try (Stream<Path> s = Files.list(phone.onPhone("/data/local/tmp"))) {
                Path kept = s.filter(p -> p.getFileName().toString().startsWith("isptool-run-")).findFirst()
                        .orElseThrow(() -> new AssertionError("--keep: the run folder stays"));
                assertTrue(Files.exists(kept.resolve("model.tflite")), "the staged model is in it");
            }
        }
    }

    @Test
    void delegateAllRunsEachDelegateSideBySide() throws Exception {
        try (DeviceStandIn phone = phone("p", StandInBenchmarkModel.succeeding(dir))) {
            TestFiles.Run run = bench("--device", serial(phone), "--delegate", "all", "--runs", "5");
            assertEquals(0, run.status(), run.err());
            List<String> flags = benchmarkCommands(phone).stream().map(c -> c.substring(c.indexOf("--min_secs=1 ") + 13))
                    .toList();
            assertEquals(List.of("--use_xnnpack=false", "--use_xnnpack=true", "--use_gpu=true --use_xnnpack=false",
                    "--use_nnapi=true --use_xnnpack=false"), flags);
            for (String d : List.of("cpu", "xnnpack", "gpu", "nnapi")) {
                assertTrue(run.out().contains(serial(phone) + "/" + d + ": init 41.20 ms"), run.out());
            }
            assertNoRunFolderLeft(phone);
        }
    }

    /**
     * The profile's rows name the ONNX node of each op: the fixture is a profile of syenet_isp as
     * convert writes it (its output tensors and node indices), and the model carries the mapping.
     */
    @Test
    void profileOpsAsksForTheProfileAndSumsItUpWithTheOnnxNodes() throws Exception {
        Path profiled = StandInBenchmarkModel.printing(dir, fixture("newest_op_profile.log"), "", 0);
        Path syenet = dir.resolve("syenet_isp.tflite");
        assertEquals(0, TestFiles.isptool("convert", TestFiles.testdata("syenet_isp.onnx").toString(), "-o",
                syenet.toString()).status());
        try (DeviceStandIn phone = phone("p", profiled)) {
            Path json = dir.resolve("ops.json");
            TestFiles.Run run = TestFiles.isptool("bench", syenet.toString(), "--device", serial(phone), "--delegate", "cpu",
                    "--profile-ops", "--json", json.toString());
            assertEquals(0, run.status(), run.err());
            assertTrue(benchmarkCommands(phone).get(0).endsWith("--use_xnnpack=false --enable_op_profiling=true"
                    + " --op_profiling_output_mode=csv --op_profiling_output_file=ops.csv"
                    + " --profiling_output_csv_file=ops.csv"), phone.commands.toString());
            String out = run.out();
            assertTrue(out.contains("  ops of " + serial(phone) + "/cpu: 4 ops, 16.39 ms per run in all; slowest:\n"
                    + "    CONV_2D                10.80 ms   65.8%  /body/compress/Conv_output_0  (ONNX node"
                    + " /body/compress/Conv)\n"
                    + "    CONV_2D                 4.10 ms   25.0%  /head/compress/Conv_output_0  (ONNX node"
                    + " /head/compress/Conv)\n"), out);
            assertTrue(out.contains("    by op type:\n    CONV_2D                14.90 ms   90.9%  2 ops\n"), out);
            JsonNode ops = new ObjectMapper().readTree(json.toFile()).get("runs").get(0).get("ops");
            assertEquals("/shuffle/DepthToSpace", ops.get(3).get("onnx_node").asText());
            assertEquals(16, ops.get(3).get("node_index").asInt());
            assertNoRunFolderLeft(phone);

            TestFiles.Run foreign = bench("--device", serial(phone), "--delegate", "cpu", "--profile-ops");
            assertEquals(0, foreign.status(), foreign.err());
            assertTrue(foreign.out().contains("/body/compress/Conv_output_0\n"), "acnet has no such op: " + foreign.out());
        }
        String log = fixture("newest_op_profile.log");
        String withoutTable = log.substring(0, log.indexOf("\nProfiling Info for Benchmark Initialization"));
        Path csvTool = StandInBenchmarkModel.profilingToCsv(dir, withoutTable, fixture("op_profile.csv"));
        try (DeviceStandIn phone = phone("csv", csvTool)) {
            TestFiles.Run run = TestFiles.isptool("bench", syenet.toString(), "--device", serial(phone), "--delegate", "cpu",
                    "--profile-ops");
            assertEquals(0, run.status(), run.err());
            assertTrue(run.out().contains("  ops of " + serial(phone) + "/cpu: 4 ops, 16.39 ms per run in all; slowest:\n"
                    + "    CONV_2D                10.80 ms   65.8%  /body/compress/Conv_output_0  (ONNX node"
                    + " /body/compress/Conv)\n"), "read from the CSV file: " + run.out());
            assertNoRunFolderLeft(phone);
        }
        TestFiles.Run host = bench("--host", "--profile-ops");
        assertEquals(Main.EXIT_BAD_INPUT, host.status());
        assertTrue(host.err().contains("--profile-ops goes with --device"), host.err());
    }

    @Test
    void partialDelegationFailsRequireFullDelegationWithExit5() throws Exception {
        Path partial = StandInBenchmarkModel.printing(dir, fixture("fail_nnapi_partial.log"), "", 0);
        try (DeviceStandIn phone = phone("p", partial)) {
            TestFiles.Run run = bench("--device", serial(phone), "--delegate", "nnapi:qti-dsp", "--require-full-delegation");
            assertEquals(Main.EXIT_GATE, run.status(), run.err());
            assertTrue(run.out().contains("partial (2 kernels, 12/15 ops, 3 partitions)"), run.out());
            assertEquals("isptool: " + model + ": " + serial(phone) + "/nnapi:qti-dsp did not run fully on the delegate"
                    + " (partial (2 kernels, 12/15 ops, 3 partitions)) and --require-full-delegation is set; see which ops fall back with"
                    + " --json, or drop the flag\n", run.errors());
            assertTrue(benchmarkCommands(phone).get(0).endsWith(
                    "--use_nnapi=true --nnapi_accelerator_name=qti-dsp --use_xnnpack=false"), phone.commands.toString());
            assertNoRunFolderLeft(phone);

            assertEquals(0, bench("--device", serial(phone), "--delegate", "nnapi").status(), "no gate without the flag");
        }
    }

    /** Side by side, a delegate the device cannot run is a row without result; the others are measured. */
    @Test
    void oneFailingDelegateOfSeveralIsARowThenExit4() throws Exception {
        try (DeviceStandIn phone = phone("p", StandInBenchmarkModel.nnapiFails(dir))) {
            Path json = dir.resolve("all.json");
            TestFiles.Run run = bench("--device", serial(phone), "--delegate", "cpu,nnapi,xnnpack", "--json", json.toString());
            assertEquals(Main.EXIT_DEVICE, run.status(), run.err());
            String out = run.out();
            assertTrue(out.matches("(?s).*\\n  " + serial(phone).replace(".", "\\.") + " +cpu +18\\.04 .*"), out);
            assertTrue(out.matches("(?s).*\\n  " + serial(phone).replace(".", "\\.") + " +xnnpack +18\\.04 .*"), out);
            assertTrue(out.contains("/nnapi: no result: Failed to apply NNAPI delegate."), out);
            assertEquals("isptool: " + model + ": device '" + serial(phone) + "' (StandIn_9): benchmark_model failed"
                    + " (exit 1) with --delegate nnapi: Failed to apply NNAPI delegate. Benchmarking failed.; the other rows"
                    + " are above; run that delegate alone with --keep to look into it\n", run.errors());
            JsonNode runs = new ObjectMapper().readTree(json.toFile()).get("runs");
            assertEquals(3, runs.size());
            assertTrue(runs.get(1).get("failure").asText().contains("Failed to apply NNAPI delegate"), runs.toString());
            assertEquals(3, benchmarkCommands(phone).size());
            assertNoRunFolderLeft(phone);
        }
    }

    @Test
    void failingBenchmarkIsExit4WithItsErrorLine() throws Exception {
        try (DeviceStandIn phone = phone("p", StandInBenchmarkModel.delegateFails(dir))) {
            TestFiles.Run run = bench("--device", serial(phone), "--delegate", "nnapi");
            assertEquals(Main.EXIT_DEVICE, run.status(), run.err());
            assertEquals("isptool: device '" + serial(phone) + "' (StandIn_9): benchmark_model failed (exit 1) with"
                    + " --delegate nnapi: Failed to apply NNAPI delegate. Benchmarking failed.; run again with --keep and"
                    + " look in the run folder, or try another --delegate\n", run.errors());
            assertEquals("", run.out());
            assertNoRunFolderLeft(phone);
        }
    }

    @Test
    void crashIsExit4NamingTheSignal() throws Exception {
        try (DeviceStandIn phone = phone("p", StandInBenchmarkModel.crashes(dir))) {
            TestFiles.Run run = bench("--device", serial(phone));
            assertEquals(Main.EXIT_DEVICE, run.status(), run.err());
            assertTrue(run.errors().startsWith("isptool: device '" + serial(phone) + "' (StandIn_9): benchmark_model was killed"
                    + " by signal 11 (SIGSEGV) (exit 139) with --delegate xnnpack"), run.err());
            assertEquals(1, run.errors().lines().count(), run.err());
            assertNoRunFolderLeft(phone);
        }
    }

    @Test
    void timeoutIsExit4AndTheRemoteProcessIsKilled() throws Exception {
        try (DeviceStandIn phone = phone("p", StandInBenchmarkModel.hangs(dir))) {
            TestFiles.Run run = bench("--device", serial(phone), "--timeout", "2");
            assertEquals(Main.EXIT_DEVICE, run.status(), run.err());
            assertTrue(run.errors().startsWith("isptool: device '" + serial(phone) + "' (StandIn_9): '/data/local/tmp/benchmark_model"
                    + " --graph=model.tflite"), run.err());
            assertTrue(run.err().endsWith("did not finish within 2 s and was killed on the device; raise --timeout or lower"
                    + " --runs\n"), run.err());
            String kill = phone.commands.stream().filter(c -> c.startsWith("(kill -9 ")).findFirst().orElseThrow();
            long pid = Long.parseLong(kill.substring("(kill -9 ".length(), kill.indexOf(' ', "(kill -9 ".length())));
            assertFalse(phone.running(pid), "the hanging benchmark_model was killed");
            assertNoRunFolderLeft(phone);
        }
    }

    @Test
    void ctrlCStopsTheRemoteBenchmarkAndRemovesTheRunFolder() throws Exception {
        try (DeviceStandIn phone = phone("p", StandInBenchmarkModel.hangs(dir))) {
            List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"), "-cp",
                    System.getProperty("java.class.path"), "isptool.cli.Main", "bench", model.toString(), "--device",
                    serial(phone)));
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("isptool.log").toFile());
            pb.environment().put("ANDROID_ADB_SERVER_PORT", Integer.toString(adb.serverPort().getAsInt()));
            Process isptool = pb.start();
            try {
                long deadline = System.nanoTime() + 30_000_000_000L;
                while (phone.commands.stream().noneMatch(c -> c.contains("benchmark_model --graph"))
                        && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                Thread.sleep(500);
                isptool.destroy(); // SIGTERM, as Ctrl-C's SIGINT: the JVM runs its shutdown hooks
                assertTrue(isptool.waitFor(30, java.util.concurrent.TimeUnit.SECONDS), "isptool ended");
            } finally {
                isptool.destroyForcibly();
            }
            String kill = phone.commands.stream().filter(c -> c.startsWith("(kill -9 ")).findFirst()
                    .orElseThrow(() -> new AssertionError("no remote kill: " + phone.commands));
            long pid = Long.parseLong(kill.substring("(kill -9 ".length(), kill.indexOf(' ', "(kill -9 ".length())));
            assertFalse(phone.running(pid), "the hanging benchmark_model was killed");
            assertNoRunFolderLeft(phone);
        }
    }

    @Test
    void unknownSerialIsExit4SayingWhatToDo() {
        TestFiles.Run run = bench("--device", "R5CT000NOPE");
        assertEquals(Main.EXIT_DEVICE, run.status(), run.err());
        assertEquals("isptool: device 'R5CT000NOPE' not found: it is neither attached nor connected (see 'adb devices -l');"
                + " plug it in, or run 'adb connect HOST:PORT' for a network device\n", run.errors());
    }

    @Test
    void unauthorizedDeviceIsExit4SayingToAcceptTheDialog() throws Exception {
        try (DeviceStandIn phone = new DeviceStandIn(dir.resolve("p")).auth(DeviceStandIn.Auth.UNAUTHORIZED).start(0)) {
            TestFiles.Run run = bench("--device", serial(phone));
            assertEquals(Main.EXIT_DEVICE, run.status(), run.err());
            assertEquals("isptool: device '" + serial(phone) + "' did not authorize this computer: accept the 'Allow USB"
                    + " debugging' dialog on the device (or add this adb key to the device farm), then run again\n", run.errors());
        }
    }

    @Test
    void noBenchmarkModelOnTheDeviceIsExit4SayingHowToGetOne() throws Exception {
        try (DeviceStandIn phone = new DeviceStandIn(dir.resolve("p")).start(0)) {
            TestFiles.Run run = bench("--device", serial(phone));
            assertEquals(Main.EXIT_DEVICE, run.status(), run.err());
            assertTrue(run.errors().startsWith("isptool: device '" + serial(phone) + "' (StandIn_9) has no"
                    + " /data/local/tmp/benchmark_model: pass --benchmark-binary PATH"), run.err());
            assertEquals(List.of(), phone.pushes);
        }
    }

    @Test
    void wrongAbiBenchmarkBinaryIsExit2BeforeAnythingIsPushed() throws Exception {
        byte[] elf = new byte[64];
        elf[0] = 0x7f;
        elf[1] = 'E';
        elf[2] = 'L';
        elf[3] = 'F';
        elf[4] = 2;
        elf[5] = 1;
        elf[18] = 62; // x86_64
        Path binary = Files.write(dir.resolve("benchmark_model_x86_64"), elf);
        try (DeviceStandIn phone = new DeviceStandIn(dir.resolve("p")).start(0)) {
            TestFiles.Run run = bench("--device", serial(phone), "--benchmark-binary", binary.toString());
            assertEquals(Main.EXIT_BAD_INPUT, run.status(), run.err());
            assertEquals("isptool: " + binary + ": built for x86_64 (ELF machine 62) but device '" + serial(phone)
                    + "' is arm64-v8a; pass --benchmark-binary with a benchmark_model built for arm64-v8a\n", run.errors());
            assertEquals(List.of(), phone.pushes);
            assertNoRunFolderLeft(phone);
        }
    }

    /**
     * A real ELF built for this machine, on a stand-in that reports this machine's ABI: it passes
     * the ELF check and is pushed; being {@code true}, it prints no timings (exit 4).
     */
    @Test
    void benchmarkBinaryIsCheckedPushedWithItsModeAndRunFromTheRunFolder() throws Exception {
        String abi = switch (System.getProperty("os.arch")) {
            case "amd64", "x86_64" -> "x86_64";
            case "aarch64" -> "arm64-v8a";
            default -> null;
        };
        org.junit.jupiter.api.Assumptions.assumeTrue(abi != null && Files.isExecutable(Path.of("/bin/true")));
        Path binary = Files.copy(Path.of("/bin/true"), dir.resolve("benchmark_model"));
        try (DeviceStandIn phone = new DeviceStandIn(dir.resolve("p")).property("ro.product.cpu.abi", abi).start(0)) {
            TestFiles.Run run = bench("--device", serial(phone), "--benchmark-binary", binary.toString());
            assertEquals(Main.EXIT_DEVICE, run.status(), run.err());
            assertTrue(run.errors().startsWith("isptool: device '" + serial(phone) + "' (StandIn_9): benchmark_model with"
                    + " --delegate xnnpack printed no inference timings"), run.err());
            DeviceStandIn.Push push = phone.pushes.get(0);
            assertEquals("/data/local/tmp/isptool-cache/benchmark_model", push.path());
            assertEquals(0755, push.mode() & 0777);
            assertEquals(Files.size(binary), push.bytes().length);
            assertEquals("/data/local/tmp/isptool-cache/model.tflite", phone.pushes.get(1).path());
            assertTrue(phone.commands.stream().anyMatch(c -> c.contains("&& (./benchmark_model --graph=model.tflite ")),
                    phone.commands.toString());
            assertNoRunFolderLeft(phone);
        }
    }

    @Test
    void nnapiRunsListTheAcceleratorsTheDeviceOffers() throws Exception {
        Path partial = StandInBenchmarkModel.printing(dir, fixture("fail_nnapi_partial.log"), "", 0);
        try (DeviceStandIn phone = phone("p", partial)) {
            Path json = dir.resolve("nnapi.json");
            TestFiles.Run run = bench("--device", serial(phone), "--delegate", "nnapi", "--json", json.toString());
            assertEquals(0, run.status(), run.err());
            assertTrue(run.out().contains("\n  NNAPI accelerators: qti-dsp, qti-gpu, nnapi-reference\n"), run.out());
            JsonNode facts = new ObjectMapper().readTree(json.toFile()).get("devices").get(serial(phone));
            assertEquals("[\"qti-dsp\",\"qti-gpu\",\"nnapi-reference\"]", facts.get("nnapi_accelerators").toString());

            TestFiles.Run cpu = bench("--device", serial(phone), "--delegate", "cpu");
            assertEquals(0, cpu.status(), cpu.err());
        }
        Path unknown = StandInBenchmarkModel.printing(dir, fixture("fail_nnapi_unknown_accelerator.log"), "", 1);
        try (DeviceStandIn phone = phone("q", unknown)) {
            TestFiles.Run run = bench("--device", serial(phone), "--delegate", "nnapi:npu");
            assertEquals(Main.EXIT_DEVICE, run.status(), run.err());
            assertTrue(run.errors().contains("Could not find the specified NNAPI accelerator: npu. Must be one of:"
                    + " {qti-dsp,qti-gpu,nnapi-reference}."), run.err());
            assertEquals(1, run.errors().lines().count(), run.err());
            assertNoRunFolderLeft(phone);
        }
    }

    /** Of several devices, one that cannot run is a row without result beside the others, then exit 4 naming it. */
    @Test
    void oneDeviceOfSeveralThatFailsIsARowThenExit4() throws Exception {
        try (DeviceStandIn a = phone("a", StandInBenchmarkModel.succeeding(dir));
                DeviceStandIn bare = new DeviceStandIn(dir.resolve("b")).start(0)) {
            Path json = dir.resolve("two.json");
            TestFiles.Run run = bench("--device", serial(a) + "," + serial(bare), "--runs", "5", "--json", json.toString());
            assertEquals(Main.EXIT_DEVICE, run.status(), run.err());
            assertTrue(run.out().matches("(?s).*\\n  " + serial(a).replace(".", "\\.") + " +xnnpack +18\\.04 .*"), run.out());
            String why = "device '" + serial(bare) + "' (StandIn_9) has no /data/local/tmp/benchmark_model: pass"
                    + " --benchmark-binary PATH";
            assertTrue(run.out().contains(model + ": " + serial(bare) + ": no result: " + why), run.out());
            assertTrue(run.out().contains("  " + serial(bare) + "/xnnpack: no result: " + why), run.out());
            assertTrue(run.errors().startsWith("isptool: " + model + ": " + why), run.err());
            assertTrue(run.errors().endsWith("; the other rows are above\n"), run.err());
            assertEquals(1, run.errors().lines().count(), run.err());
            JsonNode j = new ObjectMapper().readTree(json.toFile());
            assertTrue(j.get("devices").get(serial(bare)).get("failure").asText().startsWith(why));
            assertEquals(2, j.get("runs").size());
            assertTrue(j.get("runs").get(0).get("ok").asBoolean());
            assertFalse(j.get("runs").get(1).get("ok").asBoolean());
            assertNoRunFolderLeft(a);
        }
    }

    @Test
    void deviceAllRunsOnEveryReadyDeviceConcurrently() throws Exception {
        try (DeviceStandIn a = phone("a", StandInBenchmarkModel.succeeding(dir));
                DeviceStandIn b = phone("b", StandInBenchmarkModel.succeeding(dir))) {
            adb.connect(serial(a));
            adb.connect(serial(b));
            TestFiles.Run run = bench("--device", "all", "--runs", "5");
            assertEquals(0, run.status(), run.err());
            for (DeviceStandIn p : List.of(a, b)) {
                assertTrue(run.out().matches("(?s).*\\n  " + serial(p).replace(".", "\\.") + " +xnnpack +18\\.04 .*"), run.out());
                assertEquals(1, benchmarkCommands(p).size(), p.commands.toString());
                assertNoRunFolderLeft(p);
            }
        }
    }
}
