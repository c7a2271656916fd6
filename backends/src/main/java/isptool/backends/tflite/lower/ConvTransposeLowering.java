package isptool.backends.tflite.lower;

import isptool.graph.DType;
import isptool.graph.Node;
import isptool.graph.Tensor;
import isptool.graph.Value;
import java.util.Arrays;
import org.tensorflow.lite.schema.ActivationFunctionType;
import org.tensorflow.lite.schema.BuiltinOperator;
import org.tensorflow.lite.schema.ConcatenationOptionsT;
import org.tensorflow.lite.schema.Padding;
import org.tensorflow.lite.schema.SplitOptionsT;
import org.tensorflow.lite.schema.TransposeConvOptionsT;

/**
 * ONNX ConvTranspose (constant weights [Cin, Cout / group, kh, kw]) to TRANSPOSE_CONV (version 3:
 * inputs output_shape int32 NHWC, weights OHWI [Cout, kh, kw, Cin], input, bias). Dilations become
 * zeros between the kernel taps; groups one TRANSPOSE_CONV per group between a SPLIT and a
 * CONCATENATION of the channels.
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
        long[] d = n.getInts("dilations", new long[] {1, 1});
        Tensor weights = dilated(w.constant().cast(DType.FLOAT), d); // [Cin, Cout / group, kh, kw]
        long[] ys = cx.storedShape(n, y); // NHWC
        long[] ws = weights.shape();
        long[] s = n.getInts("strides", new long[] {1, 1});
        long[] k = {ws[2], ws[3]};
        long[] o = {ys[1], ys[2]};
        long[] xs = cx.storedShape(n, x);
        long[] in = {xs[1], xs[2]};
        long[] pads = padsBefore(n, cx, in, k, s, o);
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
        long cout = ys[3];
        Tensor bias = b != null ? b.constant().cast(DType.FLOAT) : Tensor.ofFloats(new long[] {cout}, new float[(int) cout]);
        boolean crop = full[1] != o[0] || full[2] != o[1];
        int out = crop ? cx.scratch(n.name() + "/uncropped", full) : cx.tensor(n, y);
        TransposeConvOptionsT opt = new TransposeConvOptionsT();
        opt.setPadding(padding);
        opt.setStrideH((int) s[0]);
        opt.setStrideW((int) s[1]);
        opt.setFusedActivationFunction(ActivationFunctionType.NONE);
        int group = (int) n.getInt("group", 1);
        if (group == 1) {
            transposeConv(n, cx, "", opt, full, weights, bias, cx.tensor(n, x), out);
        } else {
            grouped(n, cx, group, opt, full, weights, bias, xs, out);
        }
        if (crop) {
            int begin = cx.int32(n.name() + "/crop_begin", false, 0, shift[0], shift[1], 0);
            int size = cx.int32(n.name() + "/crop_size", false, ys);
            cx.builder().addOperator(BuiltinOperator.SLICE, null, new int[] {out, begin, size},
                    new int[] {cx.tensor(n, y)});
        }
    }

    /** One TRANSPOSE_CONV of weights [Cin, Cout, kh, kw] (made OHWI) writing {@code full} with Cout channels. */
    private static void transposeConv(Node n, LoweringContext cx, String suffix, TransposeConvOptionsT opt,
            long[] full, Tensor weights, Tensor bias, int in, int out) {
        long[] shape = {full[0], full[1], full[2], weights.dim(1)};
        int st = cx.int32(n.name() + "/output_shape" + suffix, false, shape);
        int wt = cx.constant(n.name() + "/weights_ohwi" + suffix, StoredTensors.transpose(weights, WeightLayout.TRANSPOSE_CONV_OHWI));
        int bt = cx.constant(n.name() + "/bias" + suffix, bias);
        cx.builder().addOperator(BuiltinOperator.TRANSPOSE_CONV, 3, opt, new int[] {st, wt, in, bt}, new int[] {out});
    }

    /**
     * Groups, which TRANSPOSE_CONV lacks: SPLIT of the input channels, one TRANSPOSE_CONV per group
     * with its rows of the weights and its part of the bias, CONCATENATION of the outputs.
     */
    private static void grouped(Node n, LoweringContext cx, int group, TransposeConvOptionsT opt, long[] full,
            Tensor weights, Tensor bias, long[] xs, int out) {
        long cin = xs[3] / group;
        long cout = weights.dim(1);
        float[] wf = weights.toFloats();
        float[] bf = bias.toFloats();
        int per = (int) (cin * cout * weights.dim(2) * weights.dim(3));
        int[] parts = new int[group];
        int[] outs = new int[group];
        for (int i = 0; i < group; i++) {
            parts[i] = cx.scratch(n.name() + "/in" + i, new long[] {xs[0], xs[1], xs[2], cin});
            outs[i] = cx.scratch(n.name() + "/out" + i, new long[] {full[0], full[1], full[2], cout});
        }
        SplitOptionsT so = new SplitOptionsT();
        so.setNumSplits(group);
        cx.builder().addOperator(BuiltinOperator.SPLIT, so, new int[] {cx.int32(n.name() + "/channel_axis", true, 3),
            cx.tensor(n, n.input(0))}, parts);
        for (int i = 0; i < group; i++) {
            Tensor wg = Tensor.ofFloats(new long[] {cin, cout, weights.dim(2), weights.dim(3)},
                    Arrays.copyOfRange(wf, i * per, (i + 1) * per));
            Tensor bg = Tensor.ofFloats(new long[] {cout}, Arrays.copyOfRange(bf, (int) (i * cout), (int) ((i + 1) * cout)));
            transposeConv(n, cx, "_g" + i, opt, full, wg, bg, parts[i], outs[i]);
        }
        ConcatenationOptionsT co = new ConcatenationOptionsT();
        co.setAxis(3);
        cx.builder().addOperator(BuiltinOperator.CONCATENATION, co, outs, new int[] {out});
    }

    /** Weights [Cin, Cout, kh, kw] with d - 1 zeros between taps: a dilated kernel as an undilated one. */
    static Tensor dilated(Tensor w, long[] d) {
        if (d[0] == 1 && d[1] == 1) {
            return w;
        }
        long[] ws = w.shape();
        long kh = (ws[2] - 1) * d[0] + 1;
        long kw = (ws[3] - 1) * d[1] + 1;
        float[] src = w.toFloats();
        float[] dst = new float[(int) (ws[0] * ws[1] * kh * kw)];
        for (int p = 0; p < ws[0] * ws[1]; p++) {
            for (int i = 0; i < ws[2]; i++) {
                for (int j = 0; j < ws[3]; j++) {
                    dst[(int) ((p * kh + i * d[0]) * kw + j * d[1])] = src[(int) ((p * ws[2] + i) * ws[3] + j)];
                }
            }
        }
        return Tensor.ofFloats(new long[] {ws[0], ws[1], kh, kw}, dst);
    }

    /**
     * The rows and columns cut at the start: the pads attribute, or with output_shape or SAME_*
     * auto_pad from the total (in - 1) * s + k + output_padding - out, the odd one first except for
     * SAME_UPPER (as onnxruntime, the reference, does).
     */
    private static long[] padsBefore(Node n, LoweringContext cx, long[] in, long[] k, long[] s, long[] o) {
        String autoPad = n.getString("auto_pad", "NOTSET");
        long[] pads = n.getInts("pads", new long[4]);
        if (autoPad.equals("VALID")) {
            return new long[2];
        }
        if (!autoPad.equals("NOTSET") || n.has("output_shape")) {
            long[] op = n.getInts("output_padding", new long[2]);
            long[] r = new long[2];
            for (int a = 0; a < 2; a++) {
                long total = (in[a] - 1) * s[a] + k[a] + op[a] - o[a];
                if (total < 0) {
                    throw cx.refuse(n, autoPad + " with output size " + o[a] + " on axis " + (a + 2)
                            + " needs negative padding; export with explicit pads");
                }
                r[a] = autoPad.equals("SAME_UPPER") ? total / 2 : total - total / 2;
            }
            pads = r;
        }
        if (pads[0] < 0 || pads[1] < 0) {
            throw cx.refuse(n, "negative pads are not supported");
        }
        return pads;
    }

    /** TFLite's SAME pad before for a transpose conv producing o: total / 2 of the conv o -> ceil(o / s). */
    static long samePadBefore(long o, long k, long s) {
        long in = (o + s - 1) / s;
        return Math.max((in - 1) * s + k - o, 0) / 2;
    }
}
