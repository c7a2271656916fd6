package isptool.backends.bench.adb;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Collectors;

/**
 * A stand-in for the folder a user gives {@code bench --qnn-sdk}: the QNN SDK's tree
 * ({@code bin/aarch64-android}, {@code lib/aarch64-android}, {@code lib/hexagon-vNN/unsigned})
 * with placeholder libraries, a built model, and shell scripts playing {@code qnn-net-run} and
 * {@code qnn-profile-viewer} on the stand-in phone. The {@code qnn-net-run} script fails like a
 * real one when its environment or run folder lacks what QNN.md §8 says it needs, writes the
 * profiling log, and records its environment and arguments in {@code qnn-net-run.seen}; the viewer
 * prints a fixture of {@code /bench/qnn/} (written from QNN.md §8, not recorded from an SDK).
 */
public final class StandInQnnSdk {
    /** What qnn-net-run records in its run folder: env and arguments, one per line. */
    public static final String SEEN = "qnn-net-run.seen";

    private StandInQnnSdk() {
    }

    /** A fixture of {@code /bench/qnn/} without its {@code #} header. */
    public static String fixture(String name) throws IOException {
        try (InputStream in = StandInQnnSdk.class.getResourceAsStream("/bench/qnn/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().filter(l -> !l.startsWith("#"))
                    .collect(Collectors.joining("\n", "", "\n"));
        }
    }

    /**
     * An SDK folder for model {@code name} on HTP {@code arch} ({@code v73}): a context binary
     * {@code NAME.serialized.bin} ({@code context}) or a model library
     * {@code libs/aarch64-android/libNAME.so} (with {@code libQnnHtpPrepare.so}); the viewer prints
     * {@code viewerOutput}.
     */
    public static Path create(Path dir, String name, String arch, boolean context, String viewerOutput) throws IOException {
        String v = "V" + arch.substring(1);
        for (String lib : new String[] {"libQnnHtp.so", "libQnnSystem.so", "libQnnHtp" + v + "Stub.so",
            "libQnnHtpPrepare.so"}) {
            write(dir.resolve("lib/aarch64-android/" + lib), "placeholder " + lib + "\n");
        }
        write(dir.resolve("lib/hexagon-" + arch + "/unsigned/libQnnHtp" + v + "Skel.so"), "placeholder skel\n");
        if (context) {
            write(dir.resolve(name + ".serialized.bin"), "placeholder context binary of " + name + "\n");
        } else {
            write(dir.resolve("libs/aarch64-android/lib" + name + ".so"), "placeholder model library\n");
            write(dir.resolve("libs/x86_64-linux-clang/lib" + name + ".so"), "the host build, not for the phone\n");
        }
        netRun(dir, "libQnnHtp.so libQnnSystem.so libQnnHtp" + v + "Stub.so libQnnHtp" + v + "Skel.so"
                + (context ? "" : " libQnnHtpPrepare.so"));
        script(dir.resolve("bin/aarch64-android/qnn-profile-viewer"), """
                log=
                while [ $# -gt 0 ]; do case "$1" in --input_log) log=$2; shift ;; esac; shift; done
                [ -f "$log" ] || { echo "ERROR: cannot open $log" >&2; exit 1; }
                printf '%s' """ + quoted(viewerOutput) + "\n");
        return dir;
    }

    /** Replaces qnn-net-run by one printing {@code stderr} and exiting {@code code}. */
    public static void netRunFails(Path sdk, String stderr, int code) throws IOException {
        script(sdk.resolve("bin/aarch64-android/qnn-net-run"), "printf '%s' " + quoted(stderr) + " >&2\nexit " + code + "\n");
    }

    private static void netRun(Path sdk, String libraries) throws IOException {
        script(sdk.resolve("bin/aarch64-android/qnn-net-run"), """
                { echo "LD_LIBRARY_PATH=$LD_LIBRARY_PATH"; echo "ADSP_LIBRARY_PATH=$ADSP_LIBRARY_PATH"; echo "args: $*"; } > %s
                [ "$LD_LIBRARY_PATH" = . ] || { echo "ERROR: Unable to load backend libQnnHtp.so" >&2; exit 1; }
                [ "$ADSP_LIBRARY_PATH" = . ] || { echo "ERROR: HTP skel not found on ADSP_LIBRARY_PATH" >&2; exit 1; }
                for f in %s; do [ -f "$f" ] || { echo "ERROR: $f not found" >&2; exit 1; }; done
                out=output; list=
                while [ $# -gt 0 ]; do
                  case "$1" in --output_dir) out=$2; shift ;; --input_list) list=$2; shift ;; esac; shift
                done
                [ -f "$list" ] || { echo "ERROR: cannot read input list $list" >&2; exit 1; }
                for f in $(cat "$list"); do [ -f "$f" ] || { echo "ERROR: input $f not found" >&2; exit 1; }; done
                mkdir -p "$out/Result_0"
                echo "stand-in profile" > "$out/qnn-profiling-data_0.log"
                echo "qnn-net-run: finished"
                """.formatted(SEEN, libraries));
    }

    private static void write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }

    private static void script(Path file, String body) throws IOException {
        write(file, "#!/bin/sh\n" + body);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private static String quoted(String text) {
        return "'" + text.replace("'", "'\\''") + "'";
    }
}
