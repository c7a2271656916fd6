package isptool.cli;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
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
 * A seeded corpus of damaged ONNX files (bit flips, truncations, overwritten byte ranges,
 * corrupted varints and lengths, inserted and deleted bytes) made from real testdata models,
 * each run through {@code reparam --no-verify}, {@code inspect} and {@code convert --no-verify}:
 * every run must end with exit 0, or exit 2 with exactly one line on stderr; never an internal
 * error, never a hang. A larger or another corpus: {@code -Dfuzz.n=800 -Dfuzz.seed=8}.
 */
class OnnxFuzzTest {
    private static final long SEED = Long.getLong("fuzz.seed", 20261202L);
    private static final int FILES_PER_MODEL = Integer.getInteger("fuzz.n", 100);
    private static final Duration PER_RUN = Duration.ofSeconds(20);
    private static final List<String> MODELS = List.of("acnet.onnx", "qarepvgg.onnx", "mai_isp.dynamo.onnx");

    @TempDir
    Path tmp;

    /** One damaged file: the bytes and how they were made, to reproduce a failure. */
    record Damaged(String name, String how, byte[] bytes) {
    }

    static List<Damaged> corpus(long seed) throws IOException {
        Random rng = new Random(seed);
        List<Damaged> r = new ArrayList<>();
        for (String model : MODELS) {
            byte[] original = Files.readAllBytes(TestFiles.testdata(model));
            for (int i = 0; i < FILES_PER_MODEL; i++) {
                String name = model.replace(".onnx", "") + "_" + i + ".onnx";
                byte[] b = original.clone();
                r.add(switch (i % 6) {
                    case 0 -> new Damaged(name, flipBits(b, rng), b);
                    case 1 -> truncate(name, b, rng);
                    case 2 -> new Damaged(name, overwriteRange(b, rng), b);
                    case 3 -> new Damaged(name, corruptVarint(b, rng), b);
                    case 4 -> insert(name, b, rng);
                    default -> delete(name, b, rng);
                });
            }
        }
        return r;
    }

    private static String flipBits(byte[] b, Random rng) {
        int n = 1 + rng.nextInt(8);
        StringBuilder how = new StringBuilder("flipped bits at");
        for (int k = 0; k < n; k++) {
            int at = rng.nextInt(b.length);
            b[at] ^= (byte) (1 << rng.nextInt(8));
            how.append(' ').append(at);
        }
        return how.toString();
    }

    private static Damaged truncate(String name, byte[] b, Random rng) {
        int keep = rng.nextInt(b.length);
        return new Damaged(name, "truncated to " + keep + " bytes", Arrays.copyOf(b, keep));
    }

    private static String overwriteRange(byte[] b, Random rng) {
        int at = rng.nextInt(b.length);
        int n = Math.min(1 + rng.nextInt(32), b.length - at);
        byte[] fill = new byte[n];
        rng.nextBytes(fill);
        System.arraycopy(fill, 0, b, at, n);
        return "overwrote " + n + " bytes at " + at;
    }

    /**
     * Writes a large varint (a huge length, count, dim or enum value) over the bytes at a random
     * position, or nudges one byte (a length prefix one off).
     */
    private static String corruptVarint(byte[] b, Random rng) {
        int at = rng.nextInt(b.length);
        if (rng.nextBoolean()) {
            b[at] += (byte) (rng.nextBoolean() ? 1 : -1);
            return "nudged byte " + at;
        }
        int n = Math.min(2 + rng.nextInt(9), b.length - at);
        for (int k = 0; k < n; k++) {
            b[at + k] = (byte) (k == n - 1 ? rng.nextInt(0x80) : 0x80 | rng.nextInt(0x80));
        }
        return "wrote a " + n + "-byte varint at " + at;
    }

    /** Random bytes inserted: every length prefix around them is now wrong. */
    private static Damaged insert(String name, byte[] b, Random rng) {
        int at = rng.nextInt(b.length);
        byte[] extra = new byte[1 + rng.nextInt(8)];
        rng.nextBytes(extra);
        byte[] c = new byte[b.length + extra.length];
        System.arraycopy(b, 0, c, 0, at);
        System.arraycopy(extra, 0, c, at, extra.length);
        System.arraycopy(b, at, c, at + extra.length, b.length - at);
        return new Damaged(name, "inserted " + extra.length + " random bytes at " + at, c);
    }

    private static Damaged delete(String name, byte[] b, Random rng) {
        int at = rng.nextInt(b.length);
        int n = Math.min(1 + rng.nextInt(8), b.length - at);
        byte[] c = new byte[b.length - n];
        System.arraycopy(b, 0, c, 0, at);
        System.arraycopy(b, at + n, c, at, b.length - at - n);
        return new Damaged(name, "deleted " + n + " bytes at " + at, c);
    }

    @Test
    void damagedModelsEndInExitZeroOrOneLineExitTwo() throws IOException {
        List<String> failures = new ArrayList<>();
        int refused = 0;
        int runs = 0;
        for (Damaged d : corpus(SEED)) {
            Path in = Files.write(tmp.resolve(d.name()), d.bytes());
            Path out = tmp.resolve("out.onnx");
            for (String[] args : List.of(new String[] {"reparam", in.toString(), "-o", out.toString(), "--no-verify"},
                    new String[] {"inspect", in.toString()},
                    new String[] {"convert", in.toString(), "-o", tmp.resolve("out.tflite").toString(), "--no-verify"})) {
                TestFiles.Run run;
                try {
                    run = assertTimeoutPreemptively(PER_RUN, () -> TestFiles.isptool(args));
                } catch (Throwable e) {
                    failures.add(d.name() + " (" + d.how() + ") " + args[0] + ": " + e);
                    continue;
                }
                runs++;
                String err = run.err().strip();
                boolean ok = run.status() == 0
                        || run.status() == Main.EXIT_BAD_INPUT && err.lines().count() == 1 && !err.contains("\tat ");
                if (!ok) {
                    failures.add(d.name() + " (" + d.how() + ") " + args[0] + ": exit " + run.status() + ": " + err);
                }
                refused += run.status() == Main.EXIT_BAD_INPUT ? 1 : 0;
            }
            Files.deleteIfExists(out);
            Files.deleteIfExists(tmp.resolve("out.tflite"));
            Files.delete(in);
        }
        assertTrue(failures.isEmpty(), failures.size() + " of " + runs + " runs failed:\n" + String.join("\n", failures));
        // the corpus must exercise the refusals, not only harmless flips in weight bytes
        assertTrue(refused > runs / 4, "only " + refused + " of " + runs + " runs were refused");
    }
}
