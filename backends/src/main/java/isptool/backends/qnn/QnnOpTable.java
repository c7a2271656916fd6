package isptool.backends.qnn;

import static isptool.backends.qnn.QnnDataType.INT_32;
import static isptool.backends.qnn.QnnDataType.UINT_32;

import isptool.backends.tflite.TfliteModel.OperatorInfo;
import isptool.backends.tflite.TfliteModel.TensorInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.tensorflow.lite.schema.ActivationFunctionType;
import org.tensorflow.lite.schema.ConcatenationOptionsT;
import org.tensorflow.lite.schema.Conv2DOptionsT;
import org.tensorflow.lite.schema.DepthToSpaceOptionsT;
import org.tensorflow.lite.schema.DepthwiseConv2DOptionsT;
import org.tensorflow.lite.schema.FullyConnectedOptionsT;
import org.tensorflow.lite.schema.MirrorPadOptionsT;
import org.tensorflow.lite.schema.Padding;
import org.tensorflow.lite.schema.Pool2DOptionsT;
import org.tensorflow.lite.schema.ReducerOptionsT;
import org.tensorflow.lite.schema.ResizeBilinearOptionsT;
import org.tensorflow.lite.schema.ResizeNearestNeighborOptionsT;
import org.tensorflow.lite.schema.SoftmaxOptionsT;
import org.tensorflow.lite.schema.SpaceToDepthOptionsT;
import org.tensorflow.lite.schema.StridedSliceOptionsT;
import org.tensorflow.lite.schema.TransposeConvOptionsT;

/**
 * One row per TFLite operator: the QNN op (QNN.md sec. 5) it becomes, its inputs, and its
 * parameters computed from the TFLite options and shapes. Layout facts used:
 * <ul>
 * <li>CONV_2D weights OHWI [Cout,kh,kw,Cin/g] -> Conv2d HWIO [kh,kw,Cin/g,Cout]; group = Cin / (Cin/g).</li>
 * <li>DEPTHWISE_CONV_2D [1,kh,kw,C] -> DepthWiseConv2d [kh,kw,1,C].</li>
 * <li>TRANSPOSE_CONV [Cout,kh,kw,Cin] -> TransposeConv2d [kh,kw,Cin,Cout]; pad_amount is the crop
 * {@code (in-1)*s + k - out}, SAME split as TFLite does (smaller half first).</li>
 * <li>SAME padding: {@code total = max(0, (out-1)*s + (k-1)*d + 1 - in)}, top/left {@code total/2},
 * bottom/right the rest (TFLite's rule); VALID: 0.</li>
 * <li>DEPTH_TO_SPACE is DCR (mode 0); SLICE and STRIDED_SLICE become StridedSlice with explicit
 * ranges (masks resolved here, so only shrink_axes remains).</li>
 * <li>MAXIMUM, MINIMUM, DIV, SQRT, RSQRT become the classic ElementWiseMaximum, ElementWiseMinimum,
 * ElementWiseDivide (in0 / in1), ElementWiseSquareRoot and ElementWiseRsqrt (one input): no
 * parameters, output of in[0]'s type. Not in QNN.md; facts from the SDK 2.13 op definitions
 * (peyer/qcom_qnn {@code docs/QNN/OpDef/MasterOpDef.html}), whose support table
 * ({@code docs/QNN/OpDef/SupportedOps.html}) marks all five for the HTP backend, where the
 * ElementWiseBinary form is marked for no backend.</li>
 * </ul>
 * Anything else is refused.
 */
final class QnnOpTable {
    private QnnOpTable() {
    }

