package isptool.cli;

import isptool.backends.bench.BenchRun;
import isptool.backends.bench.HostBench;
import isptool.backends.bench.MaiScore;
import isptool.graph.ModelException;
import isptool.graph.io.AtomicFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code isptool bench MODEL.tflite --host}: latency in TFLite's interpreter in this process, with
 * the statistics benchmark_model prints, as a table, as JSON, and as CI gates (exit 5). The phone
 * side ({@code --device}) will produce the same {@link BenchRun} rows from benchmark_model's output
 * over adb; until it lands, {@code --device} is refused.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measures a .tflite model's latency: --host runs it in TFLite's interpreter in this process"
                + " (init, first inference, warm-up, median, p5/p95, mean, std, peak memory).")
final class BenchCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL", description = "A .tflite model.")
    Path model;

    @Option(names = "--host", description = "Run in TFLite's interpreter in this process.")
    boolean host;

    @Option(names = "--device", paramLabel = "SERIAL", description = "Run on a phone over adb (not yet available).")
    String device;

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

    @Option(names = "--max-latency-ms", paramLabel = "X", description = "Exit 5 when a median is above X ms (a CI gate).")
    Double maxLatencyMs;

    @Option(names = "--psnr", paramLabel = "DB", description = "The model's fidelity in dB: print the MAI 2021 score.")
    Double psnr;

    @Option(names = {"-v", "--verbose"}, description = "Print stack traces of errors.")
    boolean verbose;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        checkArguments();
        checkModel();
        if (json != null) {
            if (Files.exists(json) && Files.isSameFile(json, model)) {
                throw new ModelException(json + ": --json names the input model, which would be overwritten; write to another file");
            }
            AtomicFiles.checkWritable(json);
        }
        long t0 = System.nanoTime();
        HostBench.Options options = new HostBench.Options(xnnpack, threads, warmup, HostBench.Options.DEFAULT.warmupMinSecs(),
                runs, minSecs, HostBench.Options.DEFAULT.maxSecs(), seed);
        List<BenchRun> rows = List.of(new BenchRun("host", xnnpack ? "xnnpack" : "cpu", HostBench.run(model, options)));

        PrintWriter out = spec.commandLine().getOut();
        out.printf("%s: host (TFLite interpreter in-process, %d thread%s, %s)%n", model, threads, threads == 1 ? "" : "s",
                xnnpack ? "XNNPACK" : "builtin kernels");
        BenchTable.print(out, rows);
        List<Object> runJson = new ArrayList<>();
        for (BenchRun r : rows) {
            Map<String, Object> j = r.toJson();
            Double score = score(r);
            if (score != null) {
                out.printf(Locale.ROOT, "  MAI 2021 score %s/%s: %.2f (PSNR %.2f dB, runtime %s ms)%n", r.target(),
                        r.delegate(), score, psnr, BenchTable.ms(r.result().typicalMs()));
                j.put("mai_score", score);
            }
            runJson.add(j);
        }
        String gateFailure = gate(rows);
        out.flush();
        if (json != null) {
            Map<String, Object> report = new LinkedHashMap<>();
            report.put("command", "bench");
            report.put("input", model.toString());
            report.put("flags", flags());
            report.put("host", hostFacts());
            report.put("runs", runJson);
            Map<String, Object> g = new LinkedHashMap<>();
            g.put("max_latency_ms", maxLatencyMs);
            g.put("passed", gateFailure == null);
            report.put("gate", g);
            report.put("seconds", (System.nanoTime() - t0) / 1e9);
            Reports.writeJson(json, report);
        }
        if (gateFailure != null) {
            PrintWriter err = spec.commandLine().getErr();
            err.println("isptool: " + gateFailure);
            err.flush();
            return Main.EXIT_GATE;
        }
        return 0;
    }

    private void checkArguments() {
        CommandLine cl = spec.commandLine();
        if (device != null) {
            throw new CommandLine.ParameterException(cl, "--device " + device + ": benchmarking on a phone over adb is not yet"
                    + " available in this build; use --host for now");
        }
        if (!host) {
            throw new CommandLine.ParameterException(cl, "say where to run: --host (TFLite in this process)");
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
        if (psnr != null && !Double.isFinite(psnr)) {
            throw new CommandLine.ParameterException(cl, "--psnr " + psnr + ": give the PSNR in dB as a number");
        }
    }

    /** An ONNX model is refused with what to do; a missing, empty or corrupt file fails in TFLite's reader with its name. */
    private void checkModel() throws IOException {
        String name = model.getFileName() == null ? "" : model.getFileName().toString().toLowerCase(Locale.ROOT);
        boolean onnx = name.endsWith(".onnx");
        if (!onnx && Files.isRegularFile(model) && !name.endsWith(".tflite")) {
            try (InputStream in = Files.newInputStream(model)) {
                byte[] head = in.readNBytes(8);
                onnx = head.length == 8 && !new String(head, 4, 4, StandardCharsets.US_ASCII).equals("TFL3") && head[0] == 0x08;
            }
        }
        if (onnx) {
            throw new ModelException(model + ": an ONNX model; bench takes a .tflite file: convert it first"
                    + " (isptool convert " + model + " -o MODEL.tflite)");
        }
    }

    private Double score(BenchRun r) {
        if (psnr == null || r.result().typicalMs() == null) {
            return null;
        }
        return MaiScore.score(psnr, r.result().typicalMs() / 1000);
    }

    /** The first row whose median is above --max-latency-ms, as the line to print; null when all pass. */
    private String gate(List<BenchRun> rows) {
        if (maxLatencyMs == null) {
            return null;
        }
        for (BenchRun r : rows) {
            Double ms = r.result().typicalMs();
            if (ms != null && ms > maxLatencyMs) {
                return String.format(Locale.ROOT, "%s: median latency %s ms on %s/%s is above --max-latency-ms %s;"
                        + " make the model lighter or raise the limit", model, BenchTable.ms(ms), r.target(), r.delegate(),
                        plain(maxLatencyMs));
            }
        }
        return null;
    }

    private Map<String, Object> flags() {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("host", host);
        f.put("threads", threads);
        f.put("xnnpack", xnnpack);
        f.put("runs", runs);
        f.put("warmup", warmup);
        f.put("min_secs", minSecs);
        f.put("seed", seed);
        f.put("max_latency_ms", maxLatencyMs);
        f.put("psnr_db", psnr);
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

    /** A limit as the user wrote it (0.000001, not 1.0E-6). */
    private static String plain(double d) {
        return new java.math.BigDecimal(Double.toString(d)).stripTrailingZeros().toPlainString();
    }
}
