package isptool.backends.bench.adb;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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

/** The real adb 29 client against {@link DeviceStandIn}: connect, state, facts, shell, push, pull. */
class AdbClientTest extends RealAdbTestBase {


    @Test
    void connectedStandInIsListedByDevicesWithItsBannerProperties() throws Exception {
        try (DeviceStandIn phone = new DeviceStandIn(dir).start(0)) {
            String serial = adb.connect("127.0.0.1:" + phone.port());
            assertEquals("127.0.0.1:" + phone.port(), serial);
            AttachedDevice listed = adb.devices().stream().filter(d -> d.serial().equals(serial)).findFirst()
                    .orElseThrow();
            assertEquals("device", listed.state());
            assertEquals("standin_arm64", listed.properties().get("product"));
            assertEquals("StandIn_9", listed.model());
            assertEquals("standin", listed.properties().get("device"));
        }
    }

    @Test
    void factsComeFromGetprop() throws Exception {
        try (DeviceStandIn phone = new DeviceStandIn(dir).start(0)) {
            DeviceFacts facts = connect(phone).facts();
            assertEquals(new DeviceFacts("127.0.0.1:" + phone.port(), "StandIn 9", "SM8550", 34, "arm64-v8a"), facts);
        }
    }

    @Test
    void socFallsBackToBoardPlatformBeforeAndroid12() throws Exception {
        try (DeviceStandIn phone = new DeviceStandIn(dir).property("ro.soc.model", null)
                .property("ro.build.version.sdk", "30").start(0)) {
            DeviceFacts facts = connect(phone).facts();
            assertEquals("kalama", facts.soc());
            assertEquals(30, facts.sdk());
        }
    }

    @Test
    void shellV2PassesExitCodeAndKeepsStderrApart() throws Exception {
        try (DeviceStandIn phone = new DeviceStandIn(dir).start(0)) {
            AdbDevice device = connect(phone);
            assertTrue(device.hasShellV2());
            ShellResult r = device.shell("echo out; echo err >&2; exit 7", Duration.ofSeconds(20));
            assertEquals(7, r.exitCode());
            assertEquals("out\n", r.stdout());
            assertEquals("err\n", r.stderr());
            assertEquals(0, device.shell("exit 0", Duration.ofSeconds(20)).exitCode());
            assertEquals(200, device.shell("exit 200", Duration.ofSeconds(20)).exitCode());
            assertTrue(phone.services.stream().anyMatch(s -> s.startsWith("shell,v2,")
                    && s.endsWith(":(echo out; echo err >&2; exit 7); r=$?; echo __isptool_rc=$r >&2; exit $r")),
                    phone.services.toString());
        }
    }

    @Test
    void legacyDeviceWithoutShellV2GetsExitCodeFromTheSentinel() throws Exception {
        try (DeviceStandIn phone = new DeviceStandIn(dir).features("cmd,stat_v2").start(0)) {
            AdbDevice device = connect(phone);
            assertFalse(device.hasShellV2());
            ShellResult r = device.shell("echo out; echo err >&2; exit 7", Duration.ofSeconds(20));
            assertEquals(7, r.exitCode());
            assertEquals("out\nerr\n", r.stdout(), "legacy shell merges stderr; the sentinel line is gone");
            assertEquals(0, device.shell("true", Duration.ofSeconds(20)).exitCode());
            assertTrue(phone.services.contains("shell:(echo out; echo err >&2; exit 7); r=$?; echo __isptool_rc=$r >&2;"
                    + " exit $r"),
                    phone.services.toString());
        }
    }

    @Test
    void pushSendsBytesAndModeAndSkipsAFileWhoseHashIsAlreadyThere() throws Exception {
        try (DeviceStandIn phone = new DeviceStandIn(dir.resolve("device")).start(0)) {
            AdbDevice device = connect(phone);
            Path binary = Files.write(dir.resolve("benchmark_model"), "#!/bin/sh\necho hi\n".getBytes());
            Files.setPosixFilePermissions(binary, PosixFilePermissions.fromString("rwxr-xr-x"));
            String remote = "/data/local/tmp/isptool/benchmark_model";

            assertTrue(device.push(binary, remote, 0755));
            assertEquals(1, phone.pushes.size());
            DeviceStandIn.Push push = phone.pushes.get(0);
            assertEquals(remote, push.path());
            assertArrayEquals(Files.readAllBytes(binary), push.bytes());
            assertEquals(0755, push.mode() & 0777);
            assertTrue(phone.syncRequests.containsAll(List.of("STA2", "SEND", "QUIT")), phone.syncRequests.toString());
            assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(phone.onPhone(remote))));