    static void emit(TfliteToQnn c, OperatorInfo op, String origin) {
        boolean boundary = op.opName().equals("QUANTIZE") || op.opName().equals("DEQUANTIZE");
        String name = origin != null && !boundary ? origin : op.opName().toLowerCase() + "_" + op.index();
        List<Integer> in = op.inputs();
        switch (op.opName()) {
            case "CONV_2D", "DEPTHWISE_CONV_2D" -> conv(c, op, origin, name);
            case "TRANSPOSE_CONV" -> transposeConv(c, op, origin, name);
            case "FULLY_CONNECTED" -> {
                FullyConnectedOptionsT o = (FullyConnectedOptionsT) op.options();
                List<String> ins = new ArrayList<>(List.of(c.input(in.get(0)),
                        c.staticTensor(in.get(1), (t, n) -> c.mapping.weights(t, n, new int[] {0, 1}))));
                bias(c, op, ins);
                withActivation(c, op, origin, name, "FullyConnected",
                        List.of(QnnParam.bool("keep_dims", o != null && o.getKeepNumDims())), ins,
                        o == null ? 0 : o.getFusedActivationFunction());
            }
            case "ADD" -> binary(c, op, origin, name, "ElementWiseAdd");
            case "SUB" -> binary(c, op, origin, name, "ElementWiseSubtract");
            case "MUL" -> binary(c, op, origin, name, "ElementWiseMultiply");
            case "MAXIMUM" -> binary(c, op, origin, name, "ElementWiseMaximum");
            case "MINIMUM" -> binary(c, op, origin, name, "ElementWiseMinimum");
            case "DIV" -> binary(c, op, origin, name, "ElementWiseDivide");
            case "SQRT" -> simple(c, op, origin, name, "ElementWiseSquareRoot", List.of(), 1);
            case "RSQRT" -> simple(c, op, origin, name, "ElementWiseRsqrt", List.of(), 1);
            case "PRELU" -> simple(c, op, origin, name, "Prelu", List.of(), 2);
            case "RELU" -> simple(c, op, origin, name, "Relu", List.of(), 1);
            case "RELU6" -> simple(c, op, origin, name, "ReluMinMax", reluMinMax(0, 6), 1);
            case "RELU_N1_TO_1" -> simple(c, op, origin, name, "ReluMinMax", reluMinMax(-1, 1), 1);
            case "RELU_0_TO_1" -> simple(c, op, origin, name, "ReluMinMax", reluMinMax(0, 1), 1);
            case "LOGISTIC" -> {
                simple(c, op, origin, name, "Sigmoid", List.of(), 1);
                sigmoidOutputEncoding(c, op.outputs().get(0));
            }
            case "TANH" -> simple(c, op, origin, name, "Tanh", List.of(), 1);
            case "HARD_SWISH" -> simple(c, op, origin, name, "HardSwish", List.of(), 1);
            case "GELU" -> simple(c, op, origin, name, "Gelu", List.of(), 1);
            case "RESHAPE" -> simple(c, op, origin, name, "Reshape", List.of(), 1);
            case "DEPTH_TO_SPACE" -> {
                int b = ((DepthToSpaceOptionsT) op.options()).getBlockSize();
                simple(c, op, origin, name, "DepthToSpace", List.of(u32s("block_size", b, b), QnnParam.u32("mode", 0)), 1);
            }
            case "SPACE_TO_DEPTH" -> {
                int b = ((SpaceToDepthOptionsT) op.options()).getBlockSize();
                simple(c, op, origin, name, "SpaceToDepth", List.of(u32s("block_size", b, b)), 1);
            }
            case "CONCATENATION" -> {
                ConcatenationOptionsT o = (ConcatenationOptionsT) op.options();
                int rank = c.info(op.outputs().get(0)).shape().length;
                List<String> ins = new ArrayList<>();
                in.forEach(i -> ins.add(c.input(i)));
                withActivation(c, op, origin, name, "Concat",
                        List.of(QnnParam.u32("axis", Math.floorMod(o.getAxis(), rank))), ins, o.getFusedActivationFunction());
            }
            case "TRANSPOSE" -> simple(c, op, origin, name, "Transpose", List.of(u32s("perm", constInts(c, in.get(1)))), 1);
            case "MEAN" -> {
                int rank = c.info(in.get(0)).shape().length;
                long[] axes = constInts(c, in.get(1));
                for (int i = 0; i < axes.length; i++) {
                    axes[i] = Math.floorMod(axes[i], rank);
                }
                ReducerOptionsT o = (ReducerOptionsT) op.options();
                simple(c, op, origin, name, "ReduceMean",
                        List.of(u32s("axes", axes), QnnParam.bool("keep_dims", o != null && o.getKeepDims())), 1);
            }
            case "AVERAGE_POOL_2D", "MAX_POOL_2D" -> pool(c, op, origin, name);
            case "SOFTMAX" -> {
                int rank = c.info(in.get(0)).shape().length;
                simple(c, op, origin, name, "Softmax", List.of(QnnParam.u32("axis", rank - 1),
                        QnnParam.f32("beta", ((SoftmaxOptionsT) op.options()).getBeta())), 1);
            }
            case "RESIZE_BILINEAR" -> {
                ResizeBilinearOptionsT o = (ResizeBilinearOptionsT) op.options();
                simple(c, op, origin, name, "ResizeBilinear", List.of(QnnParam.bool("align_corners", o.getAlignCorners()),
                        QnnParam.bool("half_pixel_centers", o.getHalfPixelCenters())), 1);
            }
            case "RESIZE_NEAREST_NEIGHBOR" -> {
                ResizeNearestNeighborOptionsT o = (ResizeNearestNeighborOptionsT) op.options();
                simple(c, op, origin, name, "ResizeNearestNeighbor", List.of(
                        QnnParam.bool("align_corners", o.getAlignCorners()),
                        QnnParam.bool("half_pixel_centers", o.getHalfPixelCenters())), 1);
            }
            case "SLICE" -> {
                long[] dims = c.info(in.get(0)).shape();
                long[] begin = constInts(c, in.get(1));
                long[] size = constInts(c, in.get(2));
                long[] ranges = new long[dims.length * 3];
                for (int i = 0; i < dims.length; i++) {
                    ranges[3 * i] = begin[i];
                    ranges[3 * i + 1] = size[i] < 0 ? dims[i] : begin[i] + size[i];
                    ranges[3 * i + 2] = 1;
                }
                simple(c, op, origin, name, "StridedSlice",
                        List.of(QnnParam.tensor("ranges", INT_32, new int[] {dims.length, 3}, ranges)), 1);
            }
            case "STRIDED_SLICE" -> stridedSlice(c, op, origin, name);
            case "PAD", "PADV2", "MIRROR_PAD" -> pad(c, op, origin, name);
            case "QUANTIZE" -> {
                boolean fromFloat = c.mapping.activation(c.info(in.get(0)), "x", QnnTensor.Kind.NATIVE).type().isFloat();
                simple(c, op, origin, name, fromFloat ? "Quantize" : "Convert", List.of(), 1);
            }
            case "DEQUANTIZE" -> {
                if (c.info(in.get(0)).isConstant()) {
                    c.fold(op.outputs().get(0), in.get(0));
                } else {
                    simple(c, op, origin, name, "Dequantize", List.of(), 1);
                }
            }
            default -> throw c.refuse(op, origin, "no QNN op for " + op.opName() + " in isptool's QNN table (QNN.md"
                    + " sec. 5); use --backend tflite, or change the model so that this op is not needed");
        }
    }

