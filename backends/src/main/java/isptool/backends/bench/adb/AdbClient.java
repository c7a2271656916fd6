package isptool.backends.bench.adb;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;

/**
 * The real {@code adb} binary, run as a child process: it owns USB, the server and the wire
 * protocol, so isptool only forms command lines and reads adb's answers. Every adb failure comes
 * back as a one-line {@link DeviceException} saying what to do.
 */
public final class AdbClient {
    static final Duration QUICK = Duration.ofSeconds(30);

    private final Path adb;
    private final OptionalInt serverPort;
    private final Map<String, String> environment;

    /**
     * @param serverPort {@code -P PORT}: a private adb server; empty = adb's own choice
     *     ({@code $ANDROID_ADB_SERVER_PORT}, else 5037)
     * @param environment added to adb's environment (tests point HOME at a scratch folder so adb
     *     keeps its key there)
     */
    public AdbClient(Path adb, OptionalInt serverPort, Map<String, String> environment) {
        this.adb = adb;
        this.serverPort = serverPort;
        this.environment = Map.copyOf(environment);
    }

    /**
     * Finds adb as {@code bench} does: {@code --adb PATH}, else {@code $ADB}, else {@code adb} on
     * {@code $PATH}; the server port from {@code $ANDROID_ADB_SERVER_PORT} when set.
     */
    public static AdbClient locate(Path adbFlag, Map<String, String> env) {
        Path found;
        if (adbFlag != null) {
            found = requireExecutable(adbFlag, "--adb");
        } else if (env.get("ADB") != null && !env.get("ADB").isBlank()) {
            found = requireExecutable(Path.of(env.get("ADB")), "$ADB");
        } else {
            found = onPath("adb", env.getOrDefault("PATH", ""));
            if (found == null) {
                throw new DeviceException("adb not found on $PATH: install it (Debian/Ubuntu: apt-get install adb;"
                        + " or Android SDK platform-tools) or pass --adb PATH");
            }
        }
        OptionalInt port = OptionalInt.empty();
        String portText = env.get("ANDROID_ADB_SERVER_PORT");
        if (portText != null && !portText.isBlank()) {
            try {
                port = OptionalInt.of(Integer.parseInt(portText.strip()));
            } catch (NumberFormatException e) {
                throw new DeviceException("$ANDROID_ADB_SERVER_PORT is '" + portText
                        + "', not a port number; set it to the adb server's port (default 5037) or unset it");
            }
        }
        return new AdbClient(found, port, Map.of());
    }

    private static Path requireExecutable(Path path, String where) {
        if (!Files.isRegularFile(path) || !Files.isExecutable(path)) {
            throw new DeviceException(where + " names " + path + ", which is not an executable file;"
                    + " point it at the adb binary (e.g. platform-tools/adb)");
        }
        return path;
    }

