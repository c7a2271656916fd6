package isptool.backends.bench.adb;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stand-in's protocol paths that adb 29 does not exercise, driven by a bare host: adb 36's
 * SND2/RCV2, the AUTH answer of an unauthorized device, shell v2 packets, refused services and
 * the sandbox guard.
 */
class DeviceStandInProtocolTest {
    @TempDir
    Path dir;

    private static byte[] request(String id, String payload) {
        byte[] p = payload.getBytes(StandardCharsets.UTF_8);
        return le(8 + p.length).put(id.getBytes(StandardCharsets.US_ASCII)).putInt(p.length).put(p).array();
    }

    private static ByteBuffer le(int n) {
        return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static int u32(byte[] b, int at) {
        return ByteBuffer.wrap(b, at, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
    }

    @Test
    void bannerNamesStateProductPropertiesAndFeatures() throws Exception {
        try (DeviceStandIn phone = new DeviceStandIn(dir).features("shell_v2,cmd").start(0);
                WireHost host = new WireHost(phone.port())) {
            AdbPacket answer = host.connect();
            assertEquals(AdbPacket.CNXN, answer.command());
            assertEquals("device::ro.product.name=standin_arm64;ro.product.model=StandIn 9;"
                    + "ro.product.device=standin;features=shell_v2,cmd", new String(answer.data(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void unauthorizedDeviceAnswersWithTokensAndNeverAccepts() throws Exception {
        try (DeviceStandIn phone = new DeviceStandIn(dir).auth(DeviceStandIn.Auth.UNAUTHORIZED).start(0);
                WireHost host = new WireHost(phone.port())) {
            AdbPacket token = host.connect();
            assertEquals(AdbPacket.AUTH, token.command());
            assertEquals(1, token.arg0());
            assertEquals(20, token.data().length);
            host.send(AdbPacket.AUTH, 2, 0, new byte[256]);
            AdbPacket second = host.read();
            assertEquals(AdbPacket.AUTH, second.command());
            assertFalse(Arrays.equals(token.data(), second.data()), "a new token for the next key");
            host.send(AdbPacket.AUTH, 3, 0, "QUFBQQ== user@host\0".getBytes(StandardCharsets.UTF_8));
            Thread.sleep(200);
            assertEquals(1, phone.refusedKeys.get());
        }
    }

    @Test
    void snd2PushAppliesModeAndRcv2PullsItBack() throws Exception {
        try (DeviceStandIn phone = new DeviceStandIn(dir).start(0); WireHost host = new WireHost(phone.port())) {
            host.connect();
            assertTrue(host.open("sync:"));
            byte[] body = new byte[150_000];
            new java.util.Random(9).nextBytes(body);
            ByteArrayOutputStream send = new ByteArrayOutputStream();
            send.writeBytes(request("SND2", "/data/local/tmp/bm"));
            send.writeBytes(le(12).put("SND2".getBytes(StandardCharsets.US_ASCII)).putInt(0100755).putInt(0).array());
            for (int at = 0; at < body.length; at += 65536) {
                int n = Math.min(65536, body.length - at);
                send.writeBytes(le(8).put("DATA".getBytes(StandardCharsets.US_ASCII)).putInt(n).array());
                send.write(body, at, n);
            }
            send.writeBytes(le(8).put("DONE".getBytes(StandardCharsets.US_ASCII)).putInt(1_700_000_000).array());
            host.write(send.toByteArray());
            byte[] reply = host.receive(8);
            assertEquals("OKAY", new String(reply, 0, 4, StandardCharsets.US_ASCII));
            assertEquals(0755, phone.pushes.get(0).mode() & 0777);
            assertArrayEquals(body, Files.readAllBytes(phone.onPhone("/data/local/tmp/bm")));

            host.write(concat(request("RCV2", "/data/local/tmp/bm"),
                    le(8).put("RCV2".getBytes(StandardCharsets.US_ASCII)).putInt(0).array()));
            ByteArrayOutputStream pulled = new ByteArrayOutputStream();
            while (true) {
                byte[] head = host.receive(8);
                String id = new String(head, 0, 4, StandardCharsets.US_ASCII);
                if (id.equals("DONE")) {
                    break;
                }
                assertEquals("DATA", id);
                pulled.writeBytes(host.receive(u32(head, 4)));
            }
            assertArrayEquals(body, pulled.toByteArray());
            assertEquals("[SND2, RCV2]", phone.syncRequests.toString());
        }
    }

    @Test
    void pushOutsideDataLocalTmpFails() throws Exception {
        try (DeviceStandIn phone = new DeviceStandIn(dir.resolve("device")).start(0);
                WireHost host = new WireHost(phone.port())) {
            host.connect();
            assertTrue(host.open("sync:"));
            host.write(concat(request("SEND", "/system/bin/evil,33261"),
                    le(8).put("DONE".getBytes(StandardCharsets.US_ASCII)).putInt(0).array()));
            byte[] head = host.receive(8);
            assertEquals("FAIL", new String(head, 0, 4, StandardCharsets.US_ASCII));
            assertEquals("couldn't create file: Permission denied",
                    new String(host.receive(u32(head, 4)), StandardCharsets.UTF_8));
            assertTrue(phone.pushes.isEmpty());
        }
    }

    @Test
    void shellV2SeparatesStreamsAndEndsWithTheExitPacket() throws Exception {
        try (DeviceStandIn phone = new DeviceStandIn(dir).start(0); WireHost host = new WireHost(phone.port())) {
            host.connect();
            assertTrue(host.open("shell,v2,raw:echo a; echo b >&2; exit 5"));
            host.write(new byte[] {4, 0, 0, 0, 0});
            byte[] all = host.receiveAll();
            assertArrayEquals(new byte[] {1, 2, 0, 0, 0, 'a', '\n', 2, 2, 0, 0, 0, 'b', '\n', 3, 1, 0, 0, 0, 5},
                    sortedPackets(all));
        }
    }

    @Test
    void commandsLeavingTheSandboxAreRefused() throws Exception {
        try (DeviceStandIn phone = new DeviceStandIn(dir).start(0); WireHost host = new WireHost(phone.port())) {
            host.connect();
            assertTrue(host.open("shell:cat /etc/passwd"));
            assertEquals("standin: refused: /etc/passwd: outside /data/local/tmp\n",
                    new String(host.receiveAll(), StandardCharsets.UTF_8));
            assertTrue(host.open("shell:cd /data/local/tmp/.. && ls"));
            assertEquals("standin: refused: '..' would leave the sandbox\n",
                    new String(host.receiveAll(), StandardCharsets.UTF_8));
            assertFalse(host.open("reboot:"), "services a benchmark does not need are refused with CLSE");
        }
    }

    @Test
    void deviceWaitsForOkayBeforeItsNextWrite() throws Exception {
        try (DeviceStandIn phone = new DeviceStandIn(dir).start(0); WireHost host = new WireHost(phone.port())) {
            Path big = phone.onPhone("/data/local/tmp/big");
            Files.write(big, new byte[300_000]);
            host.connect();
            assertTrue(host.open("exec:cat /data/local/tmp/big"));
            AdbPacket first = host.read();
            assertEquals(AdbPacket.WRTE, first.command());
            assertEquals(null, host.readWithin(300), "no second WRTE before the host's OKAY");
            host.okay();
            int total = first.data().length + host.receiveAll().length;
            assertEquals(300_000, total);
        }
    }

    /** Shell v2 packets with stdout first, stderr second and exit last (their arrival order may interleave). */
    private static byte[] sortedPackets(byte[] all) {
        ByteArrayOutputStream[] byId = new ByteArrayOutputStream[4];
        for (int at = 0; at < all.length; ) {
            int id = all[at];
            int n = u32(all, at + 1);
            if (byId[id] == null) {
                byId[id] = new ByteArrayOutputStream();
            }
            byId[id].write(all, at, 5 + n);
            at += 5 + n;
        }
        ByteArrayOutputStream sorted = new ByteArrayOutputStream();
        for (ByteArrayOutputStream b : byId) {
            if (b != null) {
                sorted.writeBytes(b.toByteArray());
            }
        }
        return sorted.toByteArray();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] all = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
