package isptool.backends.target;

import isptool.backends.qnn.QnnDataType;
import isptool.backends.qnn.QnnEncoding;
import isptool.backends.qnn.QnnGraph;
import isptool.backends.qnn.QnnNode;
import isptool.backends.qnn.QnnParam;
import isptool.backends.qnn.QnnTensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Checks an emitted QNN graph (what NAME.cpp composes) against an HTP target, node by node: the
 * op is one the HTP runs ({@link HtpQnnOps}); fixed-point nodes have the data types and rank the
 * HTP supplement lists for each slot (so A16W8 passes, 16-bit weights need 16-bit activations,
 * biases are UFIXED_POINT_8 or symmetric SFIXED_POINT_32); per-axis weights are signed symmetric
 * on the output-channel axis; float nodes need an architecture with float16 (the same first
 * architecture as {@code check --target htp-vNN}) and an op with a float16 form; parameter
 * limits (depthwise dilation, Softmax axis, FullyConnected keep_dims, pooling rounding mode,
 * resize flags) and the fixed output encodings of 16-bit Sigmoid and Tanh. Unlike the TFLite
 * check this judges the graph as written: after the emitter's own rewrites, with its types.
 */
public final class QnnGraphCheck {
    static final String MASTER_OP_DEF = "peyer/qcom_qnn docs/QNN/OpDef/MasterOpDef.html (SDK 2.13)";
    static final String QNN_MD_3 = "shared/docs/QNN.md §3";
    static final String QNN_MD_6 = "shared/docs/QNN.md §6";

    private QnnGraphCheck() {
    }

    /** Every node of g on an HTP target (family HTP). */
    public static QnnGraphReport run(QnnGraph g, Target target) {
        if (target.family() != Target.Family.HTP) {
            throw new IllegalArgumentException("the QNN graph check judges HTP targets, not " + target.name());
        }
        List<QnnNodeVerdict> verdicts = new ArrayList<>();
        for (int i = 0; i < g.nodes().size(); i++) {
            QnnNode n = g.nodes().get(i);
            List<Refusal> refusals = new ArrayList<>();
            List<Refusal> cautions = new ArrayList<>();
            new NodeCheck(g, n, target, refusals, cautions).run();
            verdicts.add(new QnnNodeVerdict(i, n.name(), n.type(), n.origin(), refusals.isEmpty(),
                    List.copyOf(refusals), List.copyOf(cautions)));
        }
        return new QnnGraphReport(target, g.name(), List.copyOf(verdicts));
    }

    /** The rules for one node, adding to its refusals and cautions. */
    private record NodeCheck(QnnGraph g, QnnNode n, Target target, List<Refusal> refusals, List<Refusal> cautions) {
        void run() {
            HtpQnnOps.Row row = HtpQnnOps.ROWS.get(n.type());
            if (row == null) {
                refuse(switch (n.type()) {
                    case "ElementWiseBinary" -> "ElementWiseBinary is implemented by no backend in the SDK's op table";
                    case "ElementWiseNeuron" -> "ElementWiseNeuron is implemented by the CPU backend only";
                    default -> "QNN op " + n.type() + " has no row in isptool's HTP table (not known to run on HTP)";
                }, HtpQnnOps.SUPPORTED_OPS);
                return;
            }
            if (runsInFloat()) {
                floatRules(row);
            } else {
                fixedPointRules(row);
                encodingRules();
            }
            parameterRules();
        }

        private boolean runsInFloat() {
            if (n.type().equals("Quantize") || n.type().equals("Dequantize")) {
                return false;
            }
            return HtpQnnOps.isFloat(in(0).type()) || HtpQnnOps.isFloat(out().type());
        }

