package isptool.backends.bench.adb;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Stand-in {@code benchmark_model} programs: shell scripts the tests push as the binary. They print
 * output shaped like the newest era's (BENCH.md §6: tool lines on stdout, runtime lines and errors
 * on stderr) and fail the ways a real one does.
 */
public final class StandInBenchmarkModel {
    /** Output of a successful CPU run, newest era (BENCH.md §6 formats). */
    public static final String CPU_RUN_STDOUT = """
            INFO: STARTING!
            INFO: Log parameter values verbosely: [0]
            INFO: Num threads: [4]
            INFO: Graph: [model.tflite]
            INFO: Use xnnpack: [1]
            INFO: Loaded model model.tflite
            INFO: The input model file size (MB): 0.18
            INFO: Initialized session in 41.2ms.
            INFO: Running benchmark for at least 1 iterations and at least 0.5 seconds but terminate if exceeding 150 seconds.
            INFO: count=27 first=21340 curr=18012 min=17950 max=21340 avg=18433.1 std=702

            INFO: Running benchmark for at least 50 iterations and at least 1 seconds but terminate if exceeding 150 seconds.
            INFO: count=55 first=18101 curr=18020 min=17904 max=18877 avg=18097.6 std=171 p5=17921 median=18040 p95=18533

            INFO: Inference timings in us: Init: 41200, First inference: 21340, Warmup (avg): 18433.1, Inference (avg): 18097.6
            """;
    public static final String CPU_RUN_STDERR = "INFO: Created TensorFlow Lite XNNPACK delegate for CPU.\n";

    private StandInBenchmarkModel() {
    }

    private static Path script(Path dir, String body) throws IOException {
        Path file = dir.resolve("benchmark_model");
        Files.writeString(file, "#!/bin/sh\n" + body);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        return file;
    }

    /** Prints a whole run, reports its arguments on stdout, exits 0. */
    public static Path succeeding(Path dir) throws IOException {
        return printing(dir, CPU_RUN_STDOUT, CPU_RUN_STDERR, 0);
    }

    /**
     * Replays a recorded log (any era's fixture): its arguments first as {@code INFO: args: ...},
     * then {@code stdout}, then {@code stderr}, then exits with {@code exitCode}.
     */
    public static Path printing(Path dir, String stdout, String stderr, int exitCode) throws IOException {
        return script(dir, "echo \"INFO: args: $*\"\nprintf '%s' " + quoted(stdout) + "\nprintf '%s' " + quoted(stderr)
                + " >&2\nexit " + exitCode + "\n");
    }

    /** The exact bytes as one single-quoted shell word. */
    private static String quoted(String text) {
        return "'" + text.replace("'", "'\\''") + "'";
    }

    /**
     * A newer tool asked for a CSV op profile ({@code --op_profiling_output_file=F}): writes
     * {@code csv} to F in its working folder instead of printing the table, then prints {@code stdout}
     * (a run's log without the table) and exits 0.
     */
    public static Path profilingToCsv(Path dir, String stdout, String csv) throws IOException {
        return script(dir, "for a in \"$@\"; do case \"$a\" in --op_profiling_output_file=*) printf '%s' " + quoted(csv)
                + " > \"${a#--op_profiling_output_file=}\" ;; esac; done\n"
                + "echo \"INFO: args: $*\"\nprintf '%s' " + quoted(stdout) + "\n");
    }

    /** NNAPI could not be applied: ERROR lines on stderr, exit 1. */
    public static Path delegateFails(Path dir) throws IOException {
        return script(dir, "echo 'INFO: STARTING!'\n"
                + "echo 'ERROR: Failed to apply NNAPI delegate.' >&2\n"
                + "echo 'ERROR: Benchmarking failed.' >&2\nexit 1\n");
    }

    /** NNAPI fails as in {@link #delegateFails} when asked for (--use_nnapi=true); any other run succeeds. */
    public static Path nnapiFails(Path dir) throws IOException {
        return script(dir, "case \"$*\" in *--use_nnapi=true*)\n"
                + "  echo 'INFO: STARTING!'\n  echo 'ERROR: Failed to apply NNAPI delegate.' >&2\n"
                + "  echo 'ERROR: Benchmarking failed.' >&2\n  exit 1 ;;\nesac\n"
                + "echo \"INFO: args: $*\"\nprintf '%s' " + quoted(CPU_RUN_STDOUT) + "\nprintf '%s' " + quoted(CPU_RUN_STDERR)
                + " >&2\n");
    }

    /** Dies of SIGSEGV in the middle of an output line. */
    public static Path crashes(Path dir) throws IOException {
        return script(dir, "echo 'INFO: STARTING!'\nprintf 'INFO: Loaded mod'\nprintf 'ERROR: half' >&2\nkill -SEGV $$\n");
    }

    /** Starts, then hangs until killed (exec: the pid adb's shell recorded is the sleeping process). */
    public static Path hangs(Path dir) throws IOException {
        return script(dir, "echo 'INFO: STARTING!'\nexec sleep 600\n");
    }
}