    static Path onPath(String name, String pathVariable) {
        for (String dir : pathVariable.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    public Path binary() {
        return adb;
    }

    public OptionalInt serverPort() {
        return serverPort;
    }

    /** One adb invocation's outcome; {@code timedOut} means adb was killed after the timeout. */
    public record Result(int exitCode, String stdout, String stderr, boolean timedOut) {
        /** adb's own error text without the daemon start-up chatter. */
        public String errorText() {
            StringBuilder sb = new StringBuilder();
            for (String line : (stderr + "\n" + stdout).split("\\R")) {
                String l = line.strip();
                if (!l.isEmpty() && !l.startsWith("* daemon")) {
                    sb.append(sb.length() == 0 ? "" : " ").append(l);
                }
            }
            return sb.toString();
        }
    }

    /** Runs {@code adb [-P PORT] ARGS}; kills adb after {@code timeout}. */
    public Result run(Duration timeout, List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(adb.toString());
        serverPort.ifPresent(p -> {
            command.add("-P");
            command.add(Integer.toString(p));
        });
        command.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().putAll(environment);
        pb.redirectInput(ProcessBuilder.Redirect.PIPE);
        Process process;
        try {
            process = pb.start();
        } catch (IOException e) {
            throw new DeviceException("cannot run " + adb + ": " + e.getMessage() + "; check --adb or $ADB", e);
        }
        try {
            process.getOutputStream().close();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            Thread outReader = drain(process.getInputStream(), out);
            Thread errReader = drain(process.getErrorStream(), err);
            boolean finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!finished) {
                // adb alone: a server it forked on the way must survive (it serves the other devices)
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
            outReader.join(2000);
            errReader.join(2000);
            return new Result(finished ? process.exitValue() : -1, text(out), text(err), !finished);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new DeviceException("interrupted while running adb " + String.join(" ", args), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Result run(Duration timeout, String... args) {
        return run(timeout, List.of(args));
    }

    private static Thread drain(InputStream in, ByteArrayOutputStream sink) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[8192];
            try (in) {
                int n;
                while ((n = in.read(buf)) > 0) {
                    synchronized (sink) {
                        sink.write(buf, 0, n);
                    }
                }
            } catch (IOException ignored) {
                // adb was killed: what arrived so far is kept
            }
        }, "adb-output");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static String text(ByteArrayOutputStream sink) {
        synchronized (sink) {
            return sink.toString(StandardCharsets.UTF_8);
        }
    }

    public void startServer() {
        Result r = run(QUICK, "start-server");
        if (r.exitCode() != 0) {
            throw new DeviceException("adb could not start its server" + portNote() + ": " + r.errorText());
        }
    }

    /** Stops this client's server; quiet when none runs. */
    public void killServer() {
        run(QUICK, "kill-server");
    }

    private String portNote() {
        return serverPort.isPresent() ? " on port " + serverPort.getAsInt() : "";
    }

    public List<AttachedDevice> devices() {
        Result r = run(QUICK, "devices", "-l");
        if (r.exitCode() != 0) {
            throw new DeviceException("'adb devices -l' failed" + portNote() + ": " + r.errorText());
        }
        return AttachedDevice.parseList(r.stdout());
    }

    /**
     * {@code adb connect HOST:PORT} for network devices (a device farm's adb endpoint, a phone with
     * wireless debugging). adb exits 0 even on failure, so its words decide; returns the serial.
     */
    public String connect(String hostPort) {
        Result r = run(QUICK, "connect", hostPort);
        String said = r.errorText();
        if (said.contains("connected to ")) {
            return hostPort;
        }
        if (said.contains("failed to authenticate")) {
            throw new DeviceException("device '" + hostPort + "' did not authorize this computer: accept the"
                    + " 'Allow USB debugging' dialog on the device (or add this adb key to the device farm), then run again");
        }
        throw new DeviceException("cannot connect to device '" + hostPort + "': " + said
                + "; check the address and that the device (or farm endpoint) listens for adb");
    }

    /**
     * The device with this serial, ready for commands: an unknown serial, an unauthorized, offline or
     * permission-less device is a DeviceException saying what to do.
     */
    public AdbDevice device(String serial) {
        AttachedDevice found = null;
        for (AttachedDevice d : devices()) {
            if (d.serial().equals(serial)) {
                found = d;
            }
        }
        if (found == null) {
            throw new DeviceException(notFound(serial));
        }
        if (!found.ready()) {
            throw new DeviceException(notReady(serial, found.state(), found.detail()));
        }
        return new AdbDevice(this, serial, found.model());
    }

    static String notFound(String serial) {
        return "device '" + serial + "' not found: it is neither attached nor connected (see 'adb devices -l');"
                + " plug it in, or run 'adb connect HOST:PORT' for a network device";
    }

    static String notReady(String serial, String state, String detail) {
        return switch (state) {
            case "unauthorized" -> "device '" + serial + "' is unauthorized: unlock it and accept the"
                    + " 'Allow USB debugging' dialog, then run again";
            case "offline" -> "device '" + serial + "' is offline: reconnect it (or run 'adb reconnect'),"
                    + " then run again";
            case "no permissions" -> "device '" + serial + "': no permissions to open it over USB " + detail
                    + "; add a udev rule for the device (or your user to the plugdev group), then run again";
            case "authorizing", "connecting" -> "device '" + serial + "' is still " + state
                    + ": wait a moment (accept the debugging dialog if one shows), then run again";
            default -> "device '" + serial + "' is in state '" + state + "', not 'device': boot it into Android,"
                    + " then run again";
        };
    }

    /** Maps adb's error words for a serial to the same messages as {@link #device}. */
    static String explain(String serial, String adbError) {
        if (adbError.contains("not found")) {
            return notFound(serial);
        }
        if (adbError.contains("unauthorized")) {
            return notReady(serial, "unauthorized", "");
        }
        if (adbError.contains("offline")) {
            return notReady(serial, "offline", "");
        }
        if (adbError.contains("no permissions") || adbError.contains("insufficient permissions")) {
            return notReady(serial, "no permissions", "");
        }
        return null;
    }
}
