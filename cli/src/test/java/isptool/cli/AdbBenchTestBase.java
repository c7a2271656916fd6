package isptool.cli;

import isptool.backends.bench.adb.DeviceStandIn;
import isptool.backends.bench.adb.RealAdbTestBase;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

/**
 * {@code bench --device} tests: the private adb server of {@link RealAdbTestBase}, with
 * {@link BenchCommand} pointed at it ({@code ANDROID_ADB_SERVER_PORT}); stand-ins disconnected
 * after each test, so {@code --device all} sees only its own.
 */
abstract class AdbBenchTestBase extends RealAdbTestBase {
    @BeforeAll
    static void pointBenchAtTheServer() {
        BenchCommand.environment = () -> Map.of("PATH", System.getenv().getOrDefault("PATH", ""),
                "ANDROID_ADB_SERVER_PORT", Integer.toString(adb.serverPort().getAsInt()));
    }

    @AfterAll
    static void restoreEnvironment() {
        BenchCommand.environment = System::getenv;
    }

    @AfterEach
    void disconnectAll() {
        adb.run(Duration.ofSeconds(20), "disconnect");
    }

    /** A phone with {@code benchmark} installed as /data/local/tmp/benchmark_model. */
    DeviceStandIn phone(String name, Path benchmark) throws IOException {
        DeviceStandIn phone = new DeviceStandIn(dir.resolve(name)).start(0);
        Path installed = phone.onPhone("/data/local/tmp/benchmark_model");
        Files.copy(benchmark, installed);
        Files.setPosixFilePermissions(installed, PosixFilePermissions.fromString("rwxr-xr-x"));
        return phone;
    }

    static String serial(DeviceStandIn phone) {
        return "127.0.0.1:" + phone.port();
    }

    /** A benchmark_model log of the backends' test resources (bench/NAME). */
    static String fixture(String name) throws IOException {
        try (InputStream in = AdbBenchTestBase.class.getResourceAsStream("/bench/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
