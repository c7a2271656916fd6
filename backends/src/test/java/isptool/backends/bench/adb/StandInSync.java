package isptool.backends.bench.adb;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;

/**
 * The stand-in's {@code sync:} service (adb's file_sync_protocol.h): STAT / STA2 / LST2, SEND and
 * SND2 (push, applying the sent mode), RECV and RCV2 (pull), QUIT. Requests are {@code id[4],
 * u32 length, payload}; paths outside /data/local/tmp are refused.
 */
final class StandInSync {
    private static final int CHUNK = 64 * 1024;

    private final DeviceStandIn device;
    private final StandInStream stream;
    private final DataInputStream in;

    StandInSync(DeviceStandIn device, StandInStream stream) {
        this.device = device;
        this.stream = stream;
        this.in = new DataInputStream(stream.input());
    }

    void serve() {
        try {
            while (true) {
                String id;
                try {
                    id = readId();
                } catch (EOFException e) {
                    return;
                }
                int length = readU32();
                device.syncRequests.add(id);
                switch (id) {
                    case "STAT" -> stat(readText(length));
                    case "STA2", "LST2" -> stat2(id, readText(length));
                    case "SEND" -> {
                        String spec = readText(length);
                        int comma = spec.lastIndexOf(',');
                        receive(spec.substring(0, comma), Integer.parseInt(spec.substring(comma + 1)));
                    }
                    case "SND2" -> {
                        String path = readText(length);
                        expect("SND2");
                        int mode = readU32();
                        readU32();
                        receive(path, mode);
                    }
                    case "RECV" -> send(readText(length));
                    case "RCV2" -> {
                        String path = readText(length);
                        expect("RCV2");
                        readU32();
                        send(path);
                    }
                    case "QUIT" -> {
                        return;
                    }
                    default -> {
                        fail("unknown sync request " + id);
                        return;
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Path local(String devicePath) {
        if (StandInShell.refusal(devicePath) != null || !devicePath.startsWith("/")) {
            return null;
        }
        return device.onPhone(devicePath);
    }

    private void stat(String path) {
        Path file = local(path);
        ByteBuffer b = le(16).put("STAT".getBytes(StandardCharsets.US_ASCII));
        if (file != null && Files.exists(file)) {
            b.putInt(mode(file)).putInt((int) size(file)).putInt((int) (file.toFile().lastModified() / 1000));
        }
        stream.write(b.array());
    }

    private void stat2(String id, String path) {
        Path file = local(path);
        ByteBuffer b = le(72).put(id.getBytes(StandardCharsets.US_ASCII));
        if (file == null || !Files.exists(file)) {
            b.putInt(file == null ? 13 : 2);
        } else {
            long mtime = file.toFile().lastModified() / 1000;
            b.putInt(0).putLong(0).putLong(0).putInt(mode(file)).putInt(1).putInt(2000).putInt(2000)
                    .putLong(size(file)).putLong(mtime).putLong(mtime).putLong(mtime);
        }
        stream.write(b.array());
    }

    private void receive(String path, int mode) throws IOException {
        if (device.shouldDropOffOnPush(path)) {
            device.vanish();
            return;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        while (true) {
            String id = readId();
            int length = readU32();
            if (id.equals("DATA")) {
                bytes.write(in.readNBytes(length));
            } else if (id.equals("DONE")) {
                break;
            } else {
                fail("unexpected " + id + " during SEND");
                return;
            }
        }
        Path file = local(path);
        if (file == null) {
            fail("couldn't create file: Permission denied");
            return;
        }
        if (bytes.size() > device.noSpaceAbove()) {
            fail("write failed: No space left on device");
            return;
        }
        Files.createDirectories(file.getParent());
        Files.write(file, bytes.toByteArray());
        Files.setPosixFilePermissions(file, permissions(mode));
        device.pushes.add(new DeviceStandIn.Push(path, bytes.toByteArray(), mode));
        stream.write(le(8).put("OKAY".getBytes(StandardCharsets.US_ASCII)).putInt(0).array());
    }

    private void send(String path) throws IOException {
        device.pulls.add(path);
        Path file = local(path);
        if (file == null || !Files.isRegularFile(file)) {
            fail("open failed: No such file or directory");
            return;
        }
        byte[] all = Files.readAllBytes(file);
        for (int at = 0; at < all.length; at += CHUNK) {
            int n = Math.min(CHUNK, all.length - at);
            ByteBuffer b = le(8 + n).put("DATA".getBytes(StandardCharsets.US_ASCII)).putInt(n).put(all, at, n);
            stream.write(b.array());
        }
        stream.write(le(8).put("DONE".getBytes(StandardCharsets.US_ASCII)).putInt(0).array());
    }

    private void fail(String message) {
        byte[] text = message.getBytes(StandardCharsets.UTF_8);
        stream.write(le(8 + text.length).put("FAIL".getBytes(StandardCharsets.US_ASCII)).putInt(text.length)
                .put(text).array());
    }

    private static int mode(Path file) {
        try {
            int mode = Files.isDirectory(file) ? 0040000 : 0100000;
            for (PosixFilePermission p : Files.getPosixFilePermissions(file)) {
                mode |= 1 << (8 - p.ordinal());
            }
            return mode;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
        for (PosixFilePermission p : PosixFilePermission.values()) {
            if ((mode & (1 << (8 - p.ordinal()))) != 0) {
                set.add(p);
            }
        }
        return set;
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ByteBuffer le(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }

    private String readId() throws IOException {
        byte[] b = new byte[4];
        in.readFully(b);
        return new String(b, StandardCharsets.US_ASCII);
    }

    private void expect(String id) throws IOException {
        String got = readId();
        if (!got.equals(id)) {
            throw new IOException("expected " + id + ", got " + got);
        }
    }

    private int readU32() throws IOException {
        byte[] b = new byte[4];
        in.readFully(b);
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getInt();
    }

    private String readText(int length) throws IOException {
        byte[] b = new byte[length];
        in.readFully(b);
        return new String(b, StandardCharsets.UTF_8);
    }
}
