package isptool.cli;

import isptool.backends.bench.BenchRun;
import isptool.backends.bench.HostBench;
import isptool.backends.bench.MaiScore;
import isptool.backends.bench.adb.AdbClient;
import isptool.backends.bench.adb.DeviceBench;
import isptool.backends.bench.adb.QnnDeviceBench;
import isptool.backends.bench.qnn.HtpArch;
import isptool.backends.bench.qnn.QnnSdkFiles;
import isptool.graph.ModelException;
import isptool.graph.io.AtomicFiles;
import isptool.graph.io.TempFiles;
import java.io.IOException;
import java.math.BigDecimal;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code isptool bench MODEL.tflite --host}: latency in TFLite's interpreter in this process, with
 * the statistics benchmark_model prints; {@code --device}: benchmark_model on phones over the real
 * adb ({@link DeviceBenchRows}), one row per device and delegate; {@code --qnn-sdk}: qnn-net-run on
 * the HTP ({@link QnnBenchRows}). As a table, as JSON, as an HTML page ({@link BenchHtml}), and as
 * CI gates (exit 5); device and adb failures exit 4.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measures a model's latency (a .tflite, or an .onnx converted first): --host runs it in TFLite's interpreter in this process,"
                + " --device runs TFLite's benchmark_model on phones over adb (with --qnn-sdk: a convert --backend qnn"
                + " model with qnn-net-run on the HTP)"
                + " (init, first inference, warm-up, median, p5/p95, mean, std, peak memory, delegation).")
