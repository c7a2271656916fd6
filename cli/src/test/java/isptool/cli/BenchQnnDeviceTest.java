package isptool.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import isptool.backends.bench.adb.DeviceStandIn;
import isptool.backends.bench.adb.StandInQnnSdk;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code isptool bench out/NAME --qnn-sdk DIR --device SERIAL} end to end: acnet as
 * {@code convert --backend qnn} writes it, the real adb 29 client with a private server, a
 * {@link DeviceStandIn} phone (SoC SM8550, so HTP v73) and a {@link StandInQnnSdk} whose
 * qnn-net-run and qnn-profile-viewer are scripts (their output written from QNN.md §8 facts).
 */
class BenchQnnDeviceTest extends AdbBenchTestBase {
    /** out/acnet: the prefix convert --backend qnn -o was given. */
    static Path model;

    @BeforeAll
    static void convert() {
        model = scratch.resolve("out/acnet");
        TestFiles.Run run = TestFiles.isptool("convert", TestFiles.testdata("acnet.onnx").toString(), "--backend", "qnn",
                "--precision", "fp32", "-o", model.toString(), "--report", scratch.resolve("report.json").toString());
        assertEquals(0, run.status(), run.err());
    }

    private DeviceStandIn phone() throws IOException {
        return new DeviceStandIn(dir.resolve("phone")).start(0);
    }

    private Path sdk(boolean context, String viewerFixture) throws IOException {
        return StandInQnnSdk.create(dir.resolve("sdk"), "acnet", "v73", context, StandInQnnSdk.fixture(viewerFixture));
    }

    private static TestFiles.Run bench(DeviceStandIn phone, Path sdk, String... args) {
        return TestFiles.isptool(Stream.concat(Stream.of("bench", model.toString(), "--device", "127.0.0.1:" + phone.port(),
                "--qnn-sdk", sdk.toString()), Stream.of(args)).toArray(String[]::new));
    }

    /** The qnn tools' command lines the device received, without the run folder's wrapper. */
    private static List<String> toolCommands(DeviceStandIn phone) {
        return phone.commands.stream().filter(c -> c.contains("&& (LD_LIBRARY_PATH="))
                .map(c -> c.substring(c.indexOf("&& (") + 4, c.indexOf(" & echo $!"))).toList();
    }