        private void floatRules(HtpQnnOps.Row row) {
            if (target.htpArch() < HtpRules.FIRST_FP16_ARCH) {
                refuse("float tensors: HTP v" + target.htpArch() + " runs 8/16-bit fixed point only (float16 from v"
                        + HtpRules.FIRST_FP16_ARCH + "); convert with --precision int8 or int16x8", HtpRules.FACTS);
            }
            if (row.fp16MaxRank() < 0) {
                refuse(n.type() + " has no float16 form on HTP", HtpQnnOps.SUPPORTED_OPS);
                return;
            }
            for (int k = 0; k < n.inputs().size(); k++) {
                if (!HtpQnnOps.isFloat(in(k).type())) {
                    refuse("in[" + k + "] \"" + in(k).name() + "\" is " + in(k).type() + " in a float node: a QNN op's"
                            + " inputs and outputs are all float or all fixed point", QNN_MD_3);
                }
            }
            if (!HtpQnnOps.isFloat(out().type())) {
                refuse("out[0] \"" + out().name() + "\" is " + out().type() + " in a float node: a QNN op's inputs and"
                        + " outputs are all float or all fixed point", QNN_MD_3);
            }
            rank(row.fp16MaxRank(), HtpQnnOps.FP16_SOURCE);
        }

        private void fixedPointRules(HtpQnnOps.Row row) {
            for (int k = 0; k < n.inputs().size(); k++) {
                QnnDataType t = in(k).type();
                if (!row.input(k).contains(t)) {
                    refuse("in[" + k + "] \"" + in(k).name() + "\" is " + t + "; HTP's " + n.type() + " takes "
                            + names(row.input(k)), HtpQnnOps.SOURCE);
                }
            }
            if (!row.outputs().contains(out().type())) {
                refuse("out[0] \"" + out().name() + "\" is " + out().type() + "; HTP's " + n.type() + " gives "
                        + names(row.outputs()), HtpQnnOps.SOURCE);
            }
            rank(row.maxRank(), HtpQnnOps.SOURCE);
        }

        /** Weights, bias and the fixed encodings of 16-bit Sigmoid/Tanh outputs. */
        private void encodingRules() {
            switch (n.type()) {
                case "Conv2d", "DepthWiseConv2d", "TransposeConv2d" -> weightsAndBias(3);
                case "FullyConnected" -> weightsAndBias(0);
                case "Sigmoid" -> fixedOutput(1 / 65536.0, 0, 1 / 32768.0);
                case "Tanh" -> fixedOutput(1 / 32768.0, -32768, 1 / 32768.0);
                default -> {
                }
            }
        }

        /** channelAxis: the output-channel axis of the weights ([kh,kw,in,out]: 3; FullyConnected [m,n]: 0). */
        private void weightsAndBias(int channelAxis) {
            QnnTensor w = in(1);
            QnnEncoding e = w.encoding();
            if (e != null && e.isPerAxis()) {
                if (!w.type().isSigned() || nonZero(e.offset())) {
                    refuse("per-axis weights \"" + w.name() + "\" must be signed and symmetric (offset 0)",
                            HtpQnnOps.SOURCE);
                }
                if (e.axis() != channelAxis) {
                    refuse("per-axis weights \"" + w.name() + "\" are quantized on axis " + e.axis()
                            + "; HTP takes only the output-channel axis " + channelAxis, HtpQnnOps.SOURCE);
                }
            }
            if (w.type() == QnnDataType.SFIXED_POINT_16 && (in(0).type() != QnnDataType.UFIXED_POINT_16
                    || (e != null && nonZero(e.offset())))) {
                refuse("16-bit weights \"" + w.name() + "\" need UFIXED_POINT_16 activations and symmetric weights",
                        HtpQnnOps.SOURCE);
            }
            if (n.inputs().size() < 3) {
                return;
            }
            QnnTensor b = in(2);
            if (b.type() == QnnDataType.SFIXED_POINT_32 && b.encoding() != null && nonZero(b.encoding().offset())) {
                refuse("bias \"" + b.name() + "\" is SFIXED_POINT_32 with a nonzero offset; HTP takes it symmetric",
                        HtpQnnOps.SOURCE);
            }
            if (e != null && e.isPerAxis() && b.encoding() != null && b.encoding().scale()[0] != 0) {
                cautions.add(new Refusal("bias \"" + b.name() + "\" has its own scale; with per-axis weights HTP"
                        + " expects scale 0, offset 0 and derives the scale (not yet run on an SDK)", QNN_MD_3));
            }
        }