final class BenchCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL", description = "A .tflite model, or an .onnx model to convert first.")
    Path model;

    @Option(names = "--precision", paramLabel = "P", description = "With an .onnx MODEL: convert's --precision"
            + " (fp32, fp16, int8, int16x8).")
    String precision;

    @Option(names = "--calibration", paramLabel = "[NAME=]DIR|FILE", arity = "1..*",
            description = "With an .onnx MODEL: convert's --calibration (int8, int16x8).")
    List<String> calibration = new ArrayList<>();

    @Option(names = "--bayer", paramLabel = "RGGB|BGGR|GRBG|GBRG", description = "With an .onnx MODEL: convert's --bayer.")
    String bayer;

    @Option(names = "--input-shape", paramLabel = "NAME:D0,D1,...", description = "With an .onnx MODEL: convert's"
            + " --input-shape.")
    List<String> inputShapes = new ArrayList<>();

    @Option(names = "--host", description = "Run in TFLite's interpreter in this process.")
    boolean host;

    @Option(names = "--device", paramLabel = "SERIAL", description = "Run on phones over adb: a serial, S1,S2, or all"
            + " (every device in state 'device'); HOST:PORT serials are 'adb connect'ed. Default: $ANDROID_SERIAL.")
    String device;

    @Option(names = "--adb", paramLabel = "PATH", description = "The adb binary (default: $ADB, else adb on $PATH).")
    Path adb;

    @Option(names = "--benchmark-binary", paramLabel = "PATH", description = "TFLite's benchmark_model built for the"
            + " device's CPU, pushed for the run (default: " + DeviceBench.DEVICE_BINARY + " on the device).")
    Path benchmarkBinary;

    @Option(names = "--qnn-sdk", paramLabel = "DIR", description = "MODEL is the folder convert --backend qnn wrote:"
            + " run it with qnn-net-run on the device's HTP. DIR holds the built model (a context binary from"
            + " qnn-context-binary-generator, or libNAME.so) and the QNN SDK's aarch64-android qnn-net-run,"
            + " qnn-profile-viewer and libraries.")
    Path qnnSdk;

    @Option(names = "--htp-arch", paramLabel = "vNN", description = "With --qnn-sdk: the device's HTP version (v68,"
            + " v69, v73, v75) when its SoC is not in isptool's table.")
    String htpArch;

    @Option(names = "--delegate", paramLabel = "D", description = "With --device: cpu, xnnpack (default), gpu, nnapi,"
            + " nnapi:ACCELERATOR, or all (one run each); comma-separated for several.")
    String delegate;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "600",
            description = "With --device: kill a run on the device after this long (default ${DEFAULT-VALUE} s).")
    double timeoutSecs;

    @Option(names = "--keep", description = "With --device: leave the run folder on the device.")
    boolean keep;

    @Option(names = "--require-full-delegation", description = "Exit 5 when a delegate left any node to the CPU.")
    boolean requireFullDelegation;

    @Option(names = "--profile-ops", description = "Also time each op (benchmark_model --enable_op_profiling): the"
            + " slowest ops and the time by op type (with --device).")
    boolean profileOps;

    @Option(names = "--threads", defaultValue = "1", description = "Interpreter threads (default ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--xnnpack", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Apply the XNNPACK delegate (default); --no-xnnpack runs TFLite's builtin kernels.")
    boolean xnnpack;

    @Option(names = "--runs", defaultValue = "50", description = "At least this many timed runs (default ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--warmup", defaultValue = "1", description = "At least this many warm-up runs (default ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--min-secs", defaultValue = "1", description = "Time runs for at least this long (default ${DEFAULT-VALUE} s).")
    double minSecs;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of the random input (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write everything (flags, raw stats, memory, delegation) as JSON.")
    Path json;

    @Option(names = "--html", paramLabel = "FILE", description = "Also write the bench as one self-contained HTML page:"
            + " latency per target and delegate (median bars, p5-p95 whiskers), delegation, MAI score, time per op.")
    Path html;

    @Option(names = "--html-from", paramLabel = "A.json,B.json", split = ",", description = "With --html: earlier bench"
            + " --json results, oldest first, drawn before this run as a trend of the medians.")
    List<Path> htmlFrom = new ArrayList<>();

    @Option(names = "--max-latency-ms", paramLabel = "X", description = "Exit 5 when a median is above X ms (a CI gate).")
    Double maxLatencyMs;

    @Option(names = "--psnr", paramLabel = "DB", description = "The model's fidelity in dB: print the MAI 2021 score.")
    Double psnr;

    @Option(names = "--psnr-from", paramLabel = "REPORT.json", description = "Take the PSNR for the MAI 2021 score from"
            + " a convert --report (a quantized model's PSNR against float32, else the verification PSNR).")
    Path psnrFrom;

    @Option(names = {"-v", "--verbose"}, description = "Print stack traces of errors.")
    boolean verbose;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** The environment adb is found with ($ADB, $PATH, $ANDROID_SERIAL, $ANDROID_ADB_SERVER_PORT); tests replace it. */
    static Supplier<Map<String, String>> environment = System::getenv;

    private List<String> delegates;
    /** Where the PSNR came from, when --psnr-from gave it. */
    private String psnrSource;

    @Override
    public Integer call() throws IOException {
        checkArguments();
        if (qnnSdk != null || !checkModel()) {
            return benchTflite(model);
        }
        Path converted = TempFiles.inSystemTemp("isptool-bench");
        try {
            int status = convertFirst(converted);
            return status != 0 ? status : benchTflite(converted);
        } finally {
            TempFiles.delete(converted);
        }
    }

    /** convert MODEL -o tflite with the convert options given, printing as convert does; its exit status. */
    private int convertFirst(Path tflite) {
        List<String> args = new ArrayList<>(List.of("convert", model.toString(), "-o", tflite.toString()));
        if (precision != null) {
            args.addAll(List.of("--precision", precision));
        }
        if (!calibration.isEmpty()) {
            args.add("--calibration");
            args.addAll(calibration);
        }
        if (bayer != null) {
            args.addAll(List.of("--bayer", bayer));
        }
        for (String s : inputShapes) {
            args.addAll(List.of("--input-shape", s));
        }
        if (verbose) {
            args.add("--verbose");
        }
        CommandLine convert = Main.commandLine();
        convert.setOut(spec.commandLine().getOut());
        convert.setErr(spec.commandLine().getErr());
        return convert.execute(args.toArray(String[]::new));
    }

    /** Benchmarks the .tflite file (MODEL itself, or what MODEL was converted to). */
    private int benchTflite(Path tflite) throws IOException {
        if (json != null) {
            ModelJob.checkNotInput(model, json, "--json");
            AtomicFiles.checkWritable(json);
        }
        BenchHtml page = html == null ? null : BenchHtml.prepare(model, html, htmlFrom);
        long t0 = System.nanoTime();
        PrintWriter out = spec.commandLine().getOut();
        BenchRows bench = host ? hostRows(out, tflite) : qnnSdk != null ? qnnRows(out) : deviceRows(out, tflite);
        List<BenchRun> rows = bench.rows;
        BenchTable.print(out, rows);
        if (profileOps) {
            OpTimesPrinter.print(out, rows);
        }
        List<Object> runJson = new ArrayList<>();
        for (BenchRun r : rows) {
            Map<String, Object> j = r.toJson();
            if (bench.commandLines.containsKey(r)) {
                j.put("command_line", bench.commandLines.get(r));
            }
            if (bench.failureOf.containsKey(r)) {
                j.put("failure", bench.failureOf.get(r));
            }
            if (bench.qnnProfiles.containsKey(r)) {
                j.put("qnn_profile", bench.qnnProfiles.get(r));
            }
            Double score = score(r);
            if (score != null) {
                out.printf(Locale.ROOT, "  MAI 2021 score %s/%s: %.2f (PSNR %.2f dB%s, runtime %s ms)%n", r.target(),
                        r.delegate(), score, psnr, psnrSource == null ? "" : " " + psnrSource,
                        BenchTable.ms(r.result().typicalMs()));
                j.put("mai_score", score);
            }
            runJson.add(j);
        }
        String failed = failedRuns(bench);
        String gateFailure = new BenchGates(model, maxLatencyMs, requireFullDelegation).failure(rows);
        out.flush();
        if (json != null) {
            Map<String, Object> report = new LinkedHashMap<>();
            report.put("command", "bench");
            report.put("input", model.toString());
            report.put("flags", flags());
            if (host) {
                report.put("host", hostFacts());
            } else {
                report.put("devices", bench.devices);
            }
            report.put("runs", runJson);
            Map<String, Object> g = new LinkedHashMap<>();
            g.put("max_latency_ms", maxLatencyMs);
            g.put("require_full_delegation", requireFullDelegation);
            g.put("passed", gateFailure == null);
            report.put("gate", g);
            report.put("seconds", (System.nanoTime() - t0) / 1e9);
            Reports.writeJson(json, report);
        }
        if (page != null) {
            page.write(model.toString(), bench.where, bench.devices, rows, bench.failureOf::get, this::score, psnr,
                    psnrSource);
        }
        return failed != null ? fail(failed, Main.EXIT_DEVICE) : gateFailure != null ? fail(gateFailure, Main.EXIT_GATE) : 0;
    }

    /** Progress lines on stderr ({@value #PROGRESS} and the step), one per step, safe from several device threads. */
    private java.util.function.Consumer<String> progress() {
        PrintWriter err = spec.commandLine().getErr();
        return line -> {
            synchronized (err) {
                err.println(PROGRESS + Escapes.visible(line));
                err.flush();
            }
        };
    }

    /** What every progress line on stderr starts with (error lines start with "isptool: "). */
    static final String PROGRESS = "  > ";

    /** Prints the one error line and returns status. */
    private int fail(String line, int status) {
        PrintWriter err = spec.commandLine().getErr();
        err.println("isptool: " + line);
        err.flush();
        return status;
    }

    private BenchRows hostRows(PrintWriter out, Path tflite) {
        HostBench.Options options = new HostBench.Options(xnnpack, threads, warmup, HostBench.Options.DEFAULT.warmupMinSecs(),
                runs, minSecs, HostBench.Options.DEFAULT.maxSecs(), seed);
        progress().accept(String.format(Locale.ROOT, "host: %d+ warm-up and %d+ timed runs for at least %s s", warmup, runs,
                BigDecimal.valueOf(minSecs).stripTrailingZeros().toPlainString()));
        BenchRows rows = new BenchRows(String.format("host (TFLite interpreter in-process, %d thread%s, %s)", threads,
                threads == 1 ? "" : "s", xnnpack ? "XNNPACK" : "builtin kernels"));
        rows.rows.add(new BenchRun("host", xnnpack ? "xnnpack" : "cpu", HostBench.run(tflite, options)));
        out.printf("%s: %s%n", model, rows.where);
        return rows;
    }

    private BenchRows deviceRows(PrintWriter out, Path tflite) {
        DeviceBench.Options options = new DeviceBench.Options(delegates, threads, runs, warmup, minSecs,
                Duration.ofMillis((long) (timeoutSecs * 1000)), keep, benchmarkBinary, profileOps);
        return DeviceBenchRows.run(out, model, tflite, AdbClient.locate(adb, environment.get()), device, options,
                progress());
    }

    private BenchRows qnnRows(PrintWriter out) {
        QnnBenchModel m = QnnBenchModel.read(model);
        QnnDeviceBench.Options options = new QnnDeviceBench.Options(QnnSdkFiles.find(qnnSdk, m.name()), m.inputs(),
                htpArch == null ? null : HtpArch.parse(htpArch), runs, seed, Duration.ofMillis((long) (timeoutSecs * 1000)),
                keep);
        return QnnBenchRows.run(out, model, AdbClient.locate(adb, environment.get()), device, options, progress());
    }

    private void checkArguments() {
        CommandLine cl = spec.commandLine();
        if (device == null && !host) {
            String serial = environment.get().get("ANDROID_SERIAL");
            device = serial == null || serial.isBlank() ? null : serial;
        }
        if (host && device != null) {
            throw new CommandLine.ParameterException(cl, "--host and --device " + device + ": give one of them");
        }
        if (!host && device == null) {
            throw new CommandLine.ParameterException(cl, "say where to run: --host (TFLite in this process) or"
                    + " --device SERIAL|all (a phone over adb; or set $ANDROID_SERIAL)");
        }
        if (qnnSdk != null || htpArch != null) {
            checkQnnArguments(cl);
        }
        if (host && profileOps) {
            throw new CommandLine.ParameterException(cl, "--profile-ops goes with --device (benchmark_model's op"
                    + " profiler); the in-process interpreter here has none");
        }
        if (host && (delegate != null || benchmarkBinary != null || adb != null || keep)) {
            throw new CommandLine.ParameterException(cl, "--delegate, --benchmark-binary, --adb and --keep go with --device;"
                    + " with --host use --xnnpack or --no-xnnpack");
        }
        if (!host) {
            delegates = qnnSdk != null ? List.of("htp")
                    : DeviceBench.parseDelegates(delegate == null ? "xnnpack" : delegate);
            if (delegates == null || delegates.isEmpty()) {
                throw new CommandLine.ParameterException(cl, "--delegate " + delegate + ": give cpu, xnnpack, gpu, nnapi,"
                        + " nnapi:ACCELERATOR or all (comma-separated for several)");
            }
            if (!(timeoutSecs > 0)) {
                throw new CommandLine.ParameterException(cl, "--timeout " + timeoutSecs + ": give seconds above 0");
            }
            if (benchmarkBinary != null && !Files.isRegularFile(benchmarkBinary)) {
                throw new ModelException(benchmarkBinary + ": --benchmark-binary names no file; give the path of TFLite's"
                        + " benchmark_model built for the device");
            }
        }
        String bad = threads < 1 ? "--threads " + threads + ": give 1 or more"
                : runs < 1 ? "--runs " + runs + ": give 1 or more"
                : warmup < 0 ? "--warmup " + warmup + ": give 0 or more"
                : !(minSecs >= 0) ? "--min-secs " + minSecs + ": give 0 or more seconds"
                : maxLatencyMs != null && !(maxLatencyMs > 0) ? "--max-latency-ms " + maxLatencyMs + ": give a latency above 0"
                : null;
        if (bad != null) {
            throw new CommandLine.ParameterException(cl, bad);
        }
        if (!htmlFrom.isEmpty() && html == null) {
            throw new CommandLine.ParameterException(cl, "--html-from draws earlier results on the page of --html FILE;"
                    + " give --html too");
        }
        if (psnr != null && !Double.isFinite(psnr)) {
            throw new CommandLine.ParameterException(cl, "--psnr " + psnr + ": give the PSNR in dB as a number");
        }
        if (psnr != null && psnrFrom != null) {
            throw new CommandLine.ParameterException(cl, "--psnr and --psnr-from: give one of them");
        }
        if (psnrFrom != null) {
            ReportFidelity f = ReportFidelity.read(psnrFrom, qnnSdk != null);
            psnr = f.psnrDb();
            psnrSource = f.source() + ", from " + psnrFrom;
        }
    }

    /** --qnn-sdk runs out/NAME on a device's HTP: TFLite's delegate, binary and profiler options do not apply. */
    private void checkQnnArguments(CommandLine cl) {
        if (qnnSdk == null) {
            throw new CommandLine.ParameterException(cl, "--htp-arch goes with --qnn-sdk DIR");
        }
        if (host) {
            throw new CommandLine.ParameterException(cl, "--qnn-sdk runs qnn-net-run on a phone: give --device SERIAL,"
                    + " not --host");
        }
        CommandLine.ParseResult parsed = cl.getParseResult();
        boolean tfliteTiming = java.util.stream.Stream.of("--threads", "--warmup", "--min-secs", "--xnnpack")
                .anyMatch(parsed::hasMatchedOption);
        if (delegate != null || benchmarkBinary != null || profileOps || tfliteTiming) {
            throw new CommandLine.ParameterException(cl, "--delegate, --benchmark-binary, --profile-ops, --threads,"
                    + " --warmup, --min-secs and --xnnpack are TFLite's; with --qnn-sdk the model runs on the HTP with"
                    + " qnn-net-run (--runs sets its --num_inferences)");
        }
        if (htpArch != null && HtpArch.parse(htpArch) == null) {
            throw new CommandLine.ParameterException(cl, "--htp-arch " + htpArch + ": give vNN, e.g. v73");
        }
    }

    /**
     * True for an ONNX model (converted first; by name, or by its first bytes when the name says
     * neither); convert's options are refused with a .tflite one. A missing, empty or corrupt file
     * fails later, in the reader of its kind, with its name.
     */
    private boolean checkModel() throws IOException {
        String name = model.getFileName() == null ? "" : model.getFileName().toString().toLowerCase(Locale.ROOT);
        boolean onnx = name.endsWith(".onnx");
        if (!onnx && Files.isRegularFile(model) && !name.endsWith(".tflite")) {
            byte[] head = ModelFiles.head(model);
            onnx = !ModelFiles.isTflite(head) && ModelFiles.looksLikeOnnx(head);
        }
        if (!onnx && (precision != null || !calibration.isEmpty() || bayer != null || !inputShapes.isEmpty())) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--precision, --calibration, --bayer and"
                    + " --input-shape convert an .onnx MODEL first; " + model + " is not one");
        }
        return onnx;
    }

    /**
     * Runs that failed side by side with others (a delegate a device could not run, a device that
     * failed), as one line; null if none.
     */
    private String failedRuns(BenchRows bench) {
        List<String> failed = bench.rows.stream().map(bench.failureOf::get).filter(java.util.Objects::nonNull).toList();
        boolean delegateFailed = bench.rows.stream()
                .anyMatch(r -> bench.failureOf.containsKey(r) && !bench.failedDevices.contains(r));
        return failed.isEmpty() ? null : model + ": " + String.join("; ", failed) + "; the other rows are above"
                + (delegateFailed ? "; run that delegate alone with --keep to look into it" : "");
    }

    private Double score(BenchRun r) {
        if (psnr == null || r.result().typicalMs() == null) {
            return null;
        }
        return MaiScore.score(psnr, r.result().typicalMs() / 1000);
    }


    private Map<String, Object> flags() {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("host", host);
        f.put("device", device);
        f.put("delegates", delegates);
        f.put("qnn_sdk", qnnSdk == null ? null : qnnSdk.toString());
        f.put("htp_arch", htpArch);
        f.put("benchmark_binary", benchmarkBinary == null ? null : benchmarkBinary.toString());
        f.put("timeout_s", host ? null : timeoutSecs);
        f.put("keep", keep);
        f.put("require_full_delegation", requireFullDelegation);
        f.put("profile_ops", profileOps);
        f.put("threads", threads);
        f.put("xnnpack", xnnpack);
        f.put("runs", runs);
        f.put("warmup", warmup);
        f.put("min_secs", minSecs);
        f.put("seed", seed);
        f.put("max_latency_ms", maxLatencyMs);
        f.put("psnr_db", psnr);
        f.put("psnr_from", psnrFrom == null ? null : psnrFrom.toString());
        f.put("html", html == null ? null : html.toString());
        return f;
    }

    private static Map<String, Object> hostFacts() {
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        h.put("arch", System.getProperty("os.arch"));
        h.put("processors", Runtime.getRuntime().availableProcessors());
        h.put("java", System.getProperty("java.version"));
        return h;
    }
}
