package isptool.backends.bench.adb;

import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * A per-run folder under {@code /data/local/tmp} on the device. {@link #run} starts a command
 * there and records its pid, so a timeout (or Ctrl-C, through {@link #stopProcess}) can kill it on
 * the device: killing the local adb process does not stop a remote process started without a pty.
 * {@link #close} stops what still runs and removes the folder, unless {@link #keep} was asked.
 */
public final class RemoteRunFolder implements AutoCloseable {
    static final String PID_FILE = ".isptool.pid";
    private static final Pattern PID = Pattern.compile("\\d+");

    private final AdbDevice device;
    private final String path;
    private boolean keep;
    private boolean closed;
    /** A run started and has not been seen to end (timeout, drop-off, Ctrl-C from another thread). */
    private volatile boolean mayBeRunning;

    RemoteRunFolder(AdbDevice device, String path) {
        this.device = device;
        this.path = path;
    }

    public String path() {
        return path;
    }

    /**
     * Puts {@code local} into this folder as {@code name} with {@code mode}, pushing it over adb
     * only when the device's cache ({@link AdbDevice#CACHE}) does not already hold the same bytes
     * (SHA-256): a 30 MB benchmark_model or model then crosses USB once, later runs copy it on the
     * device. Returns the file's device path.
     */
    public String stage(Path local, String name, int mode) {
        String cached = AdbDevice.CACHE + "/" + name;
        String target = path + "/" + name;
        device.push(local, cached, mode);
        device.shellOk("cp " + AdbDevice.quote(cached) + " " + AdbDevice.quote(target) + " && chmod "
                + Integer.toOctalString(mode) + " " + AdbDevice.quote(target), "copying " + name + " into " + path,
                AdbClient.QUICK);
        return target;
    }

    /**
     * The text of file {@code name} in this folder, removed afterwards (a later run writes it anew);
     * null when the file is not there.
     */
    public String take(String name) {
        String file = AdbDevice.quote(path + "/" + name);
        ShellResult r = device.shell("if [ -f " + file + " ]; then cat " + file + " && rm -f " + file + "; else exit 3; fi",
                AdbClient.QUICK);
        return r.exitCode() == 0 ? r.stdout() : null;
    }

    /**
     * Runs {@code work} with a shutdown hook that, on Ctrl-C, kills what runs in this folder and
     * removes it (unless kept); the hook is gone again when {@code work} ends.
     */
    public void guarded(Runnable work) {
        Thread onCtrlC = new Thread(() -> {
            stopProcess();
            close();
        }, "isptool-device-cleanup");
        Runtime.getRuntime().addShutdownHook(onCtrlC);
        try {
            work.run();
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(onCtrlC);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs (or ran) and cleans up itself
            }
        }
    }

    /** {@code --keep}: leave the folder on the device for inspection. */
    public void keep() {
        keep = true;
    }

    /**
     * Runs {@code command} (e.g. {@code ./benchmark_model --graph=model.tflite}) in this folder.
     * After {@code timeout} the remote process is killed and a DeviceException says so.
     */
    public ShellResult run(String command, Duration timeout) {
        String pidFile = path + "/" + PID_FILE;
        // the pid file lives only while the process does: no later kill can hit a reused pid
        String wrapped = "cd " + AdbDevice.quote(path) + " && (" + command + " & echo $! > " + AdbDevice.quote(pidFile)
                + "; wait $!; s=$?; rm -f " + AdbDevice.quote(pidFile) + "; exit $s)";
        mayBeRunning = true;
        try {
            ShellResult r = device.shell(wrapped, command, timeout);
            mayBeRunning = false;
            return r;
        } catch (DeviceTimeoutException e) {
            stopProcess();
            throw new DeviceTimeoutException(device.name() + ": '" + command + "' did not finish within "
                    + AdbDevice.seconds(timeout) + " and was killed on the device; raise --timeout or lower --runs");
        }
    }

    /** Kills the process {@link #run} started, if it still runs; for timeouts and Ctrl-C. */
    public void stopProcess() {
        if (!mayBeRunning) {
            return;
        }
        ShellResult r = device.shell("cat " + AdbDevice.quote(path + "/" + PID_FILE) + " 2>/dev/null",
                AdbClient.QUICK);
        String pid = r.stdout().strip();
        if (r.ok() && PID.matcher(pid).matches()) {
            device.kill(Long.parseLong(pid));
        }
        mayBeRunning = false;
    }

    /**
     * Stops a process still running and removes the folder (also after a failure:
     * try-with-resources); with {@link #keep} the folder stays, the process is stopped all the same.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        stopProcess();
        if (keep) {
            return;
        }
        device.shellOk("rm -rf " + AdbDevice.quote(path), "removing " + path, AdbClient.QUICK);
    }
}
