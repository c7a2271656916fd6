package isptool.backends.tflite;

import static isptool.backends.tflite.Nhwc.longs;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import isptool.backends.tflite.TfliteModel.OperatorInfo;
import isptool.backends.tflite.TfliteModel.TensorInfo;
import isptool.graph.DType;
import isptool.graph.ModelException;
import isptool.graph.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.lite.schema.Buffer;
import org.tensorflow.lite.schema.BuiltinOperator;
import org.tensorflow.lite.schema.Conv2DOptionsT;
import org.tensorflow.lite.schema.DepthToSpaceOptionsT;
import org.tensorflow.lite.schema.GeluOptionsT;
import org.tensorflow.lite.schema.Model;
import org.tensorflow.lite.schema.OperatorCode;
import org.tensorflow.lite.schema.Padding;

/** TfliteModel reads back what TfliteBuilder wrote, and refuses what is not a TFLite model. */
class TfliteModelTest {
    @TempDir
    Path dir;

    private final Random rnd = new Random(3);
    private final float[] weights = Nhwc.random(rnd, 12 * 27, -1, 1);
    private final long[] int8Weights = {-127, -5, 0, 5, 127, 64};

    /**
     * image [1,?,?,3] → CONV_2D (stride 2, SAME) → DEPTH_TO_SPACE → GELU → out [1,?,?,3], plus an
     * unconnected int8 per-channel constant to carry quantization.
     */
    private TfliteBuilder sample() {
        TfliteBuilder b = new TfliteBuilder().description("sample for the reader");
        int x = b.addTensor("image", TfliteType.FLOAT32, new long[] {1, -1, -1, 3});
        int w = b.addConstant("conv/w", Tensor.ofFloats(longs(12, 3, 3, 3), weights));
        int bias = b.addConstant("conv/b", Tensor.ofFloats(longs(12), new float[12]));
        int c = b.addTensor("conv/out", TfliteType.FLOAT32, new long[] {1, -1, -1, 12});
        int d = b.addTensor("d2s/out", TfliteType.FLOAT32, new long[] {1, -1, -1, 3});
        int y = b.addTensor("out", TfliteType.FLOAT32, new long[] {1, -1, -1, 3});
        b.addConstant("q/w", Tensor.ofIntegers(DType.INT8, longs(2, 3), int8Weights),
                Quantization.perChannel(new float[] {0.5f, 0.25f}, 0));
        b.addTensor("q/act", TfliteType.INT8, longs(1, 3), Quantization.perTensor(0.125, -3));
        Conv2DOptionsT conv = new Conv2DOptionsT();
        conv.setPadding(Padding.SAME);
        conv.setStrideH(2);
        conv.setStrideW(2);
        DepthToSpaceOptionsT d2s = new DepthToSpaceOptionsT();
        d2s.setBlockSize(2);
        b.addOperator(BuiltinOperator.CONV_2D, conv, new int[] {x, w, bias}, new int[] {c});
        b.addOperator(BuiltinOperator.DEPTH_TO_SPACE, d2s, new int[] {c}, new int[] {d});
        b.addOperator(BuiltinOperator.GELU, new GeluOptionsT(), new int[] {d}, new int[] {y});
        return b.inputs(x).outputs(y);
    }

