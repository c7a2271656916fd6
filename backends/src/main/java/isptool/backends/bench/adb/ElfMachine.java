package isptool.backends.bench.adb;

import isptool.graph.ModelException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Checks that a {@code benchmark_model} binary was built for the phone's CPU before it is pushed:
 * an x86_64 build pushed to an arm64 phone only fails later with "not executable" or "exec format
 * error". Reads {@code e_machine} from the ELF header (offset 18, u16 in the file's byte order).
 */
public final class ElfMachine {
    public static final int X86 = 3;
    public static final int ARM = 40;
    public static final int X86_64 = 62;
    public static final int AARCH64 = 183;

    private static final Map<String, Integer> MACHINE_BY_ABI = Map.of(
            "arm64-v8a", AARCH64,
            "armeabi-v7a", ARM,
            "armeabi", ARM,
            "x86_64", X86_64,
            "x86", X86);

    private ElfMachine() {
    }

    /** The {@code e_machine} of an ELF file; a ModelException when the file is not ELF. */
    public static int read(Path binary) {
        byte[] head = new byte[20];
        int n;
        try (InputStream in = Files.newInputStream(binary)) {
            n = in.readNBytes(head, 0, head.length);
        } catch (IOException e) {
            throw new ModelException(binary + ": cannot read the benchmark binary (" + e.getMessage()
                    + "); pass --benchmark-binary with a readable benchmark_model file", e);
        }
        if (n < head.length || head[0] != 0x7f || head[1] != 'E' || head[2] != 'L' || head[3] != 'F') {
            throw new ModelException(binary + ": not an ELF executable; pass --benchmark-binary with TFLite's"
                    + " benchmark_model built for Android (e.g. the android_aarch64 nightly)");
        }
        boolean bigEndian = head[5] == 2;
        int lo = head[18] & 0xff;
        int hi = head[19] & 0xff;
        return bigEndian ? (lo << 8) | hi : (hi << 8) | lo;
    }

    /** Refuses (ModelException, exit 2) a binary whose machine does not run on {@code abi}. */
    public static void requireRunsOn(Path binary, String abi, String serial) {
        Integer wanted = MACHINE_BY_ABI.get(abi);
        if (wanted == null) {
            throw new DeviceException("device '" + serial + "' reports CPU ABI '" + abi
                    + "', which isptool does not know; benchmark on an arm64-v8a, armeabi-v7a, x86_64 or x86 device");
        }
        int machine = read(binary);
        if (machine != wanted) {
            throw new ModelException(binary + ": built for " + name(machine) + " (ELF machine " + machine
                    + ") but device '" + serial + "' is " + abi + "; pass --benchmark-binary with a benchmark_model"
                    + " built for " + abi);
        }
    }

    static String name(int machine) {
        return switch (machine) {
            case X86 -> "x86";
            case ARM -> "32-bit ARM";
            case X86_64 -> "x86_64";
            case AARCH64 -> "aarch64";
            default -> "another CPU";
        };
    }
}
