package isptool.backends.target;

import static isptool.backends.qnn.QnnDataType.FLOAT_16;
import static isptool.backends.qnn.QnnDataType.FLOAT_32;
import static isptool.backends.qnn.QnnDataType.SFIXED_POINT_16;
import static isptool.backends.qnn.QnnDataType.SFIXED_POINT_32;
import static isptool.backends.qnn.QnnDataType.SFIXED_POINT_8;
import static isptool.backends.qnn.QnnDataType.UFIXED_POINT_16;
import static isptool.backends.qnn.QnnDataType.UFIXED_POINT_8;
import static isptool.backends.qnn.QnnDataType.UINT_32;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import isptool.backends.qnn.QnnDataType;
import isptool.backends.qnn.QnnEncoding;
import isptool.backends.qnn.QnnGraph;
import isptool.backends.qnn.QnnNode;
import isptool.backends.qnn.QnnParam;
import isptool.backends.qnn.QnnTensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One-node QNN graphs on HTP targets: taken where the HTP supplement (SDK 2.13) lists the op with
 * those types, ranks and parameters, refused where it does not (and the refusal says why).
 */
class QnnGraphCheckTest {
    /** A one-node graph on a target: runs or not, and a phrase the refusal must contain. */
    record Case(String name, Supplier<QnnGraph> graph, String target, boolean runs, String why) {
        @Override
        public String toString() {
            return target + ": " + name + (runs ? " runs" : " refused");
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                runs("A8W8 Conv2d, per-axis weights, int32 bias", () -> conv(UFIXED_POINT_8, SFIXED_POINT_8, 3, 0),
                        "htp-v68"),
                runs("A16W8 Conv2d", () -> conv(UFIXED_POINT_16, SFIXED_POINT_8, 3, 0), "htp-v68"),
                refused("A8W16 Conv2d", () -> conv(UFIXED_POINT_8, SFIXED_POINT_16, 3, 0), "htp-v73",
                        "16-bit weights \"w\" need UFIXED_POINT_16 activations"),
                refused("Conv2d weights per-axis on the input-channel axis", () -> conv(UFIXED_POINT_8, SFIXED_POINT_8,
                        2, 0), "htp-v73", "HTP takes only the output-channel axis 3"),
                refused("Conv2d per-axis unsigned weights", () -> conv(UFIXED_POINT_8, UFIXED_POINT_8, 3, 0),
                        "htp-v73", "must be signed and symmetric"),
                refused("Conv2d asymmetric int32 bias", () -> conv(UFIXED_POINT_8, SFIXED_POINT_8, 3, 5), "htp-v73",
                        "nonzero offset"),
                refused("FP16 Conv2d before v69", QnnGraphCheckTest::fp16Conv, "htp-v68",
                        "HTP v68 runs 8/16-bit fixed point only"),
                runs("FP16 Conv2d", QnnGraphCheckTest::fp16Conv, "htp-v73"),
                refused("float Conv2d with fixed-point weights", () -> conv(FLOAT_16, SFIXED_POINT_8, 3, 0), "htp-v73",
                        "in[1] \"w\" is SFIXED_POINT_8 in a float node"),
                runs("Quantize from float32", () -> unary("Quantize", FLOAT_32, UFIXED_POINT_8, 4), "htp-v68"),
                refused("Dequantize to float16", () -> unary("Dequantize", UFIXED_POINT_8, FLOAT_16, 4), "htp-v73",
                        "HTP's Dequantize gives FLOAT_32"),
                refused("ElementWiseBinary", () -> binary("ElementWiseBinary", UFIXED_POINT_8, 4), "htp-v75",
                        "implemented by no backend"),
                refused("ElementWiseNeuron", () -> unary("ElementWiseNeuron", UFIXED_POINT_8, UFIXED_POINT_8, 4),
                        "htp-v75", "CPU backend only"),
                refused("an op with no HTP row", () -> unary("Erf", UFIXED_POINT_8, UFIXED_POINT_8, 4), "htp-v75",
                        "has no row in isptool's HTP table"),
                runs("ElementWiseSquareRoot U8", () -> unary("ElementWiseSquareRoot", UFIXED_POINT_8, UFIXED_POINT_8, 4),
                        "htp-v68"),
                refused("ElementWiseSquareRoot S8", () -> unary("ElementWiseSquareRoot", SFIXED_POINT_8,
                        SFIXED_POINT_8, 4), "htp-v68", "takes UFIXED_POINT_8, UFIXED_POINT_16"),
                runs("ElementWiseRsqrt U16", () -> unary("ElementWiseRsqrt", UFIXED_POINT_16, UFIXED_POINT_16, 4),
                        "htp-v68"),
                refused("ElementWiseDivide S8", () -> binary("ElementWiseDivide", SFIXED_POINT_8, 4), "htp-v68",
                        "HTP's ElementWiseDivide takes"),
                runs("rank-5 ElementWiseAdd", () -> binary("ElementWiseAdd", UFIXED_POINT_8, 5), "htp-v68"),
                refused("rank-5 Tanh", () -> unary("Tanh", UFIXED_POINT_8, UFIXED_POINT_8, 5), "htp-v68",
                        "a rank-5 tensor; HTP's Tanh takes rank 4 at most"),
                refused("rank-5 FP16 ElementWiseAdd", () -> binary("ElementWiseAdd", FLOAT_16, 5), "htp-v73",
                        "takes rank 4 at most"),
                refused("Sigmoid U16 at TFLite's int16 encoding", () -> fixedOutput("Sigmoid", 1 / 32768.0, -32768),
                        "htp-v73", "HTP expects scale 1/65536, offset 0"),
                runs("Sigmoid U16 at 1/65536, 0", () -> fixedOutput("Sigmoid", 1 / 65536.0, 0), "htp-v73"),
                runs("Tanh U16 at 1/32768, -32768", () -> fixedOutput("Tanh", 1 / 32768.0, -32768), "htp-v73"),
                refused("Tanh U16 at 1/32768, 0", () -> fixedOutput("Tanh", 1 / 32768.0, 0), "htp-v73",
                        "HTP expects scale 1/32768, offset -32768"),
                runs("dilated depthwise, stride 1", () -> depthwise(2, 1, 5), "htp-v68"),
                runs("depthwise d2 s2 k3", () -> depthwise(2, 2, 3), "htp-v68"),
                refused("depthwise d2 s2 k5", () -> depthwise(2, 2, 5), "htp-v68",
                        "dilation [2,2] with stride [2,2]"),
                refused("Softmax over channels of NCHW", () -> softmax(1), "htp-v73", "HTP takes only the last axis 3"),
                runs("Softmax over the last axis", () -> softmax(3), "htp-v73"),
                refused("FullyConnected keep_dims", () -> fullyConnected(true), "htp-v73", "keep_dims = true"),
                runs("FullyConnected", () -> fullyConnected(false), "htp-v73"),
                refused("ResizeBilinear with both flags", () -> resize(true, true), "htp-v73",
                        "align_corners and half_pixel_centers both set"),
                runs("ResizeBilinear half-pixel", () -> resize(false, true), "htp-v73"),
                refused("PoolMax2d rounding CEIL", () -> pool(1), "htp-v73", "rounding_mode CEIL"),
                runs("PoolMax2d", () -> pool(0), "htp-v73"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void nodeIsTakenOrRefusedAsTheSupplementSays(Case c) {
        QnnGraphReport r = QnnGraphCheck.run(c.graph.get(), Target.byName(c.target));
        assertEquals(1, r.nodes().size());
        QnnNodeVerdict v = r.nodes().get(0);
        assertEquals(c.runs, v.runs(), c + ": " + v.reasons());
        assertEquals(c.runs, r.runs());
        if (!c.runs) {
            assertTrue(v.reasons().contains(c.why), c + ": " + v.reasons());
            assertTrue(r.summary().startsWith("refused on " + c.target + ": 1 of 1 nodes"), r.summary());
        }
    }

    @Test
    void perAxisWeightsWithOwnScaleBiasAreCautionedNotRefused() {
        QnnNodeVerdict v = QnnGraphCheck.run(conv(UFIXED_POINT_8, SFIXED_POINT_8, 3, 0), Target.byName("htp-v73"))
                .nodes().get(0);
        assertTrue(v.runs());
        assertEquals(1, v.cautions().size());
        assertTrue(v.cautions().get(0).reason().contains("expects scale 0, offset 0"), v.cautions().toString());
    }

    @Test
    void onlyHtpTargetsAreJudged() {
        assertThrows(IllegalArgumentException.class, () -> QnnGraphCheck.run(softmax(3), Target.byName("gpu")));
    }

    static Case runs(String name, Supplier<QnnGraph> g, String target) {
        return new Case(name, g, target, true, null);
    }

    static Case refused(String name, Supplier<QnnGraph> g, String target, String why) {
        return new Case(name, g, target, false, why);
    }

    // ---- one-node graphs ----

    /** Builds a graph of one node: x (and other inputs) in, y out. */
    static final class OneNode {
        final Map<String, QnnTensor> tensors = new LinkedHashMap<>();
        final List<String> inputs = new ArrayList<>();

        OneNode in(String name, QnnDataType type, QnnEncoding e, int... dims) {
            QnnTensor.Kind kind = name.equals("x") ? QnnTensor.Kind.APP_WRITE : QnnTensor.Kind.STATIC;
            tensors.put(name, new QnnTensor(name, name, kind, type, dims, e, null));
            inputs.add(name);
            return this;
        }

        QnnGraph node(String type, List<QnnParam> params, QnnDataType outType, QnnEncoding e, int... dims) {
            tensors.put("y", new QnnTensor("y", "y", QnnTensor.Kind.APP_READ, outType, dims, e, null));
            QnnNode n = new QnnNode("n", type, params, inputs, List.of("y"), "onnx_n");
            return new QnnGraph("one", tensors, List.of(n), List.of("x"), List.of("y"));
        }
    }

    static QnnEncoding enc(QnnDataType t) {
        return t.isFloat() ? null : QnnEncoding.perTensor(0.01, t.isSigned() ? 0 : -(t.qmax() + 1) / 2);
    }

    static int[] dims(int rank) {
        int[] d = new int[rank];
        java.util.Arrays.fill(d, 2);
        d[rank - 1] = 4;
        return d;
    }

    static QnnGraph unary(String type, QnnDataType in, QnnDataType out, int rank) {
        return new OneNode().in("x", in, enc(in), dims(rank)).node(type, List.of(), out, enc(out), dims(rank));
    }

    static QnnGraph binary(String type, QnnDataType t, int rank) {
        return new OneNode().in("x", t, enc(t), dims(rank)).in("x2", t, enc(t), dims(rank))
                .node(type, List.of(), t, enc(t), dims(rank));
    }

    static QnnGraph fixedOutput(String type, double scale, long offset) {
        return new OneNode().in("x", UFIXED_POINT_16, enc(UFIXED_POINT_16), 1, 4, 4, 2)
                .node(type, List.of(), UFIXED_POINT_16, QnnEncoding.perTensor(scale, offset), 1, 4, 4, 2);
    }

    static List<QnnParam> convParams(long dilation, long stride) {
        return List.of(QnnParam.tensor("dilation", UINT_32, new int[] {2}, dilation, dilation),
                QnnParam.tensor("pad_amount", UINT_32, new int[] {2, 2}, 0, 0, 0, 0),
                QnnParam.tensor("stride", UINT_32, new int[] {2}, stride, stride));
    }

    /** A 3x3 Conv2d 2 -> 4 channels; weights per-axis on weightAxis; int32 bias with this offset. */
    static QnnGraph conv(QnnDataType in, QnnDataType weights, int weightAxis, long biasOffset) {
        QnnEncoding w = weights.isFloat() ? null : new QnnEncoding(weightAxis, new double[] {0.1, 0.2},
                new long[] {0, weights.isSigned() ? 0 : -128});
        int[] wd = {3, 3, 2, 4};
        wd[weightAxis] = 2;
        List<QnnParam> p = new ArrayList<>(convParams(1, 1));
        p.add(QnnParam.u32("group", 1));
        return new OneNode().in("x", in, enc(in), 1, 8, 8, 2).in("w", weights, w, wd)
                .in("b", SFIXED_POINT_32, QnnEncoding.perTensor(1e-9, biasOffset), 4)
                .node("Conv2d", p, in, enc(in), 1, 6, 6, 4);
    }

    static QnnGraph fp16Conv() {
        List<QnnParam> p = new ArrayList<>(convParams(1, 1));
        p.add(QnnParam.u32("group", 1));
        return new OneNode().in("x", FLOAT_16, null, 1, 8, 8, 2).in("w", FLOAT_16, null, 3, 3, 2, 4)
                .in("b", FLOAT_16, null, 4).node("Conv2d", p, FLOAT_16, null, 1, 6, 6, 4);
    }

    static QnnGraph depthwise(long dilation, long stride, int k) {
        return new OneNode().in("x", UFIXED_POINT_8, enc(UFIXED_POINT_8), 1, 16, 16, 4)
                .in("w", SFIXED_POINT_8, QnnEncoding.perTensor(0.1, 0), k, k, 1, 4)
                .node("DepthWiseConv2d", convParams(dilation, stride), UFIXED_POINT_8, enc(UFIXED_POINT_8), 1, 4, 4, 4);
    }

    static QnnGraph softmax(int axis) {
        return new OneNode().in("x", UFIXED_POINT_8, enc(UFIXED_POINT_8), 1, 4, 4, 8)
                .node("Softmax", List.of(QnnParam.u32("axis", axis), QnnParam.f32("beta", 1)), UFIXED_POINT_8,
                        QnnEncoding.perTensor(1 / 256.0, 0), 1, 4, 4, 8);
    }

    static QnnGraph fullyConnected(boolean keepDims) {
        return new OneNode().in("x", UFIXED_POINT_8, enc(UFIXED_POINT_8), 1, 8)
                .in("w", SFIXED_POINT_8, new QnnEncoding(0, new double[] {0.1, 0.1, 0.1}, new long[3]), 3, 8)
                .node("FullyConnected", List.of(QnnParam.bool("keep_dims", keepDims)), UFIXED_POINT_8,
                        enc(UFIXED_POINT_8), 1, 3);
    }

    static QnnGraph resize(boolean alignCorners, boolean halfPixel) {
        return new OneNode().in("x", UFIXED_POINT_8, enc(UFIXED_POINT_8), 1, 4, 4, 2)
                .node("ResizeBilinear", List.of(QnnParam.bool("align_corners", alignCorners),
                        QnnParam.bool("half_pixel_centers", halfPixel)), UFIXED_POINT_8, enc(UFIXED_POINT_8), 1, 8, 8, 2);
    }

    static QnnGraph pool(int roundingMode) {
        return new OneNode().in("x", UFIXED_POINT_8, enc(UFIXED_POINT_8), 1, 4, 4, 2)
                .node("PoolMax2d", List.of(QnnParam.tensor("filter_size", UINT_32, new int[] {2}, 2, 2),
                        QnnParam.tensor("stride", UINT_32, new int[] {2}, 2, 2),
                        QnnParam.u32("rounding_mode", roundingMode)), UFIXED_POINT_8, enc(UFIXED_POINT_8), 1, 2, 2, 2);
    }
}