    /** The options CONV_2D and DEPTHWISE_CONV_2D share, read once for either. */
    private record ConvOptions(int strideH, int strideW, int dilationH, int dilationW, byte padding, byte activation) {
        static ConvOptions of(Object o) {
            if (o instanceof DepthwiseConv2DOptionsT d) {
                return new ConvOptions(d.getStrideH(), d.getStrideW(), d.getDilationHFactor(), d.getDilationWFactor(),
                        d.getPadding(), d.getFusedActivationFunction());
            }
            Conv2DOptionsT c = (Conv2DOptionsT) o;
            return new ConvOptions(c.getStrideH(), c.getStrideW(), c.getDilationHFactor(), c.getDilationWFactor(),
                    c.getPadding(), c.getFusedActivationFunction());
        }
    }

    /** CONV_2D (OHWI -> HWIO, with group) and DEPTHWISE_CONV_2D ([1,kh,kw,C] -> [kh,kw,1,C], no group). */
    private static void conv(TfliteToQnn c, OperatorInfo op, String origin, String name) {
        boolean depthwise = op.opName().equals("DEPTHWISE_CONV_2D");
        ConvOptions o = ConvOptions.of(op.options());
        List<Integer> in = op.inputs();
        long[] x = c.info(in.get(0)).shape();
        long[] w = c.info(in.get(1)).shape();
        long[] y = c.info(op.outputs().get(0)).shape();
        int[] perm = depthwise ? new int[] {1, 2, 0, 3} : new int[] {1, 2, 3, 0};
        List<String> ins = new ArrayList<>(List.of(c.input(in.get(0)),
                c.staticTensor(in.get(1), (t, n) -> c.mapping.weights(t, n, perm))));
        bias(c, op, ins);
        List<QnnParam> params = new ArrayList<>(List.of(u32s("dilation", o.dilationH(), o.dilationW()),
                padAmount(o.padding(), x, y, w[1], w[2], o.strideH(), o.strideW(), o.dilationH(), o.dilationW()),
                u32s("stride", o.strideH(), o.strideW())));
        if (!depthwise) {
            params.add(QnnParam.u32("group", x[3] / w[3]));
        }
        withActivation(c, op, origin, name, depthwise ? "DepthWiseConv2d" : "Conv2d", params, ins, o.activation());
    }

