package isptool.backends.tflite.lower;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import isptool.backends.layout.Layout;
import isptool.graph.Tensor;
import org.junit.jupiter.api.Test;

/** Constants broadcast against NHWC-stored values: right-align, then reorder the axes as stored. */
class StoredTensorsTest {
    @Test
    void perChannelSlopeBecomesLastAxis() {
        Tensor slope = Tensor.ofFloats(new long[] {3, 1, 1}, new float[] {1, 2, 3});
        Tensor stored = StoredTensors.inLayout(slope, Layout.NHWC);
        assertArrayEquals(new long[] {1, 1, 1, 3}, stored.shape());
        assertArrayEquals(new float[] {1, 2, 3}, stored.toFloats());
    }

    @Test
    void scalarBecomesAllOnes() {
        Tensor stored = StoredTensors.inLayout(Tensor.scalar(0.5f), Layout.NHWC);
        assertArrayEquals(new long[] {1, 1, 1, 1}, stored.shape());
        assertArrayEquals(new float[] {0.5f}, stored.toFloats());
    }

    /** A [C,H,W] constant (C=2, H=2, W=3) stored as [1,H,W,C]: element (c,h,w) moves to (h,w,c). */
    @Test
    void fullConstantIsTransposed() {
        float[] chw = new float[12];
        for (int c = 0; c < 2; c++) {
            for (int h = 0; h < 2; h++) {
                for (int w = 0; w < 3; w++) {
                    chw[(c * 2 + h) * 3 + w] = 100 * c + 10 * h + w;
                }
            }
        }
        Tensor stored = StoredTensors.inLayout(Tensor.ofFloats(new long[] {2, 2, 3}, chw), Layout.NHWC);
        assertArrayEquals(new long[] {1, 2, 3, 2}, stored.shape());
        float[] v = stored.toFloats();
        for (int h = 0; h < 2; h++) {
            for (int w = 0; w < 3; w++) {
                for (int c = 0; c < 2; c++) {
                    assertArrayEquals(new float[] {100 * c + 10 * h + w}, new float[] {v[(h * 3 + w) * 2 + c]});
                }
            }
        }
    }

    @Test
    void rowBroadcastAlongWidth() {
        Tensor row = Tensor.ofFloats(new long[] {4}, new float[] {1, 2, 3, 4});
        Tensor stored = StoredTensors.inLayout(row, Layout.NHWC);
        assertArrayEquals(new long[] {1, 1, 4, 1}, stored.shape(), "ONNX W is stored axis 2");
        assertArrayEquals(new float[] {1, 2, 3, 4}, stored.toFloats());
    }

    @Test
    void nhwcRoundTrip() {
        float[] v = new float[24];
        for (int i = 0; i < v.length; i++) {
            v[i] = i;
        }
        Tensor nchw = Tensor.ofFloats(new long[] {1, 2, 3, 4}, v);
        Tensor nhwc = StoredTensors.toNhwc(nchw);
        assertArrayEquals(new long[] {1, 3, 4, 2}, nhwc.shape());
        assertArrayEquals(new float[] {0, 12, 1, 13}, java.util.Arrays.copyOf(nhwc.toFloats(), 4));
        assertArrayEquals(v, StoredTensors.toNchw(nhwc).toFloats());
    }
}
