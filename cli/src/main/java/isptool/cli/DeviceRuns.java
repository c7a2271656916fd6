package isptool.cli;

import isptool.backends.bench.adb.AdbClient;
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
import java.util.regex.Pattern;

/**
 * {@code bench --device SERIAL|S1,S2|all}: which devices, reached how ({@code HOST:PORT} serials
 * are {@code adb connect}ed first), and one {@link DeviceBench} per device, concurrently. The first
 * failure (in the order the devices were named) is thrown after every device has finished and
 * cleaned up.
 */
final class DeviceRuns {
    private static final Pattern HOST_PORT = Pattern.compile("[^\\s:]+:\\d+");

    private DeviceRuns() {
    }

    static List<DeviceBench.Result> run(AdbClient adb, String deviceSpec, Path model, DeviceBench.Options options) {
        List<String> serials = serials(adb, deviceSpec);
        if (serials.size() == 1) {
            return List.of(DeviceBench.run(adb.device(serials.get(0)), model, options));
        }
        ExecutorService pool = Executors.newFixedThreadPool(serials.size(), r -> {
            Thread t = new Thread(r, "isptool-device");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<DeviceBench.Result>> futures = new ArrayList<>();
            for (String serial : serials) {
                futures.add(pool.submit(() -> DeviceBench.run(adb.device(serial), model, options)));
            }
            List<DeviceBench.Result> results = new ArrayList<>();
            RuntimeException first = null;
            for (Future<DeviceBench.Result> f : futures) {
                try {
                    results.add(f.get());
                } catch (ExecutionException e) {
                    if (first == null) {
                        first = e.getCause() instanceof RuntimeException re ? re
                                : new DeviceException(String.valueOf(e.getCause().getMessage()), e.getCause());
                    }
                }
            }
            if (first != null) {
                throw first;
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
