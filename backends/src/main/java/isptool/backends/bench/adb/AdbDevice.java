package isptool.backends.bench.adb;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One device in state {@code device}, reached through {@link AdbClient} with {@code -s SERIAL}.
 * Every failure of adb or the device is a {@link DeviceException} naming the serial.
 */
public final class AdbDevice {
    /** Echoed after every command: the exit status without shell_v2 (adb then always exits 0, BENCH.md §2). */
    static final String SENTINEL = "__isptool_rc=";
    /** Not anchored at a line start: the command's last line may lack its newline (a crash, a printf). */
    private static final Pattern SENTINEL_LINE = Pattern.compile(SENTINEL + "(\\d+)\\R?");
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9_./,:=+-]+");
    /** Where pushed files stay between runs, so an unchanged one is not pushed again. */
    public static final String CACHE = "/data/local/tmp/isptool-cache";
    private static final AtomicInteger RUN_SEQUENCE = new AtomicInteger();

    private final AdbClient adb;
    private final String serial;
    private final String model;
    private Set<String> features;

    AdbDevice(AdbClient adb, String serial, String model) {
        this.adb = adb;
        this.serial = serial;
        this.model = model;
    }

    public String serial() {
        return serial;
    }

    /** {@code 'SERIAL'} or {@code 'SERIAL' (MODEL)} for messages. */
    String name() {
        return "device '" + serial + "'" + (model.isEmpty() ? "" : " (" + model + ")");
    }

    /** The features the device announced in its banner ({@code adb features}). */
    public Set<String> features() {
        if (features == null) {
            AdbClient.Result r = adbChecked(AdbClient.QUICK, "reading its features", "features");
            features = Set.copyOf(List.of(r.stdout().strip().split("\\s+")));
        }
        return features;
    }

    /** Android 7+: adb passes the remote exit code and keeps stderr apart. */
    public boolean hasShellV2() {
        return features().contains("shell_v2");
    }

    public DeviceFacts facts() {
        String[] props = {"ro.product.model", "ro.soc.model", "ro.board.platform", "ro.build.version.sdk",
            "ro.product.cpu.abi"};
        List<String> gets = new ArrayList<>();
        for (String p : props) {
            gets.add("getprop " + p);
        }
        ShellResult r = shellOk(String.join("; ", gets), "reading its properties", AdbClient.QUICK);
        String[] lines = r.stdout().split("\\R", -1);
        String[] v = new String[props.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = i < lines.length ? lines[i].strip() : "";
        }
        int sdk;
        try {
            sdk = Integer.parseInt(v[3]);
        } catch (NumberFormatException e) {
            throw new DeviceException(name() + " reports ro.build.version.sdk '" + v[3]
                    + "', not a number; is it booted into Android?");
        }
        return new DeviceFacts(serial, v[0], v[1].isEmpty() ? v[2] : v[1], sdk, v[4]);
    }

    /**
     * Runs a shell command and returns its exit code: from adb with shell_v2, else from a sentinel
     * line. The sentinel is echoed on both kinds of device (to stderr, which legacy devices merge
     * into stdout): adb 29 exits 0 when the transport drops mid-command under shell_v2 too (observed
     * against the stand-in), so only the sentinel proves the command ran to its end. A device that
     * vanishes meanwhile, or a timeout, is a DeviceException.
     */
    public ShellResult shell(String command, Duration timeout) {
        return shell(command, command, timeout);
    }

    /** {@link #shell}, naming the command {@code label} in messages (a run folder's wrapper stays out of them). */
    ShellResult shell(String command, String label, Duration timeout) {
        boolean v2 = hasShellV2();
        // a subshell, so that an 'exit N' in the command still reaches the sentinel
        String sent = "(" + command + "); r=$?; echo " + SENTINEL + "$r >&2; exit $r";
        AdbClient.Result r = adb.run(timeout, List.of("-s", serial, "shell", sent));
        if (r.timedOut()) {
            throw new DeviceTimeoutException(name() + ": '" + label + "' did not finish within " + seconds(timeout));
        }
        String marked = v2 ? r.stderr() : r.stdout();
        Matcher m = SENTINEL_LINE.matcher(marked);
        int at = -1;
        int code = 0;
        int end = 0;
        while (m.find()) {
            at = m.start();
            end = m.end();
            code = Integer.parseInt(m.group(1));
        }
        if (at < 0) {
            requireStillAttached("'" + label + "'", r);
            throw new DeviceException(name() + ": '" + label + "' ended without an exit status (output cut short);"
                    + " check the device's connection and run again");
        }
        String rest = marked.substring(0, at) + marked.substring(end);
        return v2 ? new ShellResult(label, r.exitCode(), r.stdout(), rest)
                : new ShellResult(label, code, rest, r.stderr());
    }

    /** {@link #shell} that must exit 0; {@code what} completes "failed while ...". */
    public ShellResult shellOk(String command, String what, Duration timeout) {
        ShellResult r = shell(command, timeout);
        if (!r.ok()) {
            String said = (r.stderr() + " " + r.stdout()).strip().replaceAll("\\s+", " ");
            throw new DeviceException(name() + ": failed " + what + " ('" + command + "' exited " + r.exitCode()
                    + (said.isEmpty() ? "" : ": " + said) + ")" + hint(said));
        }
        return r;
    }

    /**
     * Pushes {@code local} to {@code remote} with {@code mode} unless the device already holds a
     * file with the same SHA-256; returns whether bytes were sent.
     */
    public boolean push(Path local, String remote, int mode) {
        String localHash = sha256(local);
        if (localHash.equals(remoteSha256(remote))) {
            return false;
        }
        long mib = 1 + fileSize(local) / (1024 * 1024);
        Duration timeout = Duration.ofSeconds(60 + 2 * mib);
        AdbClient.Result r = adb.run(timeout, List.of("-s", serial, "push", local.toString(), remote));
        if (r.timedOut() || r.exitCode() != 0) {
            if (!r.timedOut()) {
                requireStillAttached("the push of " + local.getFileName(), r);
            }
            String said = r.timedOut() ? "no progress within " + seconds(timeout) : r.errorText();
            throw new DeviceException(name() + ": push of " + local.getFileName() + " to " + remote + " failed: "
                    + said + hint(said));
        }
        shellOk("chmod " + Integer.toOctalString(mode) + " " + quote(remote), "setting the mode of " + remote,
                AdbClient.QUICK);
        return true;
    }

    /** SHA-256 of a remote file, or null when it is missing (or the device has no sha256sum). */
    public String remoteSha256(String remote) {
        ShellResult r = shell("sha256sum " + quote(remote) + " 2>/dev/null", AdbClient.QUICK);
        String out = r.stdout().strip();
        if (!r.ok() || out.length() < 64 || !out.substring(0, 64).matches("[0-9a-fA-F]{64}")) {
            return null;
        }
        return out.substring(0, 64).toLowerCase();
    }

    public void pull(String remote, Path local) {
        AdbClient.Result r = adb.run(Duration.ofMinutes(5), List.of("-s", serial, "pull", remote, local.toString()));
        if (r.timedOut() || r.exitCode() != 0) {
            if (!r.timedOut()) {
                requireStillAttached("the pull of " + remote, r);
            }
            throw new DeviceException(name() + ": pull of " + remote + " failed: "
                    + (r.timedOut() ? "timed out" : r.errorText()));
        }
    }

    /**
     * Creates a fresh folder {@code BASE/isptool-run-...} for one benchmark run; closing it kills
     * what still runs there and removes it.
     */
    public RemoteRunFolder createRunFolder(String base) {
        String path = base + "/isptool-run-" + System.currentTimeMillis() + "-" + ProcessHandle.current().pid()
                + "-" + RUN_SEQUENCE.incrementAndGet();
        shellOk("mkdir -p " + quote(path), "creating " + path, AdbClient.QUICK);
        return new RemoteRunFolder(this, path);
    }

    /** Kills a remote process (SIGKILL); quiet when it is already gone. */
    public void kill(long pid) {
        shell("kill -9 " + pid + " 2>/dev/null", AdbClient.QUICK);
    }

    /** No sentinel or a failed transfer: did the command fail, or did the device go away? The latter throws. */
    private void requireStillAttached(String during, AdbClient.Result r) {
        AdbClient.Result state = adb.run(AdbClient.QUICK, List.of("-s", serial, "get-state"));
        if (state.exitCode() == 0 && state.stdout().strip().equals("device")) {
            return;
        }
        String why = AdbClient.explain(serial, state.errorText());
        throw new DeviceException(name() + " dropped off during " + during + " ("
                + (why != null && why.contains("offline") ? "now offline" : "no longer attached")
                + "); reconnect it (USB cable, 'adb connect HOST:PORT') and run again; adb said: "
                + firstLine(adbErrors(r.stderr()).isEmpty() ? state.errorText() : adbErrors(r.stderr())));
    }

    /** adb's own complaints in its stderr ({@code error: ...}, {@code adb: ...}), not the command's output. */
    private static String adbErrors(String stderr) {
        StringBuilder sb = new StringBuilder();
        for (String line : stderr.split("\\R")) {
            if (line.startsWith("error: ") || line.startsWith("adb: ")) {
                sb.append(sb.length() == 0 ? "" : " ").append(line.strip());
            }
        }
        return sb.toString();
    }

    private AdbClient.Result adbChecked(Duration timeout, String what, String... args) {
        List<String> all = new ArrayList<>(List.of("-s", serial));
        all.addAll(List.of(args));
        AdbClient.Result r = adb.run(timeout, all);
        if (r.timedOut() || r.exitCode() != 0) {
            String why = AdbClient.explain(serial, r.errorText());
            throw new DeviceException(why != null ? why
                    : name() + ": failed " + what + ": " + (r.timedOut() ? "timed out" : r.errorText()));
        }
        return r;
    }

    private static String hint(String said) {
        if (said.contains("No space left")) {
            return "; free space on the device under /data/local/tmp and run again";
        }
        if (said.contains("Read-only file system") || said.contains("Permission denied")) {
            return "; isptool writes under /data/local/tmp, which must be writable by adb's shell user";
        }
        return "";
    }

    static String quote(String word) {
        return SAFE.matcher(word).matches() ? word : "'" + word.replace("'", "'\\''") + "'";
    }

    static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : String.format("%.1f s", d.toMillis() / 1000.0);
    }

    private static String firstLine(String text) {
        String t = text.strip();
        int nl = t.indexOf('\n');
        return nl < 0 ? t : t.substring(0, nl);
    }

    private static long fileSize(Path local) {
        try {
            return Files.size(local);
        } catch (IOException e) {
            throw new DeviceException("cannot read " + local + " to push it: " + e.getMessage(), e);
        }
    }

    static String sha256(Path local) {
        try (InputStream in = Files.newInputStream(local)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException e) {
            throw new DeviceException("cannot read " + local + " to push it: " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
