package isptool.backends.bench.adb;

import isptool.backends.bench.BenchResult;
import isptool.backends.bench.BenchRun;
import isptool.backends.bench.BenchmarkModelParser;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One device's part of {@code isptool bench --device}, in the order the package's seam gives:
 * facts, the benchmark binary (checked or found), a run folder with the staged files, one
 * {@code benchmark_model} run per delegate, parsed; the folder is removed on every path (and by a
 * shutdown hook on Ctrl-C). A failed, crashed or timed-out run is a {@link DeviceException}.
 */
public final class DeviceBench {
    /** Where a benchmark_model already on the device is looked for when no --benchmark-binary is given. */
    public static final String DEVICE_BINARY = "/data/local/tmp/benchmark_model";
    public static final List<String> ALL_DELEGATES = List.of("cpu", "xnnpack", "gpu", "nnapi");

    /** What {@code bench} asks of every run; {@code binary} null = the one on the device. */
    public record Options(List<String> delegates, int threads, int runs, int warmup, double minSecs,
            Duration timeout, boolean keep, Path binary, boolean profileOps) {
    }

    /**
     * One delegate's run: the row, the command line the device received, its wall time, and why it
     * has no result (null when it has one).
     */
    public record Row(BenchRun run, String commandLine, double seconds, String failure) {
    }

    /** A device's whole bench: its facts, one row per delegate, and the wall time of it all (push + runs + cleanup). */
    public record Result(DeviceFacts facts, List<Row> rows, double seconds) {
    }

    private static final String PROFILE_CSV = "ops.csv";

    private DeviceBench() {
    }

    /**
     * {@code cpu|xnnpack|gpu|nnapi|nnapi:ACCELERATOR|all}, comma-separated; null when a word is
     * none of these.
     */
    public static List<String> parseDelegates(String spec) {
        List<String> out = new ArrayList<>();
        for (String word : spec.split(",")) {
            String d = word.strip().toLowerCase(Locale.ROOT);
            if (d.equals("all")) {
                ALL_DELEGATES.stream().filter(a -> !out.contains(a)).forEach(out::add);
            } else if (ALL_DELEGATES.contains(d) || (d.startsWith("nnapi:") && d.length() > "nnapi:".length())) {
                if (!out.contains(d)) {
                    out.add(d.startsWith("nnapi:") ? "nnapi:" + word.strip().substring("nnapi:".length()) : d);
                }
            } else {
                return null;
            }
        }
        return out;
    }

    /**
     * The benchmark_model flags of one delegate. XNNPACK is always said explicitly (on for
     * {@code xnnpack} only), so the CPU baseline is what the table calls it.
     */
    static String delegateFlags(String delegate) {
        if (delegate.equals("cpu")) {
            return "--use_xnnpack=false";
        }
        if (delegate.equals("xnnpack")) {
            return "--use_xnnpack=true";
        }
        if (delegate.equals("gpu")) {
            return "--use_gpu=true --use_xnnpack=false";
        }
        if (delegate.equals("nnapi")) {
            return "--use_nnapi=true --use_xnnpack=false";
        }
        String accelerator = delegate.substring("nnapi:".length());
        return "--use_nnapi=true --nnapi_accelerator_name=" + AdbDevice.quote(accelerator) + " --use_xnnpack=false";
    }

    /** The whole command line of one run, as the device receives it. */
    public static String commandLine(String binary, String delegate, Options o) {
        return binary + " --graph=model.tflite --num_threads=" + o.threads() + " --num_runs=" + o.runs()
                + " --warmup_runs=" + o.warmup() + " --min_secs=" + plain(o.minSecs()) + " " + delegateFlags(delegate)
                + (o.profileOps() ? " --enable_op_profiling=true " + PROFILE_CSV_FLAGS : "");
    }

    /**
     * The op profile as a CSV file in the run folder: newer tools take the first two flags, older ones
     * the third; a tool that knows none only warns ("Unconsumed cmdline flags") and prints the text table.
     */
    static final String PROFILE_CSV_FLAGS = "--op_profiling_output_mode=csv --op_profiling_output_file=" + PROFILE_CSV
            + " --profiling_output_csv_file=" + PROFILE_CSV;

    /** Runs the bench on one ready device. */
    public static Result run(AdbDevice device, Path model, Options o) {
        return run(device, model, o, line -> { });
    }

