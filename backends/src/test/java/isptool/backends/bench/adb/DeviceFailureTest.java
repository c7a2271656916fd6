package isptool.backends.bench.adb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A benchmark run in a per-run folder over the real adb 29, and every way it goes wrong: bad
 * device states, a failing, crashing or hanging benchmark_model, a device that drops off.
 */
class DeviceFailureTest extends RealAdbTestBase {
    private static final Duration RUN = Duration.ofSeconds(30);

    private DeviceStandIn phone() throws Exception {
        return new DeviceStandIn(dir.resolve("device")).start(0);
    }

    /** Pushes the stand-in binary and a model into a fresh run folder, as the bench flow does. */
    private static RemoteRunFolder prepare(AdbDevice device, Path binary, Path model) {
        RemoteRunFolder folder = device.createRunFolder("/data/local/tmp");
        folder.stage(binary, "benchmark_model", 0755);
        folder.stage(model, "model.tflite", 0644);
        return folder;
    }

    /** Whether the device received {@code command} (AdbDevice wraps each in a subshell and a sentinel). */
    private static boolean ran(DeviceStandIn phone, String command) {
        return phone.commands.stream().anyMatch(c -> c.startsWith("(" + command + "); r=$?;"));
    }

    private Path model() throws Exception {
        return Files.write(dir.resolve("model.tflite"), new byte[] {0x1c, 0, 0, 0, 'T', 'F', 'L', '3'});
    }

