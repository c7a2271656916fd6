package isptool.cli;

import isptool.backends.bench.BenchRun;
import isptool.backends.bench.ProfileOrigins;
import isptool.backends.bench.adb.AdbClient;
import isptool.backends.bench.adb.DeviceBench;
import isptool.backends.bench.adb.DeviceException;
import isptool.backends.tflite.TfliteModel;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * {@code bench --device}: TFLite's benchmark_model on every named device (concurrently), one line
 * of facts each, then their rows in that order. Of several devices, one that failed is a row
 * without result (and exit 4 naming it); a failure that is not the device's (a bad
 * --benchmark-binary) ends the command. With --profile-ops, each op row names its ONNX node.
 */
final class DeviceBenchRows {
    private DeviceBenchRows() {
    }

    static BenchRows run(PrintWriter out, Path model, Path tflite, AdbClient client, String device,
            DeviceBench.Options options, Consumer<String> progress) {
        List<DeviceRuns.Outcome<DeviceBench.Result>> outcomes = DeviceRuns.run(client, device, tflite, options, progress);
        for (DeviceRuns.Outcome<DeviceBench.Result> o : outcomes) {
            if (o.failure() != null && !(o.failure() instanceof DeviceException)) {
                throw o.failure();
            }
        }
        int threads = options.threads();
        TfliteModel benched = options.profileOps() ? TfliteModel.open(tflite) : null;
        BenchRows rows = new BenchRows(String.format("benchmark_model on %s over adb, %d thread%s",
                BenchRows.devices(outcomes.size()), threads, threads == 1 ? "" : "s"));
        for (DeviceRuns.Outcome<DeviceBench.Result> o : outcomes) {
            if (o.failure() != null) {
                rows.failedDevice(out, model, o.serial(), String.join(",", options.delegates()), o.failure().getMessage());
                continue;
            }
            DeviceBench.Result r = o.result();
            var f = r.facts();
            out.printf(Locale.ROOT, "%s: %s (%s, %s, Android SDK %d, %s), %d thread%s, benchmark_model in %.1f s%n", model,
                    f.serial(), f.model(), f.soc(), f.sdk(), f.abi(), threads, threads == 1 ? "" : "s", r.seconds());
            List<String> accelerators = accelerators(r);
            if (!accelerators.isEmpty()) {
                out.printf("  NNAPI accelerators: %s%n", Escapes.visible(String.join(", ", accelerators)));
            }
            Map<String, Object> facts = BenchRows.facts(f, r.seconds());
            facts.put("nnapi_accelerators", accelerators.isEmpty() ? null : accelerators);
            rows.devices.put(f.serial(), facts);
            for (DeviceBench.Row row : r.rows()) {
                BenchRun run = row.run();
                if (benched != null) {
                    run = new BenchRun(run.target(), run.delegate(),
                            run.result().withOps(ProfileOrigins.attach(run.result().ops(), benched)));
                }
                if (row.failure() != null) {
                    rows.failureOf.put(run, row.failure());
                }
                rows.add(run, row.commandLine());
            }
        }
        return rows;
    }

    /** The NNAPI accelerators a device's runs reported (NNAPI runs print them), in the order seen. */
    private static List<String> accelerators(DeviceBench.Result r) {
        List<String> all = new ArrayList<>();
        for (DeviceBench.Row row : r.rows()) {
            row.run().result().nnapiAccelerators().stream().filter(a -> !all.contains(a)).forEach(all::add);
        }
        return all;
    }
}
