package isptool.backends.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import isptool.backends.tflite.Quantization;
import isptool.backends.tflite.TfliteRunner;
import isptool.backends.tflite.TfliteType;
import isptool.graph.ModelException;
import isptool.graph.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.lite.schema.BuiltinOperator;

/**
 * What TFLite's own kernels (no delegate) do at a border between int8 and int16 activations, the
 * facts mixed int8/int16 models rest on: QUANTIZE requantizes int16 to int8 (and int16 to int16
 * from a zero point of 0) but refuses int8 to int16 ("quantize.cc ... output->type == kTfLiteUInt8
 * || output->type == kTfLiteInt8"), so an int8 value reaches an int16 op through float
 * (DEQUANTIZE, QUANTIZE); CAST int8 to int16 keeps the raw integers, exact only for a zero point of 0.
 */
class RequantizeKernelsTest {
    private static final long[] SHAPE = {1, 4};
    private static final float[] X = {-0.5f, 0.25f, 0.1f, 0.9f};

    @TempDir
    Path tmp;

    /** x (float) -> QUANTIZE -> a -> op -> b -> [QUANTIZE ->] DEQUANTIZE -> y; the output y for X. */
    private float[] run(TfliteType aType, Quantization aq, int op, TfliteType bType, Quantization bq) throws IOException {
        QModel m = new QModel();
        int x = m.addActivation("x", TfliteType.FLOAT32, SHAPE, null);
        int a = m.addActivation("a", aType, SHAPE, aq);
        int b = m.addActivation("b", bType, SHAPE, bq);
        int y = m.addActivation("y", TfliteType.FLOAT32, SHAPE, null);
        m.ops.add(new QModel.Op(BuiltinOperator.QUANTIZE, 1, null, new int[] {x}, new int[] {a}));
        m.ops.add(new QModel.Op(op, op == BuiltinOperator.QUANTIZE ? 2 : 1, null, new int[] {a}, new int[] {b}));
        m.ops.add(new QModel.Op(BuiltinOperator.DEQUANTIZE, 2, null, new int[] {b}, new int[] {y}));
        m.inputs = new int[] {x};
        m.outputs = new int[] {y};
        Path f = tmp.resolve("border-" + System.nanoTime() + ".tflite");
        m.builder().write(f);
        try (TfliteRunner r = TfliteRunner.open(f, TfliteRunner.Options.DEFAULT.withXnnpack(false).withThreads(1))) {
            return r.run(Map.of("x", Tensor.ofFloats(SHAPE, X))).get("y").toFloats();
        }
    }

    private static Quantization int8(int zeroPoint) {
        return Quantization.perTensor(1.0 / 128, zeroPoint);
    }

    private static Quantization int16() {
        return Quantization.perTensor(1.0 / 32768, 0);
    }

    @Test
    void quantizeRequantizesInt16ToInt8() throws IOException {
        float[] y = run(TfliteType.INT16, int16(), BuiltinOperator.QUANTIZE, TfliteType.INT8, int8(-3));
        assertArrayEquals(new float[] {-0.5f, 0.25f, 0.1015625f, 0.8984375f}, y, 1e-6f);
    }

    @Test
    void quantizeRefusesInt8ToInt16() {
        ModelException e = assertThrows(ModelException.class,
                () -> run(TfliteType.INT8, int8(0), BuiltinOperator.QUANTIZE, TfliteType.INT16, int16()));
        assertTrue(e.getMessage().contains("quantize.cc") && e.getMessage().contains("QUANTIZE"), e.getMessage());
    }

    /** CAST copies the integers: the int16 tensor carries the int8 scale, exact when the zero point is 0. */
    @Test
    void castWidensInt8ToInt16Integers() throws IOException {
        Quantization q = int8(0);
        float[] y = run(TfliteType.INT8, q, BuiltinOperator.CAST, TfliteType.INT16, q);
        assertArrayEquals(new float[] {-0.5f, 0.25f, 0.1015625f, 0.8984375f}, y, 1e-6f);
    }
}