    @Test
    void readsBackWhatTheBuilderWrote() throws IOException {
        Path file = dir.resolve("sample.tflite");
        TfliteBuilder b = sample();
        b.write(file);
        for (TfliteModel m : List.of(TfliteModel.open(file), TfliteModel.of(b.toBytes(), "in memory"))) {
            assertEquals(3, m.schemaVersion());
            assertEquals("sample for the reader", m.description());
            assertEquals(1, m.subgraphCount());
            assertEquals(Map.of("CONV_2D", 1, "DEPTH_TO_SPACE", 1, "GELU", 1), m.opHistogram());
            assertEquals(0, m.count("TRANSPOSE"));
            assertEquals(1, m.count("GELU"));

            TensorInfo in = m.inputs().get(0);
            assertEquals("image", in.name());
            assertEquals(TfliteType.FLOAT32, in.type());
            assertArrayEquals(new long[] {1, 1, 1, 3}, in.shape());
            assertArrayEquals(new long[] {1, -1, -1, 3}, in.shapeSignature());
            assertTrue(in.isDynamic());
            assertEquals("FLOAT32[1,?,?,3]", in.describe());
            assertEquals(List.of("out"), m.outputs().stream().map(TensorInfo::name).toList());

            OperatorInfo conv = m.operators().get(0);
            assertEquals("CONV_2D", conv.opName());
            assertEquals(List.of(0, 1, 2), conv.inputs());
            assertEquals(List.of(3), conv.outputs());
            Conv2DOptionsT options = (Conv2DOptionsT) conv.options();
            assertEquals(2, options.getStrideH());
            assertEquals(Padding.SAME, options.getPadding());
            assertEquals(2, ((DepthToSpaceOptionsT) m.operators().get(1).options()).getBlockSize());
            assertEquals(BuiltinOperator.GELU, m.operators().get(2).builtinCode());

            assertArrayEquals(weights, m.constant(1).toFloats());
            assertArrayEquals(new long[] {12, 3, 3, 3}, m.constant(1).shape());
            assertNull(m.constant(0));
            TensorInfo q = m.tensor("q/w");
            assertEquals(TfliteType.INT8, q.type());
            assertEquals(Quantization.perChannel(new float[] {0.5f, 0.25f}, 0), q.quantization());
            assertEquals(DType.INT8, m.constant(q.index()).dtype());
            assertArrayEquals(int8Weights, m.constant(q.index()).toLongs());
            assertEquals(Quantization.perTensor(0.125, -3), m.tensor("q/act").quantization());
            assertNull(in.quantization());

            assertEquals(324 + 12 + 6, m.parameterCount());
            assertEquals(4 * (324 + 12) + 6, m.parameterBytes());
        }
    }

    @Test
    void buffersFollowTheInterpretersRules() {
        TfliteModel m = TfliteModel.of(sample().toBytes(), "sample");
        Model raw = Model.getRootAsModel(m.bytes());
        Buffer zero = raw.buffers(0);
        assertEquals(0, zero.dataLength());
        assertFalse(hasDataVector(zero), "buffer 0 has no data vector at all");
        assertEquals(4, raw.buffersLength(), "buffer 0 and one per constant");
        for (TensorInfo t : m.tensors()) {
            if (t.isConstant()) {
                assertTrue(t.buffer() > 0);
                ByteBuffer data = raw.buffers(t.buffer()).dataAsByteBuffer();
                assertEquals(0, data.position() % TfliteModel.DATA_ALIGNMENT, t.name() + " data is 16-byte aligned");
            } else {
                assertEquals(0, t.buffer(), t.name() + " is an activation on buffer 0");
            }
        }
        assertEquals(3, m.tensors().stream().filter(TensorInfo::isConstant).map(TensorInfo::buffer).distinct().count());
    }

    private static boolean hasDataVector(Buffer b) {
        return b.dataAsByteBuffer() != null;
    }

    /** Codes above 127 go in builtin_code with 127 in deprecated_builtin_code; below, in both. */
    @Test
    void operatorCodesAreSplitAndShared() {
        TfliteBuilder b = new TfliteBuilder();
        int x = b.addTensor("x", TfliteType.FLOAT32, longs(1, 4));
        int[] t = new int[5];
        for (int i = 0; i < t.length; i++) {
            t[i] = b.addTensor("t" + i, TfliteType.FLOAT32, longs(1, 4));
        }
        b.addOperator(BuiltinOperator.GELU, null, new int[] {x}, new int[] {t[0]});
        b.addOperator(BuiltinOperator.ADD, null, new int[] {t[0], x}, new int[] {t[1]});
        b.addOperator(BuiltinOperator.GELU, null, new int[] {t[1]}, new int[] {t[2]});
        b.addOperator(BuiltinOperator.ADD, 2, null, new int[] {t[2], x}, new int[] {t[3]});
        b.addOperator(BuiltinOperator.RIGHT_SHIFT, null, new int[] {t[3], x}, new int[] {t[4]});
        b.inputs(x).outputs(t[4]);
        TfliteModel m = TfliteModel.of(b.toBytes(), "codes");
        Model raw = Model.getRootAsModel(m.bytes());

        assertEquals(4, raw.operatorCodesLength(), "GELU v1, ADD v1, ADD v2, RIGHT_SHIFT v1");
        OperatorCode gelu = raw.operatorCodes(0);
        assertEquals(127, gelu.deprecatedBuiltinCode());
        assertEquals(150, gelu.builtinCode());
        OperatorCode add = raw.operatorCodes(1);
        assertEquals(0, add.deprecatedBuiltinCode());
        assertEquals(0, add.builtinCode());
        assertEquals(2, raw.operatorCodes(2).version());
        assertEquals(161, raw.operatorCodes(3).builtinCode());
        assertEquals(List.of("GELU", "ADD", "GELU", "ADD", "RIGHT_SHIFT"),
                m.operators().stream().map(OperatorInfo::opName).toList());
        assertEquals(List.of(1, 1, 1, 2, 1), m.operators().stream().map(OperatorInfo::version).toList());
    }

