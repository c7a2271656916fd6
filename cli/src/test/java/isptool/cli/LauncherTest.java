package isptool.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ./isptool launcher on a machine without what it needs: the exact install line, not a shell error. */
class LauncherTest {
    @TempDir
    Path tmp;

    private record Result(int status, String err) {
    }

    /** Runs the launcher with PATH holding only the given folder. */
    private Result launch(Path bin) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder("/bin/bash", TestFiles.root().resolve("isptool").toString(), "--version");
        Map<String, String> env = pb.environment();
        env.clear();
        env.put("PATH", bin.toString());
        pb.redirectErrorStream(false);
        Process p = pb.start();
        p.getOutputStream().close();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        return new Result(p.exitValue(), new String(p.getErrorStream().readAllBytes()).strip());
    }

    @Test
    void withoutJavaItSaysWhatToInstall() throws Exception {
        Path bin = Files.createDirectory(tmp.resolve("bin"));
        Result r = launch(bin);
        assertEquals(127, r.status());
        assertEquals("isptool: java not found; install a JDK 17 or later, e.g. on Debian/Ubuntu: sudo apt-get install"
                + " openjdk-17-jdk-headless", r.err());
    }

    @Test
    void anOldJavaIsNamedWithItsVersion() throws Exception {
        Path bin = Files.createDirectory(tmp.resolve("bin"));
        Path java = bin.resolve("java");
        Files.writeString(java, "#!/bin/bash\necho '    java.specification.version = 11' >&2\n");
        assertTrue(java.toFile().setExecutable(true));
        for (String tool : new String[] {"sed"}) {
            Files.createSymbolicLink(bin.resolve(tool), Path.of("/usr/bin", tool).toRealPath());
        }
        Result r = launch(bin);
        assertEquals(127, r.status());
        assertTrue(r.err().startsWith("isptool: java 11 found; isptool needs 17 or later"), r.err());
    }
}
