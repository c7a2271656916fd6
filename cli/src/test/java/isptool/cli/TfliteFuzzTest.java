package isptool.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import isptool.backends.tflite.Quantization;
import isptool.backends.tflite.TfliteBuilder;
import isptool.backends.tflite.TfliteType;
import isptool.graph.DType;
import isptool.graph.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.lite.schema.BuiltinOperator;
import org.tensorflow.lite.schema.Conv2DOptionsT;
import org.tensorflow.lite.schema.DepthwiseConv2DOptionsT;
import org.tensorflow.lite.schema.FullyConnectedOptionsT;
import org.tensorflow.lite.schema.TransposeConvOptionsT;

/**
 * {@code isptool inspect} on a seeded corpus of damaged .tflite files (generated here, never
 * committed): every file ends with exit 0, or exit 2 and exactly one line on stderr naming the
 * file; never an internal error (exit 1), a stack trace or a hang.
 */
class TfliteFuzzTest {
    private static final long SEED = 20260812L;
    private static final int FILES_PER_MODEL = 200;

    @TempDir
    Path tmp;

    /** A converted testdata network: what isptool itself writes. */
    private Path converted() {
        Path out = tmp.resolve("syenet_isp.tflite");
        TestFiles.Run run = TestFiles.isptool("convert", TestFiles.testdata("syenet_isp.onnx").toString(), "-o",
                out.toString(), "--no-verify");
        assertEquals(0, run.status(), run.err());
        return out;
    }

    /** Every operator inspect computes MACs for, with quantized tensors and an operator with no options. */
    private Path everyMacOp() throws IOException {
        TfliteBuilder b = new TfliteBuilder().description("fuzz sample");
        int x = b.addTensor("x", TfliteType.FLOAT32, new long[] {1, 8, 8, 3});
        int w = b.addConstant("conv/w", Tensor.ofFloats(new long[] {4, 3, 3, 3}, new float[4 * 27]));
        int bias = b.addConstant("conv/b", Tensor.ofFloats(new long[] {4}, new float[4]));
        int c = b.addTensor("conv/out", TfliteType.FLOAT32, new long[] {1, 8, 8, 4});
        int dw = b.addConstant("dw/w", Tensor.ofFloats(new long[] {1, 3, 3, 4}, new float[36]));
        int d = b.addTensor("dw/out", TfliteType.FLOAT32, new long[] {1, 8, 8, 4});
        int shape = b.addConstant("tconv/shape", Tensor.ofIntegers(DType.INT32, new long[] {4}, new long[] {1, 16, 16, 2}));
        int tw = b.addConstant("tconv/w", Tensor.ofFloats(new long[] {2, 2, 2, 4}, new float[32]));
        int t = b.addTensor("tconv/out", TfliteType.FLOAT32, new long[] {1, 16, 16, 2});
        int flat = b.addTensor("flat", TfliteType.FLOAT32, new long[] {1, 512});
        int fw = b.addConstant("fc/w", Tensor.ofIntegers(DType.INT8, new long[] {5, 512}, new long[5 * 512]),
                Quantization.perChannel(new float[] {0.1f, 0.2f, 0.3f, 0.4f, 0.5f}, 0));
        int y = b.addTensor("y", TfliteType.FLOAT32, new long[] {1, 5});
        Conv2DOptionsT conv = new Conv2DOptionsT();
        conv.setStrideH(1);
        conv.setStrideW(1);
        DepthwiseConv2DOptionsT depthwise = new DepthwiseConv2DOptionsT();
        depthwise.setStrideH(1);
        depthwise.setStrideW(1);
        depthwise.setDepthMultiplier(1);
        TransposeConvOptionsT tconv = new TransposeConvOptionsT();
        tconv.setStrideH(2);
        tconv.setStrideW(2);
        b.addOperator(BuiltinOperator.CONV_2D, conv, new int[] {x, w, bias}, new int[] {c});
        b.addOperator(BuiltinOperator.DEPTHWISE_CONV_2D, depthwise, new int[] {c, dw, -1}, new int[] {d});
        b.addOperator(BuiltinOperator.TRANSPOSE_CONV, tconv, new int[] {shape, tw, d}, new int[] {t});
        b.addOperator(BuiltinOperator.RESHAPE, null, new int[] {t}, new int[] {flat});
        b.addOperator(BuiltinOperator.FULLY_CONNECTED, new FullyConnectedOptionsT(), new int[] {flat, fw, -1},
                new int[] {y});
        Path out = tmp.resolve("every_mac_op.tflite");
        b.inputs(x).outputs(y).write(out);
        return out;
    }