    private static void transposeConv(TfliteToQnn c, OperatorInfo op, String origin, String name) {
        TransposeConvOptionsT o = (TransposeConvOptionsT) op.options();
        List<Integer> in = op.inputs();
        long[] w = c.info(in.get(1)).shape();
        long[] x = c.info(in.get(2)).shape();
        long[] y = c.info(op.outputs().get(0)).shape();
        List<String> ins = new ArrayList<>(List.of(c.input(in.get(2)),
                c.staticTensor(in.get(1), (t, n) -> c.mapping.weights(t, n, new int[] {1, 2, 3, 0}))));
        if (in.size() > 3 && in.get(3) >= 0) {
            int b = in.get(3);
            ins.add(c.staticTensor(b, c.mapping::bias));
        }
        long[] crop = new long[4];
        long[] extra = new long[2];
        for (int a = 0; a < 2; a++) {
            long s = a == 0 ? o.getStrideH() : o.getStrideW();
            long total = (x[1 + a] - 1) * s + w[1 + a] - y[1 + a];
            if (total < 0) {
                extra[a] = -total;
            } else {
                crop[2 * a] = o.getPadding() == Padding.SAME ? total / 2 : 0;
                crop[2 * a + 1] = total - crop[2 * a];
            }
        }
        List<QnnParam> params = List.of(u32s("output_padding", extra),
                QnnParam.tensor("pad_amount", UINT_32, new int[] {2, 2}, crop),
                u32s("stride", o.getStrideH(), o.getStrideW()), QnnParam.u32("group", 1));
        withActivation(c, op, origin, name, "TransposeConv2d", params, ins, o.getFusedActivationFunction());
    }

    private static void pool(TfliteToQnn c, OperatorInfo op, String origin, String name) {
        Pool2DOptionsT o = (Pool2DOptionsT) op.options();
        long[] x = c.info(op.inputs().get(0)).shape();
        long[] y = c.info(op.outputs().get(0)).shape();
        boolean avg = op.opName().startsWith("AVERAGE");
        List<QnnParam> params = new ArrayList<>(List.of(u32s("filter_size", o.getFilterHeight(), o.getFilterWidth()),
                padAmount(o.getPadding(), x, y, o.getFilterHeight(), o.getFilterWidth(), o.getStrideH(), o.getStrideW(), 1, 1),
                u32s("stride", o.getStrideH(), o.getStrideW())));
        if (avg) {
            params.add(QnnParam.bool("count_pad_for_edges", false));
        }
        withActivation(c, op, origin, name, avg ? "PoolAvg2d" : "PoolMax2d", params,
                List.of(c.input(op.inputs().get(0))), o.getFusedActivationFunction());
    }

