package isptool.backends.tflite.lower;

import isptool.backends.tflite.TfliteType;
import isptool.graph.DType;
import isptool.graph.Node;
import isptool.graph.Tensor;
import isptool.graph.Value;
import org.tensorflow.lite.schema.ActivationFunctionType;
import org.tensorflow.lite.schema.BuiltinOperator;
import org.tensorflow.lite.schema.Padding;
import org.tensorflow.lite.schema.TransposeConvOptionsT;

/**
 * ONNX ConvTranspose (group 1, no dilation, constant weights [Cin, Cout, kh, kw]) to TRANSPOSE_CONV
 * (version 3: inputs output_shape int32 NHWC, weights OHWI [Cout, kh, kw, Cin], input, bias).
 *
 * <p>Both compute out[i * s + f - padBefore] += in[i] * w[f] for the positions inside the output.
 * TFLite derives padBefore from the output size O: 0 for VALID, and for SAME total / 2 with total =
 * max((ceil(O / s) - 1) * s + k - O, 0); its im2col kernel is only right when the input size is
 * what a conv of O would give (SAME: ceil(O / s), VALID: (O - k) / s + 1). When ONNX's begin pads
 * are SAME's and that holds, the op is SAME; otherwise a VALID transpose conv to
 * max((I - 1) * s + k, O + padBefore) is followed by a SLICE of the O rows and columns from padBefore
 * (none when that is the whole output).
 */
final class ConvTransposeLowering {
    private ConvTransposeLowering() {
    }

    static void lower(Node n, LoweringContext cx) {
        Value x = n.input(0);
        Value w = n.input(1);
        Value b = n.inputs().size() > 2 && n.input(2) != null && !n.input(2).name().isEmpty() ? n.input(2) : null;
        Value y = n.output(0);
        if (x.shape() == null || x.shape().rank() != 4) {
            throw cx.refuse(n, "only 2-D transposed convolutions (rank-4 input) are lowered so far, input is " + x.shape());
        }
        if (!w.isConstant() || b != null && !b.isConstant()) {
            throw cx.refuse(n, "weights computed at run time are not supported; fold them to constants first");
        }
        if (n.getInt("group", 1) != 1) {
            throw cx.refuse(n, "group " + n.getInt("group", 1) + " is not supported; TRANSPOSE_CONV has no groups");
        }
        long[] d = n.getInts("dilations", new long[] {1, 1});
        if (d[0] != 1 || d[1] != 1) {
            throw cx.refuse(n, "dilations " + d[0] + "x" + d[1] + " are not supported by TRANSPOSE_CONV");
        }
        if (n.has("output_shape")) {
            throw cx.refuse(n, "the output_shape attribute (pads derived from it) is not supported; export with pads");
        }
        String autoPad = n.getString("auto_pad", "NOTSET");
        if (!autoPad.equals("NOTSET") && !autoPad.equals("VALID")) {
            throw cx.refuse(n, "auto_pad " + autoPad + " is not supported yet; export with explicit pads");
        }
        long[] ys = cx.storedShape(n, y); // NHWC
        long[] ws = w.constant().shape(); // [Cin, Cout, kh, kw]
        long[] s = n.getInts("strides", new long[] {1, 1});
        long[] pads = autoPad.equals("VALID") ? new long[4] : n.getInts("pads", new long[4]);
        long[] k = {ws[2], ws[3]};
        long[] o = {ys[1], ys[2]};
        if (pads[0] < 0 || pads[1] < 0) {
            throw cx.refuse(n, "negative pads are not supported");
        }
        long[] xs = cx.storedShape(n, x);
        long[] in = {xs[1], xs[2]};
        byte padding = Padding.SAME;
        long[] full = {ys[0], o[0], o[1], ys[3]};
        long[] shift = new long[2];
        for (int a = 0; a < 2; a++) {
            if (pads[a] != samePadBefore(o[a], k[a], s[a]) || (o[a] + s[a] - 1) / s[a] != in[a]) {
                padding = Padding.VALID;
            }
        }
        if (padding == Padding.VALID) {
            for (int a = 0; a < 2; a++) {
                long natural = (in[a] - 1) * s[a] + k[a];
                full[a + 1] = Math.max(natural, o[a] + pads[a]);
                shift[a] = pads[a];
                if ((full[a + 1] - k[a]) / s[a] + 1 != in[a]) {
                    throw cx.refuse(n, "output_padding and pads give " + o[a] + " outputs on axis " + (a + 2)
                            + ", which TRANSPOSE_CONV cannot produce from " + in[a] + " inputs with stride " + s[a]);
                }
            }
        }
        long cout = ws[1];
        int shape = cx.constant(n.name() + "/output_shape", Tensor.ofIntegers(DType.INT32, new long[] {4}, full));
        int wt = cx.constant(n.name() + "/weights_ohwi", StoredTensors.transpose(w.constant().cast(DType.FLOAT),
                new int[] {1, 2, 3, 0}));
        Tensor bias = b != null ? b.constant().cast(DType.FLOAT) : Tensor.ofFloats(new long[] {cout}, new float[(int) cout]);
        int bt = cx.constant(n.name() + "/bias", bias);
        boolean crop = full[1] != o[0] || full[2] != o[1];
        int out = crop ? cx.builder().addTensor(n.name() + "/uncropped", TfliteType.FLOAT32, full) : cx.tensor(n, y);
        TransposeConvOptionsT opt = new TransposeConvOptionsT();
        opt.setPadding(padding);
        opt.setStrideH((int) s[0]);
        opt.setStrideW((int) s[1]);
        opt.setFusedActivationFunction(ActivationFunctionType.NONE);
        cx.builder().addOperator(BuiltinOperator.TRANSPOSE_CONV, 3, opt, new int[] {shape, wt, cx.tensor(n, x), bt},
                new int[] {out});
        if (crop) {
            int begin = cx.constant(n.name() + "/crop_begin", Tensor.ofIntegers(DType.INT32, new long[] {4},
                    new long[] {0, shift[0], shift[1], 0}));
            int size = cx.constant(n.name() + "/crop_size", Tensor.ofIntegers(DType.INT32, new long[] {4}, ys));
            cx.builder().addOperator(BuiltinOperator.SLICE, null, new int[] {out, begin, size},
                    new int[] {cx.tensor(n, y)});
        }
    }

    /** TFLite's SAME pad before for a transpose conv producing o: total / 2 of the conv o -> ceil(o / s). */
    static long samePadBefore(long o, long k, long s) {
        long in = (o + s - 1) / s;
        return Math.max((in - 1) * s + k - o, 0) / 2;
    }
}
