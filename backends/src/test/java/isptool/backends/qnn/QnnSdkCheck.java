package isptool.backends.qnn;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The compile and link checks of emitted QNN files without the SDK (QNN.md sec. 7), against the
 * project's own declarations (test resource qnn-sdk-stub): {@code g++ -fsyntax-only -std=gnu++11}
 * of NAME.cpp; then, as the SDK's model-library Makefile does, NAME.bin unpacked into
 * obj/binary/, each member made an object by objcopy (run from the folder, so its symbols are
 * {@code _binary_obj_binary_<name>_raw_start/_end}), and NAME.cpp linked with them and the stub
 * into a shared library with {@code -Wl,--no-undefined}. Missing tools fail the test with a message.
 */
final class QnnSdkCheck {
    record Result(int exit, String output) {
        boolean ok() {
            return exit == 0;
        }
    }

    private QnnSdkCheck() {
    }

    static Path stub() {
        try {
            return Path.of(QnnSdkCheck.class.getResource("/qnn-sdk-stub/stub.cpp").toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static void requireTools() {
        for (String tool : List.of("g++", "objcopy", "tar")) {
            boolean found = Stream.of(System.getenv("PATH").split(":")).anyMatch(d -> Files.isExecutable(Path.of(d, tool)));
            assertTrue(found, tool + " is not on PATH: the QNN compile/link checks need g++ and binutils"
                    + " (Debian: apt-get install g++ binutils)");
        }
    }

    static Result syntax(Path cpp) throws IOException, InterruptedException {
        requireTools();
        return run(cpp.getParent(), "g++", "-fsyntax-only", "-std=gnu++11", "-I", stub().resolve("include").toString(),
                cpp.getFileName().toString());
    }

    /** Unpacks NAME.bin in dir, objcopies its members (except those named in skip) and links NAME.cpp with them. */
    static Result link(Path dir, String name, String... skip) throws IOException, InterruptedException {
        requireTools();
        Path bin = dir.resolve("obj/binary");
        Files.createDirectories(bin);
        Result untar = run(dir, "tar", "-xf", name + ".bin", "-C", "obj/binary");
        if (!untar.ok()) {
            return untar;
        }
        List<String> cmd = new ArrayList<>(List.of("g++", "-std=gnu++11", "-fPIC", "-shared", "-Wl,--no-undefined",
                "-I", stub().resolve("include").toString(), name + ".cpp", stub().resolve("stub.cpp").toString(),
                "-o", "lib" + name + ".so"));
        try (Stream<Path> members = Files.list(bin)) {
            for (Path raw : members.filter(p -> p.toString().endsWith(".raw")).sorted().toList()) {
                String stem = raw.getFileName().toString().replaceAll("\\.raw$", "");
                if (List.of(skip).contains(stem)) {
                    continue;
                }
                String obj = "obj/binary/" + stem + ".o";
                Result r = run(dir, "objcopy", "-I", "binary", "-O", "elf64-x86-64", "-B", "i386:x86-64",
                        "obj/binary/" + raw.getFileName(), obj);
                if (!r.ok()) {
                    return r;
                }
                cmd.add(obj);
            }
        }
        return run(dir, cmd.toArray(String[]::new));
    }

    static Result run(Path dir, String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Result(p.waitFor(), out);
    }
}