    /**
     * A 16-bit Sigmoid output gets the encoding HTP fixes for it, scale 1/65536, offset 0 (SDK 2.13
     * HtpOpDefSupplement, Sigmoid): [0, 1) in place of TFLite's int16 [-1, 1) at 1/32768, so every
     * value TFLite can hold there is kept, at twice the resolution. Readers use the tensor's own encoding.
     */
    private static void sigmoidOutputEncoding(TfliteToQnn c, int output) {
        String y = c.produced(output);
        QnnTensor t = c.tensors.get(y);
        if (t.type() == QnnDataType.UFIXED_POINT_16) {
            c.tensors.put(y, new QnnTensor(t.name(), t.source(), t.kind(), t.type(), t.dims(),
                    QnnEncoding.perTensor(1 / 65536.0, 0), t.data()));
        }
    }

    private static void stridedSlice(TfliteToQnn c, OperatorInfo op, String origin, String name) {
        StridedSliceOptionsT o = (StridedSliceOptionsT) op.options();
        List<Integer> in = op.inputs();
        if (o.getEllipsisMask() != 0 || o.getNewAxisMask() != 0 || o.getOffset()) {
            throw c.refuse(op, origin, "ellipsis, new-axis masks and offset slices have no StridedSlice form here");
        }
        long[] dims = c.info(in.get(0)).shape();
        long[] b = constInts(c, in.get(1));
        long[] e = constInts(c, in.get(2));
        long[] s = constInts(c, in.get(3));
        long[] ranges = new long[dims.length * 3];
        for (int i = 0; i < dims.length; i++) {
            long d = dims[i];
            boolean shrink = (o.getShrinkAxisMask() >> i & 1) != 0;
            long begin = (o.getBeginMask() >> i & 1) != 0 ? (s[i] > 0 ? 0 : d - 1) : clampIndex(b[i], d, s[i]);
            long end = shrink ? begin + 1 : (o.getEndMask() >> i & 1) != 0 ? (s[i] > 0 ? d : -1) : clampIndex(e[i], d, s[i]);
            ranges[3 * i] = begin;
            ranges[3 * i + 1] = end;
            ranges[3 * i + 2] = shrink ? 1 : s[i];
        }
        simple(c, op, origin, name, "StridedSlice", List.of(QnnParam.tensor("ranges", INT_32, new int[] {dims.length, 3},
                ranges), QnnParam.u32("shrink_axes", o.getShrinkAxisMask())), 1);
    }

    private static long clampIndex(long i, long d, long stride) {
        long v = i < 0 ? i + d : i;
        return stride > 0 ? Math.max(0, Math.min(d, v)) : Math.max(-1, Math.min(d - 1, v));
    }

    private static void pad(TfliteToQnn c, OperatorInfo op, String origin, String name) {
        List<Integer> in = op.inputs();
        long[] p = constInts(c, in.get(1));
        int rank = p.length / 2;
        long scheme = 0;
        double value = 0;
        if (op.opName().equals("MIRROR_PAD")) {
            scheme = ((MirrorPadOptionsT) op.options()).getMode() == 0 ? 2 : 1;
        } else if (op.opName().equals("PADV2") && in.size() > 2) {
            TensorInfo v = c.info(in.get(2));
            double raw = c.model.constant(v.index()).getDouble(0);
            value = v.quantization() == null ? raw : v.quantization().scale()[0] * (raw - v.quantization().zeroPoint()[0]);
        }
        simple(c, op, origin, name, "Pad", List.of(QnnParam.tensor("pad_amount", UINT_32, new int[] {rank, 2}, p),
                QnnParam.u32("scheme", scheme), QnnParam.f32("pad_constant_value", value)), 1);
    }

