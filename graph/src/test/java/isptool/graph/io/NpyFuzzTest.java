package isptool.graph.io;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import isptool.graph.ModelException;
import isptool.graph.Tensor;
import isptool.graph.TestPaths;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A seeded corpus of damaged .npy files (the tensor reader behind --verify-input and
 * calibration): every file is read as a tensor whose data size matches its shape, or refused
 * with a one-line ModelException; nothing else escapes, nothing hangs. A larger or another
 * corpus: {@code -Dfuzz.n=20000 -Dfuzz.seed=5}.
 */
class NpyFuzzTest {
    private static final long SEED = Long.getLong("fuzz.seed", 20261202L);
    private static final int FILES = Integer.getInteger("fuzz.n", 400);
    /** What a header is made of: damage in these characters reaches the dict parser. */
    private static final byte[] HEADER_CHARS = "{}()[]'\":, 0123456789-<>|=fiubcSUOTrueFalseshapedescrfortran_order\n\u0000"
            .getBytes(StandardCharsets.ISO_8859_1);

    @TempDir
    Path tmp;

    @Test
    void damagedNpyFilesAreReadOrRefused() throws Exception {
        byte[] original = Files.readAllBytes(TestPaths.root().resolve("testdata/syenet_isp.input.npy"));
        Random rng = new Random(SEED);
        List<String> failures = new ArrayList<>();
        int refused = 0;
        for (int i = 0; i < FILES; i++) {
            byte[] b = original.clone();
            String how = damage(b, rng);
            if (i % 5 == 4) {
                int keep = rng.nextInt(160);
                b = Arrays.copyOf(b, keep);
                how += ", truncated to " + keep;
            }
            Path f = Files.write(tmp.resolve("in" + i + ".npy"), b);
            try {
                Tensor t = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> TensorFiles.read(f));
                long elements = 1;
                for (long d : t.shape()) {
                    elements *= d;
                }
                if (t.rawData().remaining() != elements * t.dtype().byteSize) {
                    failures.add(how + ": read " + Arrays.toString(t.shape()) + " with " + t.rawData().remaining() + " bytes");
                }
            } catch (ModelException e) {
                refused++;
                if (e.getMessage().lines().count() != 1 || !e.getMessage().startsWith(f.toString())) {
                    failures.add(how + ": message " + e.getMessage());
                }
            } catch (Throwable e) {
                failures.add(how + ": " + e);
            }
            Files.delete(f);
        }
        assertTrue(failures.isEmpty(), failures.size() + " of " + FILES + " failed:\n" + String.join("\n", failures));
        assertTrue(refused > FILES / 4, "only " + refused + " of " + FILES + " refused");
    }

    /** Damage within the first 128 bytes (magic, version, header length, header dict). */
    private static String damage(byte[] b, Random rng) {
        int at = rng.nextInt(128);
        switch (rng.nextInt(3)) {
            case 0 -> {
                b[at] ^= (byte) (1 << rng.nextInt(8));
                return "flipped a bit at " + at;
            }
            case 1 -> {
                int n = 1 + rng.nextInt(6);
                for (int k = 0; k < n && at + k < b.length; k++) {
                    b[at + k] = HEADER_CHARS[rng.nextInt(HEADER_CHARS.length)];
                }
                return "wrote " + n + " header characters at " + at;
            }
            default -> {
                b[at] = (byte) rng.nextInt(256);
                return "set byte " + at + " to " + (b[at] & 0xff);
            }
        }
    }
}
