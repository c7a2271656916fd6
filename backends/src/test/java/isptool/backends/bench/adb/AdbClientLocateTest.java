package isptool.backends.bench.adb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which adb {@code bench} uses: {@code --adb}, then {@code $ADB}, then {@code $PATH}. */
class AdbClientLocateTest {
    @TempDir
    Path dir;

    private Path executable(String folder) throws IOException {
        Path file = Files.createDirectories(dir.resolve(folder)).resolve("adb");
        Files.writeString(file, "#!/bin/sh\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        return file;
    }

    @Test
    void flagBeatsEnvironmentWhichBeatsPath() throws IOException {
        Path flag = executable("flag");
        Path env = executable("env");
        Path onPath = executable("path");
        Map<String, String> all = Map.of("ADB", env.toString(), "PATH", "/nonexistent:" + onPath.getParent());
        assertEquals(flag, AdbClient.locate(flag, all).binary());
        assertEquals(env, AdbClient.locate(null, all).binary());
        assertEquals(onPath, AdbClient.locate(null, Map.of("PATH", "/nonexistent:" + onPath.getParent())).binary());
    }

    @Test
    void missingAdbSaysHowToGetIt() {
        DeviceException e = assertThrows(DeviceException.class,
                () -> AdbClient.locate(null, Map.of("PATH", dir.toString())));
        assertEquals("adb not found on $PATH: install it (Debian/Ubuntu: apt-get install adb; or Android SDK"
                + " platform-tools) or pass --adb PATH", e.getMessage());
        Path notExecutable = dir.resolve("adb.txt");
        DeviceException flag = assertThrows(DeviceException.class,
                () -> AdbClient.locate(notExecutable, Map.of()));
        assertTrue(flag.getMessage().startsWith("--adb names " + notExecutable + ", which is not an executable file"),
                flag.getMessage());
    }

    @Test
    void serverPortComesFromTheEnvironmentAndMustBeANumber() throws IOException {
        Path adb = executable("env");
        assertEquals(15037, AdbClient.locate(null, Map.of("ADB", adb.toString(), "ANDROID_ADB_SERVER_PORT", "15037"))
                .serverPort().getAsInt());
        assertTrue(AdbClient.locate(null, Map.of("ADB", adb.toString())).serverPort().isEmpty(), "adb's default");
        DeviceException e = assertThrows(DeviceException.class,
                () -> AdbClient.locate(null, Map.of("ADB", adb.toString(), "ANDROID_ADB_SERVER_PORT", "fast")));
        assertTrue(e.getMessage().startsWith("$ANDROID_ADB_SERVER_PORT is 'fast', not a port number"), e.getMessage());
    }

    @Test
    void featureListWithARepeatIsReadAsASet() throws IOException {
        Path fake = Files.createDirectories(dir.resolve("fake")).resolve("adb");
        Files.writeString(fake, "#!/bin/sh\nprintf 'shell_v2\\ncmd\\nshell_v2\\n'\n");
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwxr-xr-x"));
        AdbDevice device = new AdbDevice(new AdbClient(fake, java.util.OptionalInt.empty(), Map.of()), "X", "");
        assertEquals(java.util.Set.of("shell_v2", "cmd"), device.features());
        assertTrue(device.hasShellV2());
    }
}
