package isptool.cli;

import isptool.backends.bench.BenchRun;
import isptool.backends.bench.adb.AdbClient;
import isptool.backends.bench.adb.DeviceException;
import isptool.backends.bench.adb.QnnDeviceBench;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * {@code bench --qnn-sdk}: qnn-net-run on every named device's HTP ({@link QnnDeviceBench}), one
 * line of facts and one of the profile's figures each, then their rows; failures as in
 * {@link DeviceBenchRows}.
 */
final class QnnBenchRows {
    private QnnBenchRows() {
    }

    static BenchRows run(PrintWriter out, Path model, AdbClient client, String device, QnnDeviceBench.Options options,
            Consumer<String> progress) {
        List<DeviceRuns.Outcome<QnnDeviceBench.Result>> outcomes = DeviceRuns.run(client, device,
                d -> QnnDeviceBench.run(d, options, progress));
        for (DeviceRuns.Outcome<QnnDeviceBench.Result> o : outcomes) {
            if (o.failure() != null && !(o.failure() instanceof DeviceException)) {
                throw o.failure();
            }
        }
        BenchRows rows = new BenchRows("qnn-net-run on the HTP of " + BenchRows.devices(outcomes.size()) + " over adb");
        for (DeviceRuns.Outcome<QnnDeviceBench.Result> o : outcomes) {
            if (o.failure() != null) {
                rows.failedDevice(out, model, o.serial(), "htp", o.failure().getMessage());
                continue;
            }
            QnnDeviceBench.Result r = o.result();
            var f = r.facts();
            out.printf(Locale.ROOT, "%s: %s (%s, %s, Android SDK %d, %s), HTP %s, qnn-net-run %s %s in %.1f s%n", model,
                    f.serial(), f.model(), f.soc(), f.sdk(), f.abi(), r.htpArch(),
                    options.sdk().context() ? "--retrieve_context" : "--model", options.sdk().model().getFileName(),
                    r.seconds());
            var p = r.profile();
            out.printf(Locale.ROOT, "  qnn-profile-viewer: NetRun %s ms per inference, accelerator execute %s, %s IPS%n",
                    BenchTable.ms(p.netRunUs() / 1000), p.onHtp() ? BenchTable.ms(p.acceleratorUs() / 1000) + " ms"
                            : "none (the graph did not run on the HTP)", p.ips() == null ? "-" : BenchTable.ms(p.ips()));
            Map<String, Object> facts = BenchRows.facts(f, r.seconds());
            facts.put("htp_arch", r.htpArch());
            rows.devices.put(f.serial(), facts);
            BenchRun run = r.row().run();
            rows.add(run, r.row().commandLine());
            rows.qnnProfiles.put(run, p.toJson());
        }
        return rows;
    }
}