            assertFalse(device.push(binary, remote, 0755), "same SHA-256 on the device: not sent again");
            assertEquals(1, phone.pushes.size());

            Files.writeString(binary, "#!/bin/sh\necho changed\n");
            assertTrue(device.push(binary, remote, 0755));
            assertEquals(2, phone.pushes.size());
            assertEquals("#!/bin/sh\necho changed\n", Files.readString(phone.onPhone(remote)));
        }
    }

    @Test
    void pushOntoAFullDeviceIsADeviceExceptionSayingWhatToDo() throws Exception {
        try (DeviceStandIn phone = new DeviceStandIn(dir.resolve("device")).start(0)) {
            AdbDevice device = connect(phone);
            phone.noSpaceAbove(10);
            Path model = Files.write(dir.resolve("model.tflite"), new byte[4096]);
            DeviceException e = assertThrows(DeviceException.class,
                    () -> device.push(model, "/data/local/tmp/model.tflite", 0644));
            assertTrue(e.getMessage().startsWith("device '127.0.0.1:" + phone.port() + "' (StandIn_9): push of model.tflite"),
                    e.getMessage());
            assertTrue(e.getMessage().contains("No space left on device"), e.getMessage());
            assertTrue(e.getMessage().endsWith("free space on the device under /data/local/tmp and run again"),
                    e.getMessage());
            assertFalse(Files.exists(phone.onPhone("/data/local/tmp/model.tflite")));
        }
    }

    @Test
    void pullBringsTheDeviceFileBack() throws Exception {
        try (DeviceStandIn phone = new DeviceStandIn(dir.resolve("device")).start(0)) {
            AdbDevice device = connect(phone);
            byte[] csv = "node type, first, avg_ms\nCONV_2D, 1.5, 1.25\n".repeat(5000).getBytes();
            Path onPhone = phone.onPhone("/data/local/tmp/run/ops.csv");
            Files.createDirectories(onPhone.getParent());
            Files.write(onPhone, csv);
            Path local = dir.resolve("ops.csv");
            device.pull("/data/local/tmp/run/ops.csv", local);
            assertArrayEquals(csv, Files.readAllBytes(local));
            assertEquals(List.of("/data/local/tmp/run/ops.csv"), phone.pulls);

            DeviceException e = assertThrows(DeviceException.class,
                    () -> device.pull("/data/local/tmp/run/missing.csv", dir.resolve("missing.csv")));
            assertTrue(e.getMessage().contains("No such file or directory"), e.getMessage());
        }
    }

    @Test
    void oldDeviceWithoutStatV2PushesAndPullsThroughStat() throws Exception {
        try (DeviceStandIn phone = new DeviceStandIn(dir.resolve("device")).features("cmd").start(0)) {
            AdbDevice device = connect(phone);
            Path model = Files.write(dir.resolve("model.tflite"), new byte[200_000]);
            assertTrue(device.push(model, "/data/local/tmp/model.tflite", 0644));
            assertEquals(0644, phone.pushes.get(0).mode() & 0777);
            assertEquals(200_000, phone.pushes.get(0).bytes().length);
            Path back = dir.resolve("back.tflite");
            device.pull("/data/local/tmp/model.tflite", back);
            assertArrayEquals(Files.readAllBytes(model), Files.readAllBytes(back));
            assertTrue(phone.syncRequests.containsAll(List.of("STAT", "SEND", "RECV")), phone.syncRequests.toString());
            assertFalse(phone.syncRequests.contains("STA2"), phone.syncRequests.toString());
        }
    }

    @Test
    void connectToNothingListeningIsADeviceException() {
        int port = AdbServerForTests.freePort();
        DeviceException e = assertThrows(DeviceException.class, () -> adb.connect("127.0.0.1:" + port));
        assertTrue(e.getMessage().startsWith("cannot connect to device '127.0.0.1:" + port + "': failed to connect to"),
                e.getMessage());
        assertTrue(e.getMessage().endsWith("; check the address and that the device (or farm endpoint) listens for adb"),
                e.getMessage());
    }
}
