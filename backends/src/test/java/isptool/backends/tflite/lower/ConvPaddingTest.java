package isptool.backends.tflite.lower;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.tensorflow.lite.schema.Padding;

/** When ONNX's explicit conv pads are TF's SAME, VALID, or need a PAD op. */
class ConvPaddingTest {
    private static ConvLowering.PaddingChoice choose(long in, long k, long s, long d, long... pads) {
        return ConvLowering.padding(new long[] {in, in}, new long[] {k, k}, new long[] {s, s}, new long[] {d, d},
                "NOTSET", pads);
    }

    @Test
    void symmetricPadsOfAnOddKernelAtStrideOneAreSame() {
        assertEquals(Padding.SAME, choose(32, 3, 1, 1, 1, 1, 1, 1).padding());
        assertEquals(Padding.SAME, choose(32, 5, 1, 1, 2, 2, 2, 2).padding());
        assertEquals(Padding.SAME, choose(32, 3, 1, 2, 2, 2, 2, 2).padding(), "dilated 3x3 covers 5x5");
        assertFalse(choose(32, 3, 1, 1, 1, 1, 1, 1).needsPadOp());
    }

    @Test
    void zeroPadsAreValid() {
        ConvLowering.PaddingChoice c = choose(32, 3, 1, 1, 0, 0, 0, 0);
        assertEquals(Padding.VALID, c.padding());
        assertFalse(c.needsPadOp());
        assertEquals(Padding.VALID, choose(32, 1, 1, 1, 0, 0, 0, 0).padding());
    }

    /** TF's SAME puts the odd pixel after: stride 2, k 3, in 32 needs total 1, (0 before, 1 after). */
    @Test
    void strideTwoSameIsAsymmetric() {
        assertEquals(Padding.SAME, choose(32, 3, 2, 1, 0, 0, 1, 1).padding());
        // PyTorch's usual padding=1 at stride 2 is (1, 1): not TF's SAME for an even input
        ConvLowering.PaddingChoice torch = choose(32, 3, 2, 1, 1, 1, 1, 1);
        assertEquals(Padding.VALID, torch.padding());
        assertTrue(torch.needsPadOp());
        assertArrayEquals(new long[] {1, 1, 1, 1}, torch.pads());
        // for an odd input, total = (16 - 1) * 2 + 3 - 31 = 2: (1, 1) is SAME
        assertEquals(Padding.SAME, choose(31, 3, 2, 1, 1, 1, 1, 1).padding());
    }

    @Test
    void padsLargerOrLopsidedNeedAPadOp() {
        ConvLowering.PaddingChoice big = choose(16, 3, 1, 1, 2, 2, 2, 2);
        assertTrue(big.needsPadOp());
        assertArrayEquals(new long[] {2, 2, 2, 2}, big.pads());
        assertTrue(choose(16, 3, 1, 1, 1, 0, 1, 2).needsPadOp());
        assertTrue(choose(16, 2, 1, 1, 1, 1, 0, 0).needsPadOp(), "SAME for k=2 pads after, not before");
        assertEquals(Padding.SAME, choose(16, 2, 1, 1, 0, 0, 1, 1).padding());
    }

    @Test
    void autoPadModes() {
        long[] in = {15, 15}, k = {3, 3}, s = {2, 2}, d = {1, 1};
        assertEquals(Padding.SAME, ConvLowering.padding(in, k, s, d, "SAME_UPPER", null).padding());
        assertEquals(Padding.VALID, ConvLowering.padding(in, k, s, d, "VALID", null).padding());
        // 16 wide, k 2: total 1; SAME_LOWER puts it before, which TF's SAME does not
        ConvLowering.PaddingChoice lower = ConvLowering.padding(new long[] {16, 16}, new long[] {2, 2}, new long[] {1, 1},
                d, "SAME_LOWER", null);
        assertArrayEquals(new long[] {1, 1, 0, 0}, lower.pads());
    }
}
