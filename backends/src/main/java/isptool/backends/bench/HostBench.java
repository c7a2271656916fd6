package isptool.backends.bench;

import isptool.backends.tflite.TfliteModel;
import isptool.backends.tflite.TfliteRunner;
import isptool.graph.Tensor;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code bench --host}: a .tflite model in TFLite's interpreter in this process, timed the way
 * benchmark_model times it: init (build the interpreter, apply XNNPACK, allocate), the first
 * inference, warm-up runs (at least {@code warmupRuns} and {@code warmupMinSecs}), then at least
 * {@code runs} runs and {@code minSecs} seconds, stopping after {@code maxSecs}. Only
 * {@code Invoke} is timed; the seeded random inputs are written once before.
 */
public final class HostBench {
    /** How to run; threads 0 = one per processor. */
    public record Options(boolean xnnpack, int threads, int warmupRuns, double warmupMinSecs, int runs, double minSecs,
            double maxSecs, long seed) {
        public static final Options DEFAULT = new Options(true, 1, 1, 0.5, 50, 1, 150, 0);

        public Options {
            if (threads < 0 || warmupRuns < 0 || runs < 1 || minSecs < 0 || warmupMinSecs < 0 || !(maxSecs > 0)) {
                throw new IllegalArgumentException("threads " + threads + ", warm-up runs " + warmupRuns + ", runs " + runs
                        + ", min secs " + minSecs + ", max secs " + maxSecs);
            }
        }

        public Options with(boolean xnnpackOn, int threadCount) {
            return new Options(xnnpackOn, threadCount, warmupRuns, warmupMinSecs, runs, minSecs, maxSecs, seed);
        }

        public Options withRuns(int warmup, int timed, double warmupSecs, double secs) {
            return new Options(xnnpack, threads, warmup, warmupSecs, timed, secs, maxSecs, seed);
        }
    }

    private HostBench() {
    }

    public static BenchResult run(Path model, Options o) {
        double rssStart = procStatusMb("VmRSS");
        long t0 = System.nanoTime();
        try (TfliteRunner runner = TfliteRunner.open(model, new TfliteRunner.Options(o.xnnpack(), o.threads()))) {
            Map<String, Tensor> feed = HostInputs.random(model.toString(), runner.model().inputs(), o.seed());
            runner.setInputs(feed);
            double initUs = micros(System.nanoTime() - t0);
            double rssInit = procStatusMb("VmRSS");

            long f0 = System.nanoTime();
            runner.invoke();
            double firstUs = micros(System.nanoTime() - f0);

            BenchStats warmup = BenchStats.of(timed(runner, o.warmupRuns(), o.warmupMinSecs(), o.maxSecs()));
            BenchStats inference = BenchStats.of(timed(runner, o.runs(), o.minSecs(), o.maxSecs()));

            BenchMemory memory = new BenchMemory(BenchMemory.Wording.DELTA, delta(rssInit, rssStart),
                    delta(procStatusMb("VmRSS"), rssStart), nanToNull(procStatusMb("VmHWM")), peakHeapMb());
            return new BenchResult(ToolEra.HOST, flags(model, o), Files.size(model) / (1024.0 * 1024), initUs, firstUs, warmup,
                    inference, memory, o.xnnpack() ? List.of("XNNPACK") : List.of(),
                    o.xnnpack() ? outcomes(runner) : List.of(), partitions(runner), List.of(), List.of(), null, List.of());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Runs until both at least {@code count} runs and {@code minSecs} have passed, or {@code maxSecs}; times in us. */
    private static double[] timed(TfliteRunner runner, int count, double minSecs, double maxSecs) {
        List<Double> us = new ArrayList<>();
        long start = System.nanoTime();
        while (true) {
            double elapsed = (System.nanoTime() - start) / 1e9;
            if (elapsed >= maxSecs || us.size() >= count && elapsed >= minSecs) {
                break;
            }
            if (count == 0 && minSecs == 0) {
                break;
            }
            long r0 = System.nanoTime();
            runner.invoke();
            us.add(micros(System.nanoTime() - r0));
        }
        return us.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static Map<String, String> flags(Path model, Options o) {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("Graph", model.toString());
        f.put("Num threads", Integer.toString(o.threads() == 0 ? Runtime.getRuntime().availableProcessors() : o.threads()));
        f.put("Use xnnpack", Boolean.toString(o.xnnpack()));
        f.put("Min num runs", Integer.toString(o.runs()));
        f.put("Min runs duration (seconds)", Double.toString(o.minSecs()));
        f.put("Max runs duration (seconds)", Double.toString(o.maxSecs()));
        f.put("Min warmup runs", Integer.toString(o.warmupRuns()));
        f.put("Min warmup runs duration (seconds)", Double.toString(o.warmupMinSecs()));
        f.put("Input seed", Long.toString(o.seed()));
        return f;
    }

    private static List<DelegateOutcome> outcomes(TfliteRunner runner) {
        int ops = runner.model().operators().size();
        int taken = runner.delegatedOperatorCount();
        if (ops == 0 || taken < 0) {
            return List.of();
        }
        DelegateOutcome.Kind kind = taken == ops ? DelegateOutcome.Kind.FULL
                : taken == 0 ? DelegateOutcome.Kind.NONE : DelegateOutcome.Kind.PARTIAL;
        return List.of(new DelegateOutcome("XNNPACK", kind, null));
    }

    private static List<Partitioning> partitions(TfliteRunner runner) {
        int taken = runner.delegatedOperatorCount();
        return taken == 0 ? List.of()
                : List.of(new Partitioning(taken, runner.model().operators().size(), "TfLiteXNNPackDelegate", null, 0));
    }

    private static double micros(long nanos) {
        return nanos / 1e3;
    }

    private static Double delta(double now, double start) {
        return Double.isNaN(now) || Double.isNaN(start) ? null : now - start;
    }

    private static Double nanToNull(double d) {
        return Double.isNaN(d) ? null : d;
    }

    /** A {@code VmRSS}/{@code VmHWM} line of /proc/self/status in MB; NaN where there is no /proc (not Linux). */
    static double procStatusMb(String key) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(key + ":")) {
                    String kb = line.substring(key.length() + 1).strip().split("\\s+")[0];
                    return Long.parseLong(kb) / 1024.0;
                }
            }
        } catch (IOException | RuntimeException e) {
            // no /proc: the figure is missing
        }
        return Double.NaN;
    }

    /** The sum of each heap pool's peak: an upper bound of the Java heap's peak, in MB. */
    private static double peakHeapMb() {
        long sum = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
                sum += pool.getPeakUsage().getUsed();
            }
        }
        return sum / (1024.0 * 1024);
    }
}