    private static List<String> runFolders(DeviceStandIn phone) throws IOException {
        try (Stream<Path> s = Files.list(phone.onPhone("/data/local/tmp"))) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("isptool-run-")).toList();
        }
    }

    @Test
    void contextBinaryRunsOnTheHtpAndIsParsedIntoTheTable() throws Exception {
        try (DeviceStandIn phone = phone()) {
            Path json = dir.resolve("bench.json");
            Path sdk = sdk(true, "profile_viewer_htp.txt");
            long t0 = System.nanoTime();
            TestFiles.Run run = bench(phone, sdk, "--runs", "20", "--json", json.toString(), "--psnr", "40");
            double first = (System.nanoTime() - t0) / 1e9;
            assertEquals(0, run.status(), run.err());
            assertEquals("", run.errors());
            System.out.println(run.out());
            String serial = "127.0.0.1:" + phone.port();
            assertTrue(run.out().contains(serial + " (StandIn 9, SM8550, Android SDK 34, arm64-v8a), HTP v73, qnn-net-run"
                    + " --retrieve_context acnet.serialized.bin in "), run.out());
            assertTrue(run.out().contains("qnn-profile-viewer: NetRun 2.43 ms per inference, accelerator execute 1.87 ms,"
                    + " 412.4 IPS"), run.out());
            assertTrue(run.out().matches("(?s).*\\n  " + serial.replace(".", "\\.") + " +htp-v73 +2\\.43 +- +412\\.4 +full .*"),
                    run.out());
            assertTrue(run.out().contains(serial + "/htp-v73: 20 runs: mean 2.43 ms\n"), run.out());
            assertTrue(run.out().contains("MAI 2021 score " + serial + "/htp-v73: "), run.out());
            assertEquals(List.of("LD_LIBRARY_PATH=. ADSP_LIBRARY_PATH=. ./qnn-net-run --backend libQnnHtp.so"
                    + " --retrieve_context acnet.serialized.bin --input_list input_list.txt --perf_profile burst"
                    + " --profiling_level basic --num_inferences 20 --output_dir out",
                    "LD_LIBRARY_PATH=. ADSP_LIBRARY_PATH=. ./qnn-profile-viewer --input_log out/qnn-profiling-data_0.log"),
                    toolCommands(phone));
            Map<String, Integer> modes = new java.util.TreeMap<>();
            for (DeviceStandIn.Push p : phone.pushes) {
                modes.put(p.path().substring(p.path().lastIndexOf('/') + 1), p.mode() & 0777);
            }
            assertEquals(Map.of("qnn-net-run", 0755, "qnn-profile-viewer", 0755, "libQnnHtp.so", 0644,
                    "libQnnSystem.so", 0644, "libQnnHtpV73Stub.so", 0644, "libQnnHtpV73Skel.so", 0644,
                    "acnet.serialized.bin", 0644, "input_input.raw", 0644, "input_list.txt", 0644), modes);
            byte[] raw = phone.pushes.stream().filter(p -> p.path().endsWith("/input_input.raw")).findFirst().orElseThrow()
                    .bytes();
            assertEquals(1 * 32 * 32 * 3 * 4, raw.length, "float32 of acnet's NHWC input 1x32x32x3");
            assertEquals(List.of(), runFolders(phone), "the run folder is removed");

            JsonNode j = new ObjectMapper().readTree(json.toFile());
            assertEquals("v73", j.get("devices").get(serial).get("htp_arch").asText());
            JsonNode row = j.get("runs").get(0);
            assertEquals("qnn-net-run", row.get("tool_era").asText());
            assertEquals(1874, row.get("qnn_profile").get("accelerator_execute_us").asInt());
            assertEquals(2425, row.get("inference").get("avg_us").asInt());
            assertEquals("burst", row.get("flags").get("perf_profile").asText());
            assertTrue(row.get("command_line").asText().contains("--retrieve_context acnet.serialized.bin"));
            assertTrue(j.get("runs").get(0).has("mai_score"));

            int pushed = phone.pushes.size();
            long t1 = System.nanoTime();
            assertEquals(0, bench(phone, sdk, "--runs", "20").status());
            double cached = (System.nanoTime() - t1) / 1e9;
            assertEquals(pushed, phone.pushes.size(), "the SDK files, model and same-seed inputs came from the device cache");
            System.out.printf("bench --qnn-sdk overhead against the stand-in: first run %.2f s, cached %.2f s%n", first,
                    cached);
        }
    }

    @Test
    void modelLibraryWithKeepShowsWhatQnnNetRunSaw() throws Exception {
        try (DeviceStandIn phone = phone()) {
            Path report = scratch.resolve("report.json");
            TestFiles.Run run = bench(phone, sdk(false, "profile_viewer_htp.txt"), "--runs", "5", "--keep", "--psnr-from",
                    report.toString());
            assertEquals(0, run.status(), run.err());
            double quantsim = new ObjectMapper().readTree(report.toFile()).get("qnn").get("quantsim").get(0).get("psnr_db")
                    .asDouble();
            assertTrue(run.out().contains(String.format(java.util.Locale.ROOT, "(PSNR %.2f dB QNN quantsim vs float32, from %s",
                    quantsim, report)), run.out());
            List<String> kept = runFolders(phone);
            assertEquals(1, kept.size());
            Path folder = phone.onPhone("/data/local/tmp/" + kept.get(0));
            assertEquals(List.of("LD_LIBRARY_PATH=.", "ADSP_LIBRARY_PATH=.", "args: --backend libQnnHtp.so --model"
                    + " libacnet.so --input_list input_list.txt --perf_profile burst --profiling_level basic"
                    + " --num_inferences 5 --output_dir out"), Files.readAllLines(folder.resolve(StandInQnnSdk.SEEN)));
            assertEquals("placeholder model library\n", Files.readString(folder.resolve("libacnet.so")),
                    "the aarch64-android build, not the host one");
            assertTrue(Files.exists(folder.resolve("libQnnHtpPrepare.so")));
            assertEquals("input_input.raw\n", Files.readString(folder.resolve("input_list.txt")));
        }
    }

    @Test
    void aGraphNotOnTheHtpIsReportedAndFailsRequireFullDelegation() throws Exception {
        try (DeviceStandIn phone = phone()) {
            Path sdk = sdk(true, "profile_viewer_no_htp.txt");
            TestFiles.Run run = bench(phone, sdk);
            assertEquals(0, run.status(), run.err());
            assertTrue(run.out().contains("accelerator execute none (the graph did not run on the HTP)"), run.out());
            assertTrue(run.out().matches("(?s).* htp-v73 +40\\.21 +- +24\\.9 +none .*"), run.out());
            TestFiles.Run gated = bench(phone, sdk, "--require-full-delegation");
            assertEquals(5, gated.status(), gated.err());
            assertTrue(gated.errors().contains("/htp-v73 did not run fully on the delegate (none)"), gated.err());
            TestFiles.Run slow = bench(phone, sdk, "--max-latency-ms", "30");
            assertEquals(5, slow.status(), slow.err());
            assertTrue(slow.errors().contains("median latency 40.21 ms on 127.0.0.1:" + phone.port()
                    + "/htp-v73 is above --max-latency-ms 30"), slow.err());
        }
    }

    @Test
    void qnnNetRunFailingIsADeviceFailureNamingItsErrorLine() throws Exception {
        try (DeviceStandIn phone = phone()) {
            Path sdk = sdk(true, "profile_viewer_htp.txt");
            StandInQnnSdk.netRunFails(sdk, StandInQnnSdk.fixture("net_run_fails.txt"), 1);
            TestFiles.Run run = bench(phone, sdk);
            assertEquals(4, run.status(), run.err());
            List<String> errors = run.errors().lines().toList();
            assertEquals(1, errors.size(), run.err());
            assertTrue(errors.get(0).startsWith("isptool: device '127.0.0.1:" + phone.port() + "' (StandIn_9): qnn-net-run"
                    + " failed (exit 1): ERROR: Unable to load backend."), errors.get(0));
            assertEquals(List.of(), runFolders(phone), "cleaned up after the failure");
        }
    }

    @Test
    void missingSdkFileAndUnknownSocAreBadInputInOneLine() throws Exception {
        try (DeviceStandIn phone = phone()) {
            Path sdk = sdk(true, "profile_viewer_htp.txt");
            Files.delete(sdk.resolve("lib/hexagon-v73/unsigned/libQnnHtpV73Skel.so"));
            TestFiles.Run run = bench(phone, sdk);
            assertEquals(2, run.status(), run.err());
            assertEquals("isptool: " + sdk + ": no libQnnHtpV73Skel.so; copy it from the QNN SDK"
                    + " (lib/hexagon-v73/unsigned) into --qnn-sdk\n", run.errors());
            assertEquals(List.of(), phone.pushes, "nothing pushed");
        }
        try (DeviceStandIn phone = new DeviceStandIn(dir.resolve("phone2")).property("ro.soc.model", "SM7635")
                .property("ro.board.platform", "volcano").start(0)) {
            Path sdk = StandInQnnSdk.create(dir.resolve("sdk75"), "acnet", "v75", true,
                    StandInQnnSdk.fixture("profile_viewer_htp.txt"));
            TestFiles.Run run = bench(phone, sdk);
            assertEquals(2, run.status(), run.err());
            assertTrue(run.errors().contains("has SoC 'SM7635', whose HTP version isptool's table does not know; pass"
                    + " --htp-arch vNN"), run.err());
            TestFiles.Run given = bench(phone, sdk, "--htp-arch", "v75");
            assertEquals(0, given.status(), given.err());
            assertTrue(given.out().contains("htp-v75"), given.out());
        }
        TestFiles.Run notQnn = TestFiles.isptool("bench", dir.resolve("nothing").toString(), "--device", "x",
                "--qnn-sdk", dir.toString());
        assertEquals(2, notQnn.status());
        assertTrue(notQnn.errors().contains("with --qnn-sdk give the out/NAME that convert --backend qnn -o out/NAME wrote"),
                notQnn.err());
        TestFiles.Run tfliteFlag = TestFiles.isptool("bench", model.toString(), "--device", "x", "--qnn-sdk", dir.toString(),
                "--delegate", "gpu");
        assertEquals(2, tfliteFlag.status());
        assertTrue(tfliteFlag.errors().contains("--delegate, --benchmark-binary, --profile-ops, --threads, --warmup,"
                + " --min-secs and --xnnpack are TFLite's"), tfliteFlag.err());
        TestFiles.Run threads = TestFiles.isptool("bench", model.toString(), "--device", "x", "--qnn-sdk", dir.toString(),
                "--threads", "4");
        assertEquals(2, threads.status(), "a flag qnn-net-run has no use for is refused, not ignored");
    }
}
