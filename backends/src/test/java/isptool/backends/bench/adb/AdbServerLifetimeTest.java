package isptool.backends.bench.adb;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A timed-out adb command is stopped alone: the server it started serves the other devices. */
class AdbServerLifetimeTest {
    @TempDir
    Path home;

    @Test
    void timeoutOfTheCommandThatStartedTheServerLeavesTheServerRunning() throws Exception {
        AdbClient adb = AdbServerForTests.start(home);
        try {
            adb.killServer();
            AdbClient.Result r = adb.run(Duration.ofSeconds(3), "-s", "127.0.0.1:1", "wait-for-device");
            assertTrue(r.timedOut());
            try (Socket server = new Socket(InetAddress.getLoopbackAddress(), adb.serverPort().getAsInt())) {
                assertTrue(server.isConnected(), "the adb server still listens");
            }
        } finally {
            adb.killServer();
        }
    }
}
