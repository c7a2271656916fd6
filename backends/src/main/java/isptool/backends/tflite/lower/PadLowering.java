package isptool.backends.tflite.lower;

import isptool.backends.layout.Layout;
import isptool.graph.DType;
import isptool.graph.Node;
import isptool.graph.Tensor;
import isptool.graph.Value;
import org.tensorflow.lite.schema.BuiltinOperator;
import org.tensorflow.lite.schema.GatherOptionsT;
import org.tensorflow.lite.schema.MirrorPadMode;
import org.tensorflow.lite.schema.MirrorPadOptionsT;

/**
 * Pad (pads and value as attributes before opset 11, inputs after; opset 18's axes) on the stored
 * axes: constant to PAD (zero) or PADV2, reflect to MIRROR_PAD REFLECT, and edge, which TFLite has
 * no op for, to one GATHER per padded axis with the indices clamped into the input.
 */
final class PadLowering {
    private PadLowering() {
    }

    static void pad(Node n, LoweringContext cx) {
        Value x = n.input(0);
        long[] dims = cx.dims(n, x);
        int rank = dims.length;
        long[] pads = cx.ints(n, "pads", 1);
        long[] axes = cx.ints(n, null, 3);
        if (pads == null) {
            throw cx.refuse(n, "pads are missing");
        }
        int count = axes == null ? rank : axes.length;
        if (pads.length != 2 * count) {
            throw cx.refuse(n, "pads has " + pads.length + " entries for " + count + " axes");
        }
        long[] before = new long[rank];
        long[] after = new long[rank];
        for (int i = 0; i < count; i++) {
            int a = (int) (axes == null ? i : axes[i] < 0 ? axes[i] + rank : axes[i]);
            before[a] = pads[i];
            after[a] = pads[i + count];
            if (pads[i] < 0 || pads[i + count] < 0) {
                throw cx.refuse(n, "negative pads (cropping) on axis " + a + " are not supported; use Slice");
            }
        }
        Layout l = cx.layoutOf(x);
        long[] paddings = new long[2 * rank];
        for (int j = 0; j < rank; j++) {
            paddings[2 * j] = before[l.perm()[j]];
            paddings[2 * j + 1] = after[l.perm()[j]];
        }
        int in = cx.tensor(n, x);
        int out = cx.tensor(n, n.output(0));
        int pt = cx.constant(n.name() + "/paddings", Tensor.ofIntegers(DType.INT32, new long[] {rank, 2}, paddings));
        boolean none = java.util.Arrays.stream(paddings).allMatch(p -> p == 0);
        String mode = none ? "constant" : n.getString("mode", "constant"); // padding by nothing is a copy
        switch (mode) {
            case "constant" -> constantPad(n, cx, in, pt, padValue(n, cx), out);
            case "reflect" -> {
                MirrorPadOptionsT o = new MirrorPadOptionsT();
                o.setMode(MirrorPadMode.REFLECT);
                cx.builder().addOperator(BuiltinOperator.MIRROR_PAD, o, new int[] {in, pt}, new int[] {out});
            }
            case "edge" -> edge(n, cx, in, out, l.stored(dims), l.stored(before), l.stored(after));
            default -> throw cx.refuse(n, "mode " + mode + " is not supported (constant, reflect, edge)");
        }
    }

    /** The constant: the value attribute (opset &lt; 11) or the optional constant input 2; 0 without either. */
    /** PAD (value 0) or PADV2 (any other value) of in by the int32 [rank, 2] paddings tensor into out. */
    private static void constantPad(Node n, LoweringContext cx, int in, int paddings, float value, int out) {
        if (value == 0f) {
            cx.builder().addOperator(BuiltinOperator.PAD, null, new int[] {in, paddings}, new int[] {out});
        } else {
            int v = cx.constant(n.name() + "/pad_value", Tensor.ofFloats(new long[0], new float[] {value}));
            cx.builder().addOperator(BuiltinOperator.PADV2, null, new int[] {in, paddings, v}, new int[] {out});
        }
    }

    /**
     * The spatial padding convs and pools need: the NHWC tensor in padded with value by ONNX pads
     * (top, left, bottom, right), into a new tensor whose index is returned.
     */
    static int spatialPad(Node n, LoweringContext cx, int in, long[] nhwc, long[] pads, float value) {
        long[] paddings = {0, 0, pads[0], pads[2], pads[1], pads[3], 0, 0};
        int pt = cx.constant(n.name() + "/paddings", Tensor.ofIntegers(DType.INT32, new long[] {4, 2}, paddings));
        int out = cx.scratch(n.name() + "/padded",
                new long[] {nhwc[0], nhwc[1] + pads[0] + pads[2], nhwc[2] + pads[1] + pads[3], nhwc[3]});
        constantPad(n, cx, in, pt, value, out);
        return out;
    }

    private static float padValue(Node n, LoweringContext cx) {
        if (n.has("value")) {
            return n.getFloat("value", 0f);
        }
        Value v = n.input(2);
        if (v == null || v.name().isEmpty()) {
            return 0f;
        }
        if (!v.isConstant()) {
            throw cx.refuse(n, "a pad value computed at run time is not supported");
        }
        return v.constant().cast(DType.FLOAT).toFloats()[0];
    }

    /** Edge padding: stored axis by axis, GATHER of the rows clamp(i - before, 0, size - 1). */
    private static void edge(Node n, LoweringContext cx, int in, int out, long[] shape, long[] before, long[] after) {
        int last = -1;
        for (int j = 0; j < shape.length; j++) {
            if (before[j] + after[j] > 0) {
                last = j;
            }
        }
        int cur = in;
        long[] s = shape.clone();
        for (int j = 0; j <= last; j++) {
            if (before[j] + after[j] == 0) {
                continue;
            }
            long size = s[j];
            long[] idx = new long[(int) (size + before[j] + after[j])];
            for (int i = 0; i < idx.length; i++) {
                idx[i] = Math.max(0, Math.min(size - 1, i - before[j]));
            }
            s[j] = idx.length;
            int next = j == last ? out : cx.scratch(n.name() + "/edge" + j, s.clone());
            GatherOptionsT o = new GatherOptionsT();
            o.setAxis(j);
            cx.builder().addOperator(BuiltinOperator.GATHER, o, new int[] {cur,
                cx.int32(n.name() + "/rows" + j, false, idx)}, new int[] {next});
            cur = next;
        }
    }
}
