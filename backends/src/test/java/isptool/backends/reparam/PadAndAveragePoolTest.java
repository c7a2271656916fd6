package isptool.backends.reparam;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import isptool.graph.Node;
import isptool.graph.Tensor;
import isptool.graph.Value;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Case 6: explicit Pads and DBB's average-pool branch. */
class PadAndAveragePoolTest {
    @Test
    void zeroPadFoldsIntoTheConvPadding() {
        SmallGraph s = new SmallGraph(60);
        Value x = s.input("x", 1, 4, 8, 8);
        Value padded = s.pad("pad", x, 1, 2, 0, 1, 0f);
        s.output(s.conv("k3", padded, 4, 3, 3).pads(1, 0, 1, 0).build(), "y");

        Folding f = Folding.reparam(s);

        assertEquals(0, f.count("Pad"));
        assertArrayEquals(new long[] {2, 2, 1, 1}, f.only("Conv").getInts("pads", null));
        f.assertApplied("FoldPadIntoConv", "zero padding folded into conv \"k3\"");
    }

    /** Opset 18 Pad with an axes input naming H and W only. */
    @Test
    void zeroPadWithAxesInputFoldsIntoTheConvPadding() {
        SmallGraph s = new SmallGraph(61, 18);
        Value x = s.input("x", 1, 4, 8, 8);
        Value padded = s.node("Pad", "pad", x, s.ints("pads", 1, 0, 2, 3), s.scalar("zero", 0f), s.ints("axes", -2, -1));
        s.output(s.conv("k3", padded, 4, 3, 3).build(), "y");

        Folding f = Folding.reparam(s);

        assertEquals(0, f.count("Pad"));
        assertArrayEquals(new long[] {1, 0, 2, 3}, f.only("Conv").getInts("pads", null));
    }

    /**
     * DBB/ECB: a 1x1 with a uniform bias b, padded with the value b, then an unpadded 3x3. The
     * border is the 1x1's response to zero padding, so the pad becomes a zero pad and the whole
     * chain one conv.
     */
    @Test
    void padWithTheBiasOfThePointwiseConvFoldsIntoOneConv() {
        SmallGraph s = new SmallGraph(62);
        Value x = s.input("x", 1, 4, 8, 8);
        Value mid = s.conv("pw", x, 6, 1, 1).bias(0.375f).build();
        Value padded = s.pad("bias_pad", mid, 1, 1, 1, 1, 0.375f);
        s.output(s.conv("k3", padded, 4, 3, 3).build(), "y");

        Folding f = Folding.reparam(s);

        assertEquals(0, f.count("Pad"));
        Node conv = f.only("Conv");
        assertArrayEquals(new long[] {1, 1, 1, 1}, conv.getInts("pads", null));
        f.assertApplied("BiasPadToZeroPad", "bias-padded border of \"pw\" (Pad value) moved into the bias of \"k3\"");
        f.assertApplied("MergeSequentialConvs", "\"pw\"");
        f.assertNothingRefused();
    }

    /** A pad value that is not the 1x1's bias is refused with the difference; the graph still runs right. */
    @Test
    void padWithAnotherValueIsRefused() {
        SmallGraph s = new SmallGraph(63);
        Value x = s.input("x", 1, 4, 8, 8);
        Value mid = s.conv("pw", x, 6, 1, 1).bias(0.375f).build();
        Value padded = s.pad("bias_pad", mid, 1, 1, 1, 1, 0.5f);
        s.output(s.conv("k3", padded, 4, 3, 3).build(), "y");

        Folding f = Folding.reparam(s);

        assertEquals(1, f.count("Pad"));
        assertEquals(2, f.count("Conv"));
        f.assertRefused("BiasPadToZeroPad", "border values differ from the bias of \"pw\"");
    }

    /**
     * DBB's pool branch: 1x1 (no bias) -> AveragePool 3x3 pad 1 with count_include_pad=1, summed
     * with a 3x3 pad 1: the pool is a depthwise 1/9 kernel, then everything is one conv.
     */
    @Test
    void averagePoolBranchCountingPaddingMerges() {
        SmallGraph s = new SmallGraph(64);
        Value x = s.input("x", 1, 4, 8, 8);
        Value pooled = s.averagePool("pool", s.conv("pw", x, 4, 1, 1).noBias().build(), 3, 1, 1, true);
        Value k3 = s.conv("k3", x, 4, 3, 3).pad(1).build();
        s.output(s.add("sum", pooled, k3), "y");

        Folding f = Folding.reparam(s);

        assertEquals(0, f.count("AveragePool"));
        Node conv = f.only("Conv");
        assertArrayEquals(new long[] {3, 3}, conv.getInts("kernel_shape", null));
        f.assertApplied("AveragePoolToConv", "average pool as depthwise conv");
        f.assertNothingRefused();
    }