    private static void bias(TfliteToQnn c, OperatorInfo op, List<String> ins) {
        if (op.inputs().size() > 2 && op.inputs().get(2) >= 0) {
            int b = op.inputs().get(2);
            ins.add(c.staticTensor(b, c.mapping::bias));
        }
    }

    private static void binary(TfliteToQnn c, OperatorInfo op, String origin, String name, String type) {
        Object o = op.options();
        byte act = 0;
        try {
            act = o == null ? 0 : (byte) o.getClass().getMethod("getFusedActivationFunction").invoke(o);
        } catch (ReflectiveOperationException e) {
            act = 0;
        }
        withActivation(c, op, origin, name, type, List.of(),
                List.of(c.input(op.inputs().get(0)), c.input(op.inputs().get(1))), act);
    }

    /** An op whose first n inputs are data inputs (the rest shape constants folded into params). */
    private static void simple(TfliteToQnn c, OperatorInfo op, String origin, String name, String type,
            List<QnnParam> params, int n) {
        List<String> ins = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ins.add(c.input(op.inputs().get(i)));
        }
        withActivation(c, op, origin, name, type, params, ins, (byte) 0);
    }

    /** The node, then (for a fused activation) its activation node reading a NATIVE pre-activation tensor. */
    private static void withActivation(TfliteToQnn c, OperatorInfo op, String origin, String name, String type,
            List<QnnParam> params, List<String> ins, byte act) {
        int y = op.outputs().get(0);
        if (act == ActivationFunctionType.NONE) {
            c.node(name, type, params, ins, List.of(c.output(y)), origin);
            return;
        }
        String pre = c.intermediate(y, "_pre_act");
        c.node(name, type, params, ins, List.of(pre), origin);
        Map.Entry<String, List<QnnParam>> a = switch (act) {
            case ActivationFunctionType.RELU -> Map.entry("Relu", List.<QnnParam>of());
            case ActivationFunctionType.RELU6 -> Map.entry("ReluMinMax", reluMinMax(0, 6));
            case ActivationFunctionType.RELU_N1_TO_1 -> Map.entry("ReluMinMax", reluMinMax(-1, 1));
            case ActivationFunctionType.TANH -> Map.entry("Tanh", List.<QnnParam>of());
            default -> throw c.refuse(op, origin, "fused activation " + ActivationFunctionType.name(act)
                    + " has no QNN node here");
        };
        c.node(name + "_" + a.getKey().toLowerCase(), a.getKey(), a.getValue(), List.of(pre), List.of(c.output(y)), origin);
    }

    private static List<QnnParam> reluMinMax(double min, double max) {
        return List.of(QnnParam.f32("min_value", min), QnnParam.f32("max_value", max));
    }

    private static QnnParam padAmount(byte padding, long[] x, long[] y, long kh, long kw, long sh, long sw, long dh,
            long dw) {
        long[] p = new long[4];
        if (padding == Padding.SAME) {
            long[] k = {kh, kw};
            long[] s = {sh, sw};
            long[] d = {dh, dw};
            for (int a = 0; a < 2; a++) {
                long total = Math.max(0, (y[1 + a] - 1) * s[a] + (k[a] - 1) * d[a] + 1 - x[1 + a]);
                p[2 * a] = total / 2;
                p[2 * a + 1] = total - total / 2;
            }
        }
        return QnnParam.tensor("pad_amount", UINT_32, new int[] {2, 2}, p);
    }

    private static QnnParam u32s(String name, long... v) {
        return QnnParam.tensor(name, UINT_32, new int[] {v.length}, v);
    }

    private static long[] constInts(TfliteToQnn c, int index) {
        TensorInfo t = c.info(index);
        if (!t.isConstant()) {
            throw new isptool.graph.ModelException(c.model.label() + ": tensor \"" + t.name()
                    + "\" must be a constant for the QNN backend (a shape, axis or padding)");
        }
        return c.model.constant(index).toLongs();
    }
}