    @Test
    void filesThatAreNotModelsAreRefusedWithTheirName() throws IOException {
        Path empty = Files.write(dir.resolve("empty.tflite"), new byte[0]);
        Path text = Files.writeString(dir.resolve("model.onnx"), "\u0008\u0007\u0012\u0007pytorch");
        for (Path p : List.of(empty, text)) {
            ModelException e = assertThrows(ModelException.class, () -> TfliteModel.open(p));
            assertEquals(p + ": not a TFLite model (no \"TFL3\" file identifier); give a .tflite file", e.getMessage());
        }
        Path missing = dir.resolve("nowhere.tflite");
        assertEquals(missing + ": no such file; check the path",
                assertThrows(ModelException.class, () -> TfliteModel.open(missing)).getMessage());
    }

    /** Opening a FIFO for reading blocks until a writer comes: it must be refused before it is opened. */
    @Test
    void fifosAndFoldersAreRefusedWithoutBlocking() throws Exception {
        Path fifo = dir.resolve("pipe.tflite");
        assumeTrue(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor() == 0, "mkfifo is available");
        ModelException e = assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> assertThrows(ModelException.class, () -> TfliteModel.open(fifo)));
        assertEquals(fifo + ": not a regular file (a FIFO, socket or device); give the path of a .tflite model",
                e.getMessage());
        Path folder = Files.createDirectory(dir.resolve("folder.tflite"));
        assertEquals(folder + ": not a regular file (a folder); give the path of a .tflite model",
                assertThrows(ModelException.class, () -> TfliteModel.open(folder)).getMessage());
    }

    @Test
    void truncatedFilesAreRefusedWithTheirName() throws IOException {
        byte[] good = sample().toBytes();
        for (int length : new int[] {8, 16, 64, good.length / 3, good.length / 2, good.length - 100}) {
            Path p = Files.write(dir.resolve("cut-" + length + ".tflite"), Arrays.copyOf(good, length));
            ModelException e = assertThrows(ModelException.class, () -> TfliteModel.open(p), "cut at " + length);
            assertTrue(e.getMessage().startsWith(p + ": not a valid TFLite model, "), e.getMessage());
            assertTrue(e.getMessage().endsWith("; the file is truncated or corrupt, write it again"), e.getMessage());
        }
    }

    /** Random damage either leaves a readable model or gives a ModelException, never another exception. */
    @Test
    void damagedFilesGiveOnlyModelExceptions() {
        byte[] good = sample().toBytes();
        Random damage = new Random(11);
        int refused = 0;
        for (int trial = 0; trial < 2000; trial++) {
            byte[] bytes = good.clone();
            int cuts = 1 + damage.nextInt(4);
            for (int k = 0; k < cuts; k++) {
                int at = 8 + damage.nextInt(bytes.length - 8);
                bytes[at] = (byte) damage.nextInt(256);
            }
            if (trial % 3 == 0) {
                bytes = Arrays.copyOf(bytes, 8 + damage.nextInt(bytes.length - 8));
            }
            try {
                TfliteModel m = TfliteModel.of(bytes, "damaged");
                m.opHistogram();
                m.parameterCount();
                for (TensorInfo t : m.tensors()) {
                    if (t.isConstant() && t.type().hasDType()) {
                        m.constant(t.index());
                    }
                }
            } catch (ModelException e) {
                assertTrue(e.getMessage().startsWith("damaged: "), e.getMessage());
                refused++;
            }
        }
        assertTrue(refused > 100, "most damage is noticed, refused " + refused);
    }
}