    @Test
    void damagedFilesEndInExitZeroOrOneLineExitTwo() throws IOException {
        Random rnd = new Random(SEED);
        int files = 0;
        int refused = 0;
        List<String> failures = new ArrayList<>();
        for (Path model : List.of(converted(), everyMacOp())) {
            // the undamaged model is fine
            TestFiles.Run clean = TestFiles.isptool("inspect", model.toString());
            assertEquals(0, clean.status(), clean.err());
            byte[] good = Files.readAllBytes(model);
            for (int i = 0; i < FILES_PER_MODEL; i++) {
                Damage damage = Damage.values()[i % Damage.values().length];
                Path file = tmp.resolve("damaged-" + files + "-" + damage.name().toLowerCase() + ".tflite");
                Files.write(file, damage.apply(good, rnd));
                files++;
                for (boolean json : new boolean[] {false, true}) {
                    TestFiles.Run run = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> json
                            ? TestFiles.isptool("inspect", file.toString(), "--json")
                            : TestFiles.isptool("inspect", file.toString()));
                    String problem = problem(run, file);
                    if (problem != null) {
                        failures.add(file.getFileName() + (json ? " --json" : "") + ": " + problem);
                    }
                    refused += !json && run.status() == Main.EXIT_BAD_INPUT ? 1 : 0;
                }
                Files.delete(file);
            }
        }
        System.out.printf("inspect on %d damaged .tflite files: %d refused (exit 2), %d read (exit 0)%n", files,
                refused, files - refused);
        assertTrue(failures.isEmpty(), failures.size() + " of " + 2 * files + " runs on " + files + " damaged files:\n"
                + String.join("\n", failures));
        // the corpus really is damaged: most files are refused
        assertTrue(refused > files / 2, "refused " + refused + " of " + files);
    }

    /** What is wrong with how a damaged file ended, or null. */
    private static String problem(TestFiles.Run run, Path file) {
        String err = run.err().strip();
        if (run.status() == 0) {
            return err.isEmpty() ? null : "exit 0 but stderr: " + err;
        }
        if (run.status() != Main.EXIT_BAD_INPUT) {
            return "exit " + run.status() + ": " + err.lines().findFirst().orElse("");
        }
        if (err.lines().count() != 1 || err.contains("\tat ")) {
            return "not one line: " + err;
        }
        if (!err.startsWith("isptool: ") || !err.contains(file.getFileName().toString())) {
            return "does not name the file: " + err;
        }
        return null;
    }

    /** Kinds of damage, each seeded through the test's Random. */
    enum Damage {
        /** 1 to 4 aligned 32-bit words replaced by random values. */
        WORDS {
            @Override
            byte[] apply(byte[] good, Random rnd) {
                byte[] b = good.clone();
                ByteBuffer w = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
                for (int k = 1 + rnd.nextInt(4); k > 0; k--) {
                    w.putInt(4 * rnd.nextInt(b.length / 4), rnd.nextInt());
                }
                return b;
            }
        },
        /** A word that looks like an offset or a length (0 < v < file size) pointed past the end or negative. */
        OFFSETS {
            @Override
            byte[] apply(byte[] good, Random rnd) {
                byte[] b = good.clone();
                ByteBuffer w = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
                int[] evil = {b.length, b.length + 4 + rnd.nextInt(1 << 16), -1, -4 - rnd.nextInt(1 << 16),
                    Integer.MAX_VALUE, Integer.MIN_VALUE, b.length / 2 + rnd.nextInt(b.length / 2)};
                for (int tries = 0, hits = 0; tries < 1000 && hits < 1 + rnd.nextInt(2); tries++) {
                    int at = 4 * rnd.nextInt(b.length / 4);
                    int v = w.getInt(at);
                    if (v > 0 && v < b.length) {
                        w.putInt(at, evil[rnd.nextInt(evil.length)]);
                        hits++;
                    }
                }
                return b;
            }
        },
        /** 1 to 8 single bits flipped. */
        BITS {
            @Override
            byte[] apply(byte[] good, Random rnd) {
                byte[] b = good.clone();
                for (int k = 1 + rnd.nextInt(8); k > 0; k--) {
                    int bit = rnd.nextInt(b.length * 8);
                    b[bit / 8] ^= (byte) (1 << (bit % 8));
                }
                return b;
            }
        },
        /** Cut anywhere. */
        TRUNCATED {
            @Override
            byte[] apply(byte[] good, Random rnd) {
                return Arrays.copyOf(good, rnd.nextInt(good.length));
            }
        };

        abstract byte[] apply(byte[] good, Random rnd);
    }
}
