package isptool.backends.bench.adb;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;
import java.util.OptionalInt;

/**
 * The real adb client with a private server for one test class: a free port (never 5037, so a
 * developer's own server is untouched), HOME in a scratch folder (adb writes its key there), and
 * {@code kill-server} when the class ends. A machine without adb fails the tests: CI installs it.
 */
public final class AdbServerForTests {
    private AdbServerForTests() {
    }

    public static AdbClient start(Path home) {
        Path adb = AdbClient.onPath("adb", System.getenv().getOrDefault("PATH", ""));
        if (adb == null) {
            fail("the adb tests need the real adb client on PATH: apt-get install -y adb (.ci/run installs it)");
        }
        AdbClient client = new AdbClient(adb, OptionalInt.of(freePort()), Map.of("HOME", home.toString()));
        client.startServer();
        return client;
    }

    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
