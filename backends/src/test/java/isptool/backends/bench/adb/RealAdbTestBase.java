package isptool.backends.bench.adb;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tests that drive the real adb client: one private adb server per test class (its HOME in a
 * scratch folder), killed after the class, and a fresh folder per test for stand-in phones.
 */
public abstract class RealAdbTestBase {
    @TempDir
    protected static Path scratch;
    protected static AdbClient adb;

    @TempDir
    protected Path dir;

    @BeforeAll
    public static void startAdb() {
        adb = AdbServerForTests.start(scratch);
    }

    @AfterAll
    public static void stopAdb() {
        if (adb != null) {
            adb.killServer();
        }
    }

    /** The stand-in, connected over loopback: its device handle. */
    static AdbDevice connect(DeviceStandIn phone) {
        return adb.device(adb.connect("127.0.0.1:" + phone.port()));
    }
}