    /** Runs the bench on one ready device, saying each step (staging, each delegate's run) to progress. */
    public static Result run(AdbDevice device, Path model, Options o, java.util.function.Consumer<String> progress) {
        long t0 = System.nanoTime();
        DeviceFacts facts = device.facts();
        String binary;
        if (o.binary() != null) {
            ElfMachine.requireRunsOn(o.binary(), facts.abi(), device.serial());
            binary = "./benchmark_model";
        } else if (device.remoteSha256(DEVICE_BINARY) != null) {
            binary = DEVICE_BINARY;
        } else {
            throw new DeviceException(device.name() + " has no " + DEVICE_BINARY + ": pass --benchmark-binary PATH with"
                    + " TFLite's benchmark_model built for " + facts.abi() + " (e.g. the android_aarch64 nightly"
                    + " benchmark_model from tensorflow.org/lite/performance/measurement), or adb push one there");
        }
        List<Row> rows = new ArrayList<>();
        try (RemoteRunFolder folder = device.createRunFolder("/data/local/tmp")) {
            folder.guarded(() -> {
                if (o.keep()) {
                    folder.keep();
                }
                progress.accept(device.serial() + ": staging " + (o.binary() != null ? "benchmark_model and " : "")
                        + "the model in " + folder.path());
                if (o.binary() != null) {
                    folder.stage(o.binary(), "benchmark_model", 0755);
                }
                folder.stage(model, "model.tflite", 0644);
                int n = 0;
                for (String delegate : o.delegates()) {
                    progress.accept(device.serial() + ": benchmark_model --delegate " + delegate
                            + (o.delegates().size() > 1 ? " (" + ++n + " of " + o.delegates().size() + ")" : ""));
                    try {
                        rows.add(runOne(device, folder, binary, delegate, o));
                    } catch (RunFailed f) {
                        if (o.delegates().size() == 1) {
                            throw f;
                        }
                        rows.add(f.row); // side by side: one delegate the device cannot run is a row, not the end
                    }
                }
            });
        }
        return new Result(facts, rows, (System.nanoTime() - t0) / 1e9);
    }

    private static Row runOne(AdbDevice device, RemoteRunFolder folder, String binary, String delegate, Options o) {
        String command = commandLine(binary, delegate, o);
        long t0 = System.nanoTime();
        ShellResult r = folder.run(command, o.timeout());
        BenchResult parsed = BenchmarkModelParser.parse(r.output());
        String csv = o.profileOps() ? folder.take(PROFILE_CSV) : null;
        if (csv != null && parsed.ops().isEmpty()) {
            parsed = parsed.withOps(BenchmarkModelParser.parseOpProfileCsv(csv));
        }
        BenchRun run = new BenchRun(device.serial(), delegate, parsed);
        double seconds = (System.nanoTime() - t0) / 1e9;
        String failure = r.exitCode() != 0
                ? device.name() + ": benchmark_model " + exitWords(r.exitCode()) + " with --delegate " + delegate
                        + (parsed.problem() == null ? "" : ": " + parsed.problem())
                : !parsed.hasTimings()
                ? device.name() + ": benchmark_model with --delegate " + delegate + " printed no inference timings: "
                        + parsed.problem()
                : null;
        Row row = new Row(run, command, seconds, failure);
        if (failure != null) {
            throw new RunFailed(failure + (r.exitCode() != 0 ? "; run again with --keep and look in the run folder, or"
                    + " try another --delegate" : ""), row);
        }
        return row;
    }

    /** benchmark_model ran and failed (or printed no timings): the device is fine, the run has no result. */
    static final class RunFailed extends DeviceException {
        final transient Row row;

        RunFailed(String message, Row row) {
            super(message);
            this.row = row;
        }
    }

    /** {@code failed (exit 1)}, {@code was killed by signal 11 (SIGSEGV)}. */
    static String exitWords(int code) {
        if (code > 128 && code < 160) {
            int signal = code - 128;
            String name = switch (signal) {
                case 6 -> " (SIGABRT)";
                case 7 -> " (SIGBUS)";
                case 9 -> " (SIGKILL)";
                case 11 -> " (SIGSEGV)";
                case 15 -> " (SIGTERM)";
                default -> "";
            };
            return "was killed by signal " + signal + name + " (exit " + code + ")";
        }
        return "failed (exit " + code + ")";
    }

    private static String plain(double d) {
        return new java.math.BigDecimal(Double.toString(d)).stripTrailingZeros().toPlainString();
    }
}