    @Test
    void benchmarkRunsInAPerRunFolderWhichIsRemovedAfterwards() throws Exception {
        try (DeviceStandIn phone = phone()) {
            AdbDevice device = connect(phone);
            long start = System.nanoTime();
            String path;
            ShellResult r;
            try (RemoteRunFolder folder = prepare(device, StandInBenchmarkModel.succeeding(dir), model())) {
                path = folder.path();
                assertTrue(path.startsWith("/data/local/tmp/isptool-run-"), path);
                r = folder.run("./benchmark_model --graph=model.tflite --num_threads=4 --use_xnnpack=true", RUN);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("bench --device overhead against the stand-in (run folder, 2 staged pushes, run, cleanup): %.2f s%n",
                    seconds);
            assertEquals(0, r.exitCode());
            assertTrue(r.stdout().startsWith("INFO: args: --graph=model.tflite --num_threads=4 --use_xnnpack=true\n"),
                    r.stdout());
            assertTrue(r.stdout().contains("Inference timings in us: Init: 41200"), r.stdout());
            assertEquals(StandInBenchmarkModel.CPU_RUN_STDERR, r.stderr());
            assertFalse(Files.exists(phone.onPhone(path)), "the run folder is removed");
            assertTrue(ran(phone, "rm -rf " + path), phone.commands.toString());
            assertFalse(phone.commands.stream().anyMatch(c -> c.contains("kill")),
                    "no kill by a stale pid after a run that ended: " + phone.commands);
            assertEquals(0755, phone.pushes.get(0).mode() & 0777);
            assertEquals(0644, phone.pushes.get(1).mode() & 0777);
        }
    }

    @Test
    void secondRunCopiesUnchangedFilesFromTheDeviceCacheInsteadOfPushing() throws Exception {
        try (DeviceStandIn phone = phone()) {
            AdbDevice device = connect(phone);
            Path binary = StandInBenchmarkModel.succeeding(dir);
            byte[] weights = new byte[4 << 20];
            new java.util.Random(1).nextBytes(weights);
            Path model = Files.write(dir.resolve("model.tflite"), weights);
            for (int run = 0; run < 2; run++) {
                long start = System.nanoTime();
                try (RemoteRunFolder folder = prepare(device, binary, model)) {
                    assertEquals("rwxr-xr-x", PosixFilePermissions.toString(
                            Files.getPosixFilePermissions(phone.onPhone(folder.path() + "/benchmark_model"))));
                    assertEquals(0, folder.run("./benchmark_model --graph=model.tflite", RUN).exitCode());
                }
                System.out.printf("bench --device overhead against the stand-in, 4 MiB model, %s: %.2f s%n",
                        run == 0 ? "first run (pushes)" : "second run (cached)", (System.nanoTime() - start) / 1e9);
            }
            assertEquals(List.of(AdbDevice.CACHE + "/benchmark_model", AdbDevice.CACHE + "/model.tflite"),
                    phone.pushes.stream().map(DeviceStandIn.Push::path).toList(), "pushed once, not per run");
        }
    }

    @Test
    void failingDelegateExitsOneWithErrorLinesAndTheFolderIsStillRemoved() throws Exception {
        try (DeviceStandIn phone = phone()) {
            AdbDevice device = connect(phone);
            String path;
            ShellResult r;
            try (RemoteRunFolder folder = prepare(device, StandInBenchmarkModel.delegateFails(dir), model())) {
                path = folder.path();
                r = folder.run("./benchmark_model --graph=model.tflite --use_nnapi=true", RUN);
            }
            assertEquals(1, r.exitCode());
            assertEquals("ERROR: Failed to apply NNAPI delegate.\nERROR: Benchmarking failed.\n", r.stderr());
            assertFalse(Files.exists(phone.onPhone(path)));
        }
    }

    @Test
    void crashMidOutputKeepsTheOutputSoFarAndTheSignalStatus() throws Exception {
        try (DeviceStandIn phone = phone()) {
            AdbDevice device = connect(phone);
            try (RemoteRunFolder folder = prepare(device, StandInBenchmarkModel.crashes(dir), model())) {
                ShellResult r = folder.run("./benchmark_model --graph=model.tflite", RUN);
                assertEquals(128 + 11, r.exitCode(), "killed by SIGSEGV");
                assertEquals("INFO: STARTING!\nINFO: Loaded mod", r.stdout());
                assertTrue(r.stderr().startsWith("ERROR: half"), r.stderr() + " (then the shell's word on the signal)");
            }
        }
    }

    @Test
    void outputWithoutAFinalNewlineStillEndsWithTheSentinelStatus() throws Exception {
        for (String features : new String[] {"shell_v2,cmd,stat_v2", "cmd,stat_v2"}) {
            try (DeviceStandIn phone = new DeviceStandIn(dir.resolve(features)).features(features).start(0)) {
                AdbDevice device = connect(phone);
                Path binary = StandInBenchmarkModel.printing(dir, "INFO: STARTING!", "ERROR: Benchmarking failed.", 1);
                try (RemoteRunFolder folder = prepare(device, binary, model())) {
                    ShellResult r = folder.run("./benchmark_model --graph=model.tflite", RUN);
                    assertEquals(1, r.exitCode(), features);
                    assertEquals("INFO: args: --graph=model.tflite\nINFO: STARTING!ERROR: Benchmarking failed.", r.output(),
                            features);
                }
            }
        }
    }

    @Test
    void legacyDeviceGivesTheBenchmarkExitCodeThroughTheSentinel() throws Exception {
        try (DeviceStandIn phone = new DeviceStandIn(dir.resolve("device")).features("cmd,stat_v2").start(0)) {
            AdbDevice device = connect(phone);
            try (RemoteRunFolder folder = prepare(device, StandInBenchmarkModel.delegateFails(dir), model())) {
                ShellResult r = folder.run("./benchmark_model --graph=model.tflite --use_nnapi=true", RUN);
                assertEquals(1, r.exitCode());
                assertEquals("INFO: STARTING!\nERROR: Failed to apply NNAPI delegate.\nERROR: Benchmarking failed.\n",
                        r.stdout());
            }
        }
    }

    @Test
    void timeoutKillsTheRemoteProcessAndCleansUp() throws Exception {
        try (DeviceStandIn phone = phone()) {
            AdbDevice device = connect(phone);
            String path;
            long pid;
            try (RemoteRunFolder folder = prepare(device, StandInBenchmarkModel.hangs(dir), model())) {
                path = folder.path();
                DeviceTimeoutException e = assertThrows(DeviceTimeoutException.class,
                        () -> folder.run("./benchmark_model --graph=model.tflite", Duration.ofSeconds(2)));
                assertEquals("device '127.0.0.1:" + phone.port() + "' (StandIn_9): './benchmark_model"
                        + " --graph=model.tflite' did not finish within 2 s and was killed on the device;"
                        + " raise --timeout or lower --runs", e.getMessage());
                java.util.regex.Matcher kill = java.util.regex.Pattern.compile("^\\(kill -9 (\\d+) 2>/dev/null\\)")
                        .matcher(phone.commands.stream().filter(c -> c.startsWith("(kill")).findFirst().orElse(""));
                assertTrue(kill.find(), "a remote kill: " + phone.commands);
                pid = Long.parseLong(kill.group(1));
                assertTrue(phone.commands.stream().anyMatch(c -> c.startsWith("(cat " + path + "/.isptool.pid")),
                        "the pid came from the run's pid file: " + phone.commands);
                assertFalse(phone.running(pid), "the hanging benchmark_model was killed");
            }
            assertFalse(Files.exists(phone.onPhone(path)), "the run folder is removed after the timeout");
        }
    }

    @Test
    void deviceDroppingOffMidCommandIsADeviceException() throws Exception {
        try (DeviceStandIn phone = phone()) {
            AdbDevice device = connect(phone);
            RemoteRunFolder folder = prepare(device, StandInBenchmarkModel.succeeding(dir), model());
            phone.dropOffOn("benchmark_model --graph");
            DeviceException e = assertThrows(DeviceException.class,
                    () -> folder.run("./benchmark_model --graph=model.tflite", RUN));
            assertEquals("device '127.0.0.1:" + phone.port() + "' (StandIn_9) dropped off during './benchmark_model"
                    + " --graph=model.tflite' (now offline); reconnect it (USB cable, 'adb connect HOST:PORT') and run"
                    + " again; adb said: error: device offline", e.getMessage());
            assertThrows(DeviceException.class, folder::close, "cleanup cannot reach a vanished device");
            DeviceException offline = assertThrows(DeviceException.class,
                    () -> adb.device("127.0.0.1:" + phone.port()));
            assertEquals("device '127.0.0.1:" + phone.port() + "' is offline: reconnect it (or run 'adb reconnect'),"
                    + " then run again", offline.getMessage());
        }
    }

    @Test
    void deviceDroppingOffDuringAPushIsADeviceException() throws Exception {
        try (DeviceStandIn phone = phone()) {
            AdbDevice device = connect(phone);
            phone.dropOffOnPush("/data/local/tmp/isptool-cache/model.tflite");
            Path model = model();
            DeviceException e = assertThrows(DeviceException.class,
                    () -> device.push(model, "/data/local/tmp/isptool-cache/model.tflite", 0644));
            assertTrue(e.getMessage().startsWith("device '127.0.0.1:" + phone.port()
                    + "' (StandIn_9) dropped off during the push of model.tflite"), e.getMessage());
        }
    }

    @Test
    void twoDevicesRunAtTheSameTime() throws Exception {
        try (DeviceStandIn a = new DeviceStandIn(dir.resolve("a")).start(0);
                DeviceStandIn b = new DeviceStandIn(dir.resolve("b")).property("ro.product.model", "Other 2").start(0)) {
            AdbDevice first = connect(a);
            AdbDevice second = connect(b);
            Path binary = StandInBenchmarkModel.succeeding(dir);
            Path model = model();
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
            try {
                List<java.util.concurrent.Future<ShellResult>> runs = pool.invokeAll(List.of(first, second).stream()
                        .<java.util.concurrent.Callable<ShellResult>>map(d -> () -> {
                            try (RemoteRunFolder folder = prepare(d, binary, model)) {
                                return folder.run("./benchmark_model --graph=model.tflite", RUN);
                            }
                        }).toList());
                for (java.util.concurrent.Future<ShellResult> run : runs) {
                    assertEquals(0, run.get().exitCode());
                    assertTrue(run.get().stdout().contains("Inference timings in us"));
                }
            } finally {
                pool.shutdownNow();
            }
            assertEquals(2, a.pushes.size());
            assertEquals(2, b.pushes.size());
            assertEquals("Other 2", second.facts().model());
        }
    }

    @Test
    void unknownSerialSaysHowToAttachOrConnect() {
        DeviceException listed = assertThrows(DeviceException.class, () -> adb.device("R5CT00NOSUCH"));
        assertEquals("device 'R5CT00NOSUCH' not found: it is neither attached nor connected (see 'adb devices -l');"
                + " plug it in, or run 'adb connect HOST:PORT' for a network device", listed.getMessage());
        AdbDevice unchecked = new AdbDevice(adb, "R5CT00NOSUCH", "");
        DeviceException direct = assertThrows(DeviceException.class, unchecked::features);
        assertEquals(listed.getMessage(), direct.getMessage(), "adb's own '-s' error maps to the same line");
    }

    @Test
    void unauthorizedDeviceSaysToAcceptTheDialog() throws Exception {
        try (DeviceStandIn phone = new DeviceStandIn(dir.resolve("device")).auth(DeviceStandIn.Auth.UNAUTHORIZED)
                .start(0)) {
            String serial = "127.0.0.1:" + phone.port();
            DeviceException refused = assertThrows(DeviceException.class, () -> adb.connect(serial));
            assertTrue(refused.getMessage().startsWith("device '" + serial + "' did not authorize this computer"),
                    refused.getMessage());
            String expected = "device '" + serial + "' is unauthorized: unlock it and accept the"
                    + " 'Allow USB debugging' dialog, then run again";
            DeviceException e = assertThrows(DeviceException.class, () -> adb.device(serial));
            assertEquals(expected, e.getMessage());
            assertEquals(expected, assertThrows(DeviceException.class,
                    () -> new AdbDevice(adb, serial, "").features()).getMessage());
            assertTrue(phone.refusedKeys.get() > 0, "adb offered its key and the device said nothing");
            assertTrue(phone.commands.isEmpty());
        }
    }
}