        /** The output encoding HTP fixes for a 16-bit output: UFIXED_POINT_16 (u16Scale, u16Offset), SFIXED_POINT_16 (s16Scale, 0). */
        private void fixedOutput(double u16Scale, long u16Offset, double s16Scale) {
            QnnTensor y = out();
            QnnEncoding e = y.encoding();
            if (e == null || e.isPerAxis()) {
                return;
            }
            double scale;
            long offset;
            if (y.type() == QnnDataType.UFIXED_POINT_16) {
                scale = u16Scale;
                offset = u16Offset;
            } else if (y.type() == QnnDataType.SFIXED_POINT_16) {
                scale = s16Scale;
                offset = 0;
            } else {
                return;
            }
            if (Math.abs(e.scale()[0] - scale) > 1e-6 * scale || e.offset()[0] != offset) {
                refuse(String.format(Locale.ROOT, "%s output \"%s\" is %s with scale %.9g, offset %d; HTP expects"
                        + " scale 1/%d, offset %d", n.type(), y.name(), y.type(), e.scale()[0], e.offset()[0],
                        Math.round(1 / scale), offset), n.type().equals("Tanh") ? QNN_MD_6 : HtpQnnOps.SOURCE);
            }
        }

        private void parameterRules() {
            switch (n.type()) {
                case "DepthWiseConv2d" -> {
                    long dh = longAt("dilation", 0, 1), dw = longAt("dilation", 1, 1);
                    long sh = longAt("stride", 0, 1), sw = longAt("stride", 1, 1);
                    int[] k = in(1).dims();
                    boolean dilated = dh != 1 || dw != 1;
                    boolean d2s2k3 = dh == 2 && dw == 2 && sh == 2 && sw == 2 && k[0] == 3 && k[1] == 3;
                    if (dilated && (sh != 1 || sw != 1) && !d2s2k3) {
                        refuse("dilation [" + dh + "," + dw + "] with stride [" + sh + "," + sw + "]: HTP takes dilation"
                                + " with stride [1,1], or dilation [2,2] with stride [2,2] and a 3x3 kernel",
                                HtpQnnOps.SOURCE);
                    }
                }
                case "Softmax" -> {
                    int last = in(0).dims().length - 1;
                    if (n.param("axis") != null && n.param("axis").value() != last) {
                        refuse("Softmax over axis " + (long) n.param("axis").value() + "; HTP takes only the last axis "
                                + last, HtpQnnOps.SOURCE);
                    }
                }
                case "FullyConnected" -> {
                    if (n.param("keep_dims") != null && n.param("keep_dims").value() != 0) {
                        refuse("keep_dims = true; HTP takes only the default (false)", HtpQnnOps.SOURCE);
                    }
                }
                case "PoolAvg2d", "PoolMax2d" -> {
                    if (n.param("rounding_mode") != null && n.param("rounding_mode").value() != 0) {
                        refuse("rounding_mode CEIL; HTP takes only the default (FLOOR)", HtpQnnOps.SOURCE);
                    }
                }
                case "ResizeBilinear", "ResizeNearestNeighbor" -> {
                    if (flag("align_corners") && flag("half_pixel_centers")) {
                        refuse("align_corners and half_pixel_centers both set; QNN takes one or the other",
                                MASTER_OP_DEF);
                    }
                }
                default -> {
                }
            }
        }

        private void rank(int max, String source) {
            if (max <= 0) {
                return;
            }
            int r = out().dims().length;
            for (String name : n.inputs()) {
                r = Math.max(r, g.tensor(name).dims().length);
            }
            if (r > max) {
                refuse("a rank-" + r + " tensor; HTP's " + n.type() + " takes rank " + max + " at most", source);
            }
        }

        private QnnTensor in(int k) {
            return g.tensor(n.inputs().get(k));
        }

        private QnnTensor out() {
            return g.tensor(n.outputs().get(0));
        }

        private long longAt(String param, int i, long otherwise) {
            QnnParam p = n.param(param);
            return p == null ? otherwise : p.longValue(i);
        }

        private boolean flag(String param) {
            return n.param(param) != null && n.param(param).value() != 0;
        }

        private void refuse(String why, String source) {
            refusals.add(new Refusal(why, source));
        }

        private static boolean nonZero(long[] offsets) {
            for (long o : offsets) {
                if (o != 0) {
                    return true;
                }
            }
            return false;
        }

        private static String names(java.util.Set<QnnDataType> types) {
            return String.join(", ", types.stream().map(Enum::name).toList());
        }
    }
}
