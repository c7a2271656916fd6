package isptool.backends.bench.adb;

/**
 * A finished remote command. On a device without {@code shell_v2} stderr arrives merged into
 * stdout and {@code stderr} is empty.
 */
public record ShellResult(String command, int exitCode, String stdout, String stderr) {
    public boolean ok() {
        return exitCode == 0;
    }

    /** stdout and stderr together, as a benchmark_model parser reads them. */
    public String output() {
        return stderr.isEmpty() ? stdout : stdout + stderr;
    }
}
