package isptool.backends.tflite.lower;

import isptool.graph.DType;
import isptool.graph.Node;
import isptool.graph.Tensor;
import isptool.graph.Value;
import java.util.Arrays;
import org.tensorflow.lite.schema.ActivationFunctionType;
import org.tensorflow.lite.schema.BuiltinOperator;
import org.tensorflow.lite.schema.Conv2DOptionsT;
import org.tensorflow.lite.schema.DepthwiseConv2DOptionsT;
import org.tensorflow.lite.schema.Padding;

/**
 * ONNX Conv (NCHW, weights OIHW) to CONV_2D (group 1, weights OHWI) or DEPTHWISE_CONV_2D (group ==
 * Cin, weights [1, kh, kw, Cout], depth_multiplier Cout/Cin) or, for other groups, a grouped
 * CONV_2D (version 6, weights [Cout, kh, kw, Cin/group]: TFLite's kernel and XNNPACK both run it),
 * always with a bias (zeros if the model has none: TFLite's CONV_2D needs it). A Relu/Clip clamp that is the conv output's only
 * reader is fused. ONNX's explicit pads become SAME when they are TF's SAME for this input size,
 * VALID when zero, else a PAD op before a VALID conv.
 */
final class ConvLowering {
    /** TFLite padding of a conv: SAME, VALID, or VALID after an explicit PAD of {@code pads} (t, l, b, r). */
    record PaddingChoice(byte padding, long[] pads) {
        boolean needsPadOp() {
            return pads != null;
        }
    }

    private ConvLowering() {
    }

    static void lower(Node n, LoweringContext cx) {
        Value x = n.input(0);
        Value w = n.input(1);
        Value b = n.input(2);
        if (x.shape() == null || x.shape().rank() != 4) {
            throw cx.refuse(n, "only 2-D convolutions (rank-4 input) are lowered so far, input is " + x.shape());
        }
        if (!w.isConstant() || b != null && !b.isConstant()) {
            throw cx.refuse(n, "weights computed at run time are not supported; fold them to constants first");
        }
        long[] xs = x.shape().dims();
        long[] ws = w.constant().shape();
        long group = n.getInt("group", 1);
        long cin = xs[1];
        long cout = ws[0];
        long[] strides = n.getInts("strides", new long[] {1, 1});
        long[] dilations = n.getInts("dilations", new long[] {1, 1});
        PaddingChoice pad = padding(new long[] {xs[2], xs[3]}, new long[] {ws[2], ws[3]}, strides, dilations,
                n.getString("auto_pad", "NOTSET"), n.getInts("pads", new long[4]));

        int in = cx.tensor(n, x);
        if (pad.needsPadOp()) {
            in = PadLowering.spatialPad(n, cx, in, cx.storedShape(n, x), pad.pads(), 0f);
        }
        Value y = n.output(0);
        Node clampNode = cx.soleReader(y);
        Activations.Clamp clamp = clampNode == null ? null : Activations.of(clampNode);
        byte fused = ActivationFunctionType.NONE;
        if (clamp != null) {
            cx.fused(clampNode);
            cx.writeInto(y, cx.tensor(clampNode, clampNode.output(0)));
            fused = clamp.fused();
        }
        int out = cx.tensor(n, y);
        Tensor bias = b != null ? b.constant().cast(DType.FLOAT) : Tensor.ofFloats(new long[] {cout}, new float[(int) cout]);
        int bt = cx.constant(n.name() + "/bias", bias);
        if (group == 1 || ws[1] * group == cin && cout % group == 0 && group != cin) {
            int wt = cx.constant(n.name() + "/weights_ohwi", StoredTensors.transpose(w.constant().cast(DType.FLOAT),
                    WeightLayout.CONV_OHWI));
            Conv2DOptionsT o = new Conv2DOptionsT();
            o.setPadding(pad.padding());
            o.setStrideH((int) strides[0]);
            o.setStrideW((int) strides[1]);
            o.setDilationHFactor((int) dilations[0]);
            o.setDilationWFactor((int) dilations[1]);
            o.setFusedActivationFunction(fused);
            // grouped (filter channels Cin / group) is CONV_2D version 6
            cx.builder().addOperator(BuiltinOperator.CONV_2D, group == 1 ? 1 : 6, o, new int[] {in, wt, bt},
                    new int[] {out});
        } else if (group == cin && ws[1] == 1) {
            int wt = cx.constant(n.name() + "/weights_1hwo", StoredTensors.transpose(w.constant().cast(DType.FLOAT),
                    WeightLayout.DEPTHWISE_1HWO));
            DepthwiseConv2DOptionsT o = new DepthwiseConv2DOptionsT();
            o.setPadding(pad.padding());
            o.setStrideH((int) strides[0]);
            o.setStrideW((int) strides[1]);
            o.setDilationHFactor((int) dilations[0]);
            o.setDilationWFactor((int) dilations[1]);
            o.setDepthMultiplier((int) (cout / cin));
            o.setFusedActivationFunction(fused);
            cx.builder().addOperator(BuiltinOperator.DEPTHWISE_CONV_2D, o, new int[] {in, wt, bt}, new int[] {out});
        } else {
            throw cx.refuse(n, "group " + group + " does not divide " + cin + " input channels and " + cout
                    + " outputs into equal groups (weights " + Arrays.toString(ws) + ")");
        }
    }

    /**
     * TF's SAME pads, per spatial axis: total = max((ceil(in/s) - 1) * s + (k - 1) * d + 1 - in, 0),
     * before = total / 2, the rest after. ONNX pads are (begin H, begin W, end H, end W).
     */
    static PaddingChoice padding(long[] in, long[] k, long[] s, long[] d, String autoPad, long[] onnxPads) {
        long[] same = new long[4];
        for (int a = 0; a < 2; a++) {
            long out = (in[a] + s[a] - 1) / s[a];
            long total = Math.max((out - 1) * s[a] + (k[a] - 1) * d[a] + 1 - in[a], 0);
            same[a] = total / 2;
            same[a + 2] = total - total / 2;
        }
        long[] pads = switch (autoPad) {
            case "SAME_UPPER" -> same;
            case "SAME_LOWER" -> new long[] {same[2], same[3], same[0], same[1]};
            case "VALID" -> new long[4];
            default -> onnxPads;
        };
        if (Arrays.equals(pads, new long[4])) {
            return new PaddingChoice(Padding.VALID, null);
        }
        if (Arrays.equals(pads, same)) {
            return new PaddingChoice(Padding.SAME, null);
        }
        return new PaddingChoice(Padding.VALID, pads.clone());
    }
}
