package isptool.cli;

import isptool.backends.bench.adb.RealAdbTestBase;
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
}
