package isptool.backends.tflite;

import static isptool.backends.tflite.Nhwc.longs;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import isptool.graph.DType;
import isptool.graph.ModelException;
import isptool.graph.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.lite.schema.AddOptionsT;
import org.tensorflow.lite.schema.BuiltinOperator;
import org.tensorflow.lite.schema.Conv2DOptionsT;

/** What TfliteBuilder writes and what it refuses. */
class TfliteBuilderTest {
    @TempDir
    Path dir;

    private static TfliteBuilder addModel() {
        TfliteBuilder b = new TfliteBuilder();
        int x = b.addTensor("x", TfliteType.FLOAT32, longs(1, 4));
        int c = b.addConstant("c", Tensor.ofFloats(longs(1, 4), new float[] {1, 2, 3, 4}));
        int y = b.addTensor("y", TfliteType.FLOAT32, longs(1, 4));
        b.addOperator(BuiltinOperator.ADD, new AddOptionsT(), new int[] {x, c}, new int[] {y});
        return b.inputs(x).outputs(y);
    }

    @Test
    void writeReplacesTheTargetAtomically() throws IOException {
        Path target = dir.resolve("out/model.tflite");
        Files.createDirectories(target.getParent());
        Files.writeString(target, "an older model");
        TfliteBuilder b = addModel();
        b.write(target);
        assertArrayEquals(b.toBytes(), Files.readAllBytes(target));
        try (Stream<Path> files = Files.list(target.getParent())) {
            assertEquals(List.of(target), files.toList(), "no temporary file is left beside the model");
        }
        assertEquals(List.of("x"), TfliteModel.open(target).inputs().stream().map(t -> t.name()).toList());
    }

    @Test
    void constantsFromByteBuffersAndZeroElementConstants() {
        TfliteBuilder b = new TfliteBuilder();
        ByteBuffer bytes = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
        bytes.putInt(7).putInt(-8).putInt(9).flip();
        int raw = b.addConstant("raw", TfliteType.INT32, longs(3), bytes, null);
        int none = b.addConstant("none", Tensor.ofIntegers(DType.INT32, longs(0), new long[0]));
        TfliteModel m = TfliteModel.of(b.toBytes(), "constants");
        assertArrayEquals(new long[] {7, -8, 9}, m.constant(raw).toLongs());
        assertEquals(0, m.tensor(none).buffer(), "a constant without elements has no data: buffer 0");
        assertFalse(m.tensor(none).isConstant());
        assertEquals(12, bytes.remaining(), "the caller's buffer position is left alone");
    }

    @Test
    void dynamicDimsGoToTheShapeSignature() {
        TfliteBuilder b = new TfliteBuilder();
        b.addTensor("x", TfliteType.FLOAT32, new long[] {-1, 32, -1, 3});
        b.addTensor("static", TfliteType.FLOAT32, longs(1, 2));
        TfliteModel m = TfliteModel.of(b.toBytes(), "signature");
        assertArrayEquals(new long[] {1, 32, 1, 3}, m.tensor(0).shape());
        assertArrayEquals(new long[] {-1, 32, -1, 3}, m.tensor(0).shapeSignature());
        assertFalse(m.tensor(1).isDynamic());
    }

    @Test
    void misuseIsRefused() {
        TfliteBuilder b = addModel();
        assertThrows(IllegalArgumentException.class, () -> b.addTensor("x", TfliteType.FLOAT32, longs(1)),
                "duplicate name");
        assertThrows(IllegalArgumentException.class,
                () -> b.addOperator(BuiltinOperator.ADD, null, new int[] {0, 7}, new int[] {2}), "no tensor 7");
        assertThrows(IllegalArgumentException.class,
                () -> b.addOperator(BuiltinOperator.ADD, null, new int[] {0, 1}, new int[] {-1}), "-1 output");
        assertThrows(IllegalArgumentException.class,
                () -> b.addOperator(BuiltinOperator.ADD, "not options", new int[] {0, 1}, new int[] {2}));
        assertThrows(IllegalArgumentException.class, () -> b.addConstant("w", Tensor.ofIntegers(DType.INT8,
                longs(3, 2), new long[6]), Quantization.perChannel(new float[] {1, 1}, 0)), "2 scales for 3 channels");
        assertThrows(IllegalArgumentException.class, () -> b.addConstant("d", TfliteType.FLOAT32, new long[] {-1},
                ByteBuffer.allocate(4), null), "dynamic constant");
        assertThrows(IllegalArgumentException.class, () -> b.addConstant("short", TfliteType.FLOAT32, longs(2),
                ByteBuffer.allocate(4), null), "4 bytes for 2 floats");
        assertThrows(IllegalArgumentException.class, () -> b.inputs(9));
        ModelException e = assertThrows(ModelException.class,
                () -> b.addConstant("bf16", Tensor.ofFloats(longs(1), new float[1]).cast(DType.BFLOAT16)));
        assertTrue(e.getMessage().contains("TFLite has no BFLOAT16 tensors"), e.getMessage());
        assertEquals(3, b.tensorCount(), "refused tensors are not added");
        assertEquals(1, b.operatorCount());
    }

    @Test
    void optionsTypesAreFoundByClass() {
        assertEquals(org.tensorflow.lite.schema.BuiltinOptions.Conv2DOptions, TfliteOps.optionsType(new Conv2DOptionsT()));
        assertEquals(org.tensorflow.lite.schema.BuiltinOptions.GeluOptions,
                TfliteOps.optionsType(new org.tensorflow.lite.schema.GeluOptionsT()));
        assertEquals("CONV_2D", TfliteOps.name(BuiltinOperator.CONV_2D));
        assertEquals("BUILTIN_200", TfliteOps.name(200));
        assertEquals(BuiltinOperator.DEPTH_TO_SPACE, TfliteOps.code("DEPTH_TO_SPACE"));
    }
}
