package isptool.cli;

import isptool.backends.bench.BenchResult;
import isptool.backends.bench.BenchRun;
import isptool.backends.bench.adb.DeviceFacts;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The rows of one bench (host, devices over adb, or QNN on devices) and what the command reports
 * beside them: how the model ran, the devices' facts for the JSON, a row's failure, command line
 * and QNN profile, and which rows are whole devices that failed.
 */
final class BenchRows {
    final List<BenchRun> rows = new ArrayList<>();
    /** Device facts (or failure) by serial, for the JSON's "devices". */
    final Map<String, Object> devices = new LinkedHashMap<>();
    final Map<BenchRun, String> failureOf = new IdentityHashMap<>();
    final Map<BenchRun, String> commandLines = new IdentityHashMap<>();
    final Map<BenchRun, Map<String, Object>> qnnProfiles = new IdentityHashMap<>();
    final Set<BenchRun> failedDevices = Collections.newSetFromMap(new IdentityHashMap<>());
    /** How the model ran, e.g. "benchmark_model on 2 devices over adb, 1 thread". */
    final String where;

    BenchRows(String where) {
        this.where = where;
    }

    /** A device that failed beside others: its line, its JSON and a row without result. */
    void failedDevice(PrintWriter out, Path model, String serial, String delegates, String why) {
        out.printf("%s: %s: no result: %s%n", model, serial, why);
        devices.put(serial, Map.of("failure", why));
        BenchRun failed = new BenchRun(serial, delegates, BenchResult.failed(why));
        failureOf.put(failed, why);
        failedDevices.add(failed);
        rows.add(failed);
    }

    /** A run with the command line that made it. */
    void add(BenchRun run, String commandLine) {
        rows.add(run);
        commandLines.put(run, commandLine);
    }

    /** A device's facts for the JSON: model, SoC, SDK, ABI and the seconds its runs took. */
    static Map<String, Object> facts(DeviceFacts f, double seconds) {
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("model", f.model());
        facts.put("soc", f.soc());
        facts.put("sdk", f.sdk());
        facts.put("abi", f.abi());
        facts.put("seconds", seconds);
        return facts;
    }

    /** "N device(s)". */
    static String devices(int n) {
        return n + (n == 1 ? " device" : " devices");
    }
}
