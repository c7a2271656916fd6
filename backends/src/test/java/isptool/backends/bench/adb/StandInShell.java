package isptool.backends.bench.adb;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The stand-in's shell service. A command runs through {@code /bin/sh} in the sandbox folder
 * ({@code phone}), after two guards so the device never touches the host outside it: every
 * absolute path must lie under {@code /data/local/tmp} (rewritten into the sandbox) or be
 * {@code /dev/null}, and {@code PATH} holds only the tools a phone's toybox would offer the bench
 * flow (plus a {@code getprop} answering the configured properties). Output mentioning the sandbox
 * is rewritten back to device paths.
 */
final class StandInShell {
    enum Mode {
        /** {@code shell,v2,...:}: stdout, stderr and exit packets. */
        V2,
        /** {@code shell:}: one byte stream, stderr merged, no exit code. */
        LEGACY,
        /** {@code exec:}: raw stdout only. */
        EXEC
    }

    static final String DEVICE_TMP = "/data/local/tmp";
    private static final List<String> TOOLS = List.of("mkdir", "rm", "ls", "cat", "sha256sum", "md5sum", "chmod",
            "sleep", "cp", "mv", "touch", "head", "tail", "wc", "stat");
    private static final Pattern ABSOLUTE_PATH = Pattern.compile("(?<![\\w.~-])/[^\\s'\";|&()<>]*");
    private static final Pattern PARENT = Pattern.compile("(^|[/\\s'\"])\\.\\.($|[/\\s'\"])");

    private final DeviceStandIn device;
    private final String phoneRoot;
    private final List<Process> processes = new CopyOnWriteArrayList<>();

    StandInShell(DeviceStandIn device, Map<String, String> properties) throws IOException {
        this.device = device;
        this.phoneRoot = device.phone.toAbsolutePath().toString();
        Files.createDirectories(device.tools);
        for (String tool : TOOLS) {
            for (String dir : List.of("/bin", "/usr/bin")) {
                Path real = Path.of(dir, tool);
                Path link = device.tools.resolve(tool);
                if (Files.isExecutable(real) && !Files.exists(link)) {
                    Files.createSymbolicLink(link, real);
                }
            }
        }
        StringBuilder getprop = new StringBuilder("#!/bin/sh\ncase \"$1\" in\n");
        properties.forEach((k, v) -> getprop.append("  '").append(k).append("') echo '")
                .append(v.replace("'", "'\\''")).append("' ;;\n"));
        getprop.append("  *) echo ;;\nesac\n");
        Path script = device.tools.resolve("getprop");
        Files.writeString(script, getprop);
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    /** Why the sandbox refuses {@code command}, or null. */
    static String refusal(String command) {
        if (command.contains("`") || command.contains("$(")) {
            return "command substitution is not offered by the stand-in";
        }
        if (PARENT.matcher(command).find()) {
            return "'..' would leave the sandbox";
        }
        Matcher m = ABSOLUTE_PATH.matcher(command);
        while (m.find()) {
            String path = m.group();
            if (!path.equals("/dev/null") && !path.equals(DEVICE_TMP) && !path.startsWith(DEVICE_TMP + "/")) {
                return path + ": outside " + DEVICE_TMP;
            }
        }
        return null;
    }

    String toSandbox(String command) {
        return command.replaceAll("(?<![\\w.~-])" + Pattern.quote(DEVICE_TMP), Matcher.quoteReplacement(phoneRoot + DEVICE_TMP));
    }

    void serve(StandInStream stream, String command, Mode mode, DeviceStandIn.Connection connection) {
        device.commands.add(command);
        if (device.shouldDropOff(command)) {
            send(stream, mode, 1, "STARTING!\n".getBytes(StandardCharsets.UTF_8));
            device.vanish();
            return;
        }
        String refused = refusal(command);
        if (refused != null) {
            send(stream, mode, 2, ("standin: refused: " + refused + "\n").getBytes(StandardCharsets.UTF_8));
            exit(stream, mode, 126);
            return;
        }
        ProcessBuilder pb = new ProcessBuilder("/bin/sh", "-c", toSandbox(command)).directory(device.phone.toFile());
        pb.environment().clear();
        pb.environment().put("PATH", device.tools.toAbsolutePath().toString());
        pb.environment().put("HOME", phoneRoot);
        if (mode == Mode.LEGACY) {
            pb.redirectErrorStream(true);
        } else if (mode == Mode.EXEC) {
            pb.redirectError(ProcessBuilder.Redirect.DISCARD);
        }
        try {
            Process p = pb.start();
            processes.add(p);
            p.getOutputStream().close();
            Thread out = pump(p.getInputStream(), stream, mode, 1);
            Thread err = mode == Mode.V2 ? pump(p.getErrorStream(), stream, mode, 2) : null;
            int code = p.waitFor();
            out.join();
            if (err != null) {
                err.join();
            }
            exit(stream, mode, code);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Thread pump(InputStream in, StandInStream stream, Mode mode, int id) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[16384];
            boolean hostListens = true;
            try (in) {
                int n;
                while ((n = in.read(buf)) > 0) {
                    if (hostListens) {
                        String text = new String(buf, 0, n, StandardCharsets.ISO_8859_1).replace(phoneRoot, "");
                        hostListens = send(stream, mode, id, text.getBytes(StandardCharsets.ISO_8859_1));
                    }
                }
            } catch (IOException ignored) {
                // the process was killed
            }
        }, "standin-pump");
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** Writes output: a shell v2 packet (id, u32 length, data) or raw bytes. */
    private static boolean send(StandInStream stream, Mode mode, int id, byte[] data) {
        if (mode != Mode.V2) {
            return stream.write(data);
        }
        ByteArrayOutputStream packet = new ByteArrayOutputStream();
        packet.write(id);
        packet.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(data.length).array());
        packet.writeBytes(data);
        return stream.write(packet.toByteArray());
    }

    private static void exit(StandInStream stream, Mode mode, int code) {
        if (mode == Mode.V2) {
            send(stream, mode, 3, new byte[] {(byte) code});
        }
    }

    void destroyAll() {
        for (Process p : processes) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
    }
}
