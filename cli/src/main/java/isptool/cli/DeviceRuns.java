package isptool.cli;

import isptool.backends.bench.adb.AdbClient;
import isptool.backends.bench.adb.AdbDevice;
import isptool.backends.bench.adb.AttachedDevice;
import isptool.backends.bench.adb.DeviceBench;
import isptool.backends.bench.adb.DeviceException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * {@code bench --device SERIAL|S1,S2|all}: which devices, reached how ({@code HOST:PORT} serials
 * are {@code adb connect}ed first), and one {@link DeviceBench} per device, concurrently. With one
 * device its failure is thrown; with several, a device that fails (dropped off, no space, no
 * benchmark_model) is an outcome beside the others' results, after every device has finished and
 * cleaned up.
 */
final class DeviceRuns {
    /** One device's bench: its result, or the failure that ended it (then result is null). */
    record Outcome<R>(String serial, R result, RuntimeException failure) {
    }

    private static final Pattern HOST_PORT = Pattern.compile("[^\\s:]+:\\d+");

    private DeviceRuns() {
    }

    static List<Outcome<DeviceBench.Result>> run(AdbClient adb, String deviceSpec, Path model, DeviceBench.Options options,
            Consumer<String> progress) {
        return run(adb, deviceSpec, device -> DeviceBench.run(device, model, options, progress));
    }

    /** {@code bench} runs {@code bench} on every device of the spec (a TFLite or a QNN bench). */
    static <R> List<Outcome<R>> run(AdbClient adb, String deviceSpec, Function<AdbDevice, R> bench) {
        List<String> serials = serials(adb, deviceSpec);
        if (serials.size() == 1) {
            return List.of(new Outcome<>(serials.get(0), bench.apply(adb.device(serials.get(0))), null));
        }
        ExecutorService pool = Executors.newFixedThreadPool(serials.size(), r -> {
            Thread t = new Thread(r, "isptool-device");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<R>> futures = new ArrayList<>();
            for (String serial : serials) {
                futures.add(pool.submit(() -> bench.apply(adb.device(serial))));
            }
            List<Outcome<R>> results = new ArrayList<>();
            for (int i = 0; i < futures.size(); i++) {
                try {
                    results.add(new Outcome<>(serials.get(i), futures.get(i).get(), null));
                } catch (ExecutionException e) {
                    RuntimeException failure = e.getCause() instanceof RuntimeException re ? re
                            : new DeviceException(String.valueOf(e.getCause().getMessage()), e.getCause());
                    results.add(new Outcome<>(serials.get(i), null, failure));
                }
            }
            return results;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DeviceException("interrupted while benchmarking on " + String.join(", ", serials), e);
        } finally {
            pool.shutdownNow();
        }
    }

    /** The serials to run on: {@code all} = every device in state {@code device}; HOST:PORT ones connected first. */
    static List<String> serials(AdbClient adb, String spec) {
        if (spec.strip().equals("all")) {
            List<String> ready = adb.devices().stream().filter(AttachedDevice::ready).map(AttachedDevice::serial).toList();
            if (ready.isEmpty()) {
                throw new DeviceException("--device all: no device in state 'device' (see 'adb devices -l'); plug one in"
                        + " and accept its debugging dialog, or run 'adb connect HOST:PORT'");
            }
            return ready;
        }
        Set<String> serials = new LinkedHashSet<>();
        for (String s : spec.split(",")) {
            if (!s.isBlank()) {
                serials.add(s.strip());
            }
        }
        List<String> listed = null;
        for (String serial : serials) {
            if (HOST_PORT.matcher(serial).matches()) {
                if (listed == null) {
                    listed = adb.devices().stream().map(AttachedDevice::serial).toList();
                }
                if (!listed.contains(serial)) {
                    adb.connect(serial);
                }
            }
        }
        return List.copyOf(serials);
    }
}