    /** A strided pool without padding becomes a strided depthwise conv (exact: no border). */
    @Test
    void stridedAveragePoolWithoutPaddingBecomesConv() {
        SmallGraph s = new SmallGraph(65);
        Value x = s.input("x", 1, 4, 8, 8);
        s.output(s.averagePool("pool", s.conv("pw", x, 4, 1, 1).build(), 2, 2, 0, false), "y");

        Folding f = Folding.reparam(s);

        assertEquals(0, f.count("AveragePool"));
        // the 1x1 stays separate: merged with the pool it would be a dense 2x2, costlier than the two
        assertEquals(2, f.count("Conv"));
        Node pool = f.graph().nodes().stream().filter(n -> n.name().equals("pool")).findFirst().orElseThrow();
        assertArrayEquals(new long[] {2, 2}, pool.getInts("strides", null));
    }

    /** Padding left out of the divisor (count_include_pad=0) is not a fixed kernel: refused, pool kept. */
    @Test
    void averagePoolExcludingPaddingIsRefused() {
        SmallGraph s = new SmallGraph(66);
        Value x = s.input("x", 1, 4, 8, 8);
        Value pooled = s.averagePool("pool", s.conv("pw", x, 4, 1, 1).noBias().build(), 3, 1, 1, false);
        Value k3 = s.conv("k3", x, 4, 3, 3).pad(1).build();
        s.output(s.add("sum", pooled, k3), "y");

        Folding f = Folding.reparam(s);

        assertEquals(1, f.count("AveragePool"));
        assertEquals(2, f.count("Conv"));
        f.assertRefused("AveragePoolToConv", "count_include_pad=0");
    }

    /**
     * DBB's BN-and-pad then pool: 1x1 with uniform bias b -> Pad(b) -> AveragePool 3x3 (no pool
     * padding), summed with a 3x3 pad 1. The pool becomes a conv, the bias pad a zero pad, all one conv.
     */
    @Test
    void biasPaddedAveragePoolBranchMerges() {
        SmallGraph s = new SmallGraph(67);
        Value x = s.input("x", 1, 4, 8, 8);
        Value pw = s.conv("pw", x, 4, 1, 1).bias(-0.625f).build();
        Value pooled = s.averagePool("pool", s.pad("bias_pad", pw, 1, 1, 1, 1, -0.625f), 3, 1, 0, true);
        Value k3 = s.conv("k3", x, 4, 3, 3).pad(1).build();
        s.output(s.add("sum", pooled, k3), "y");

        Folding f = Folding.reparam(s);

        assertEquals(1, f.graph().nodeCount(), f.describe());
        f.only("Conv");
        f.assertApplied("BiasPadToZeroPad", "moved into the bias of \"pool\"");
        f.assertNothingRefused();
    }

    /**
     * DBB's BN-and-pad as PyTorch exports it: Pad(0) then ScatterND writing each channel's bias on
     * the one-pixel border, then an unpadded 3x3. The border holds b1 per channel: folds to one conv.
     */
    @Test
    void perChannelBiasBorderWrittenByScatterNdFolds() {
        SmallGraph s = new SmallGraph(68);
        Value x = s.input("x", 1, 4, 6, 6);
        Node pw = s.conv("pw", x, 8, 1, 1).node(); // widening 1x1: merged with the 3x3 it costs less
        float[] bias = pw.input(2).constant().toFloats();
        Value padded = s.pad("pad", pw.output(0), 1, 1, 1, 1, 0f);
        s.output(s.conv("k3", borderWrites(s, padded, bias, 8, 8), 4, 3, 3).build(), "y");

        Folding f = Folding.reparam(s);

        assertEquals(1, f.graph().nodeCount(), f.describe());
        f.assertApplied("BiasPadToZeroPad", "(1 border writes) moved into the bias of \"k3\"");
    }

    /** One ScatterND writing value[c] on every border pixel of an [1, C, h, w] map padded by one. */
    private static Value borderWrites(SmallGraph s, Value padded, float[] value, int h, int w) {
        List<long[]> idx = new ArrayList<>();
        List<Float> upd = new ArrayList<>();
        for (int c = 0; c < value.length; c++) {
            for (int y = 0; y < h; y++) {
                for (int xx = 0; xx < w; xx++) {
                    if (y == 0 || y == h - 1 || xx == 0 || xx == w - 1) {
                        idx.add(new long[] {0, c, y, xx});
                        upd.add(value[c]);
                    }
                }
            }
        }
        long[] flat = new long[idx.size() * 4];
        float[] u = new float[upd.size()];
        for (int i = 0; i < idx.size(); i++) {
            System.arraycopy(idx.get(i), 0, flat, i * 4, 4);
            u[i] = upd.get(i);
        }
        Value indices = s.g.addConstant("border.indices", Tensor.ofLongs(new long[] {idx.size(), 4}, flat));
        Value updates = s.floats("border.values", new long[] {upd.size()}, u);
        return s.node("ScatterND", "border", padded, indices, updates);
    }
}
