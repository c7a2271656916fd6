package isptool.backends.qnn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import isptool.backends.quant.Precision;
import isptool.backends.quant.QuantFixture;
import isptool.backends.quant.SmallGraph;
import isptool.backends.verify.Comparison;
import isptool.graph.ModelException;
import isptool.graph.Value;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each QNN op's emission on a small graph (conv, the op, conv): quantized to int8 and int16x8 as
 * convert does, emitted, compile-checked, and run in the quantization simulator; its PSNR against
 * onnxruntime must match the TFLite interpreter's within {@link #AGREEMENT_DB} and the QNN op must be
 * in the graph.
 */
class QnnOpsTest {
    /**
     * dB. Measured: at most 0.11 on every op but int8 ReduceMean (0.87: quantsim 50.16, TFLite 49.29 dB, where the
     * mean feeds a product directly; TFLite's integer MEAN rounds its requantized sum, the simulator does not).
     */
    static final double AGREEMENT_DB = 1.0;

    @TempDir
    Path tmp;

    static Stream<Arguments> ops() {
        Map<String, Map.Entry<String, Function<SmallGraph, Value>>> m = new LinkedHashMap<>();
        m.put("conv3x3", Map.entry("Conv2d", s -> s.conv("c", s.input(), 6, 3)));
        m.put("conv_stride2", Map.entry("Conv2d", s -> s.node("Conv", "c2", n -> n.set("kernel_shape", new long[] {3, 3})
                .set("strides", new long[] {2, 2}).set("pads", new long[] {1, 1, 1, 1}), s.input(),
                s.constant("c2.w", new long[] {4, 3, 3, 3}, s.random(108, 0.4)))));
        m.put("grouped_conv", Map.entry("Conv2d", s -> s.conv("g", s.conv("c", s.input(), 4, 1), 4, 3, 2, s.random(4 * 2 * 9, 0.4))));
        m.put("depthwise", Map.entry("DepthWiseConv2d", s -> s.conv("d", s.conv("c", s.input(), 4, 1), 4, 3, 4, s.random(36, 0.4))));
        m.put("transpose_conv", Map.entry("TransposeConv2d", s -> s.node("ConvTranspose", "t", n -> n
                .set("kernel_shape", new long[] {2, 2}).set("strides", new long[] {2, 2}), s.conv("c", s.input(), 4, 3),
                s.constant("t.w", new long[] {4, 3, 2, 2}, s.random(48, 0.4)))));
        m.put("add", Map.entry("ElementWiseAdd", s -> s.node("Add", "a", s.conv("c1", s.input(), 4, 3), s.conv("c2", s.input(), 4, 1))));
        m.put("mul", Map.entry("ElementWiseMultiply", s -> s.node("Mul", "m", s.conv("c1", s.input(), 4, 3), s.conv("c2", s.input(), 4, 1))));
        m.put("sub", Map.entry("ElementWiseSubtract", s -> s.node("Sub", "m", s.conv("c1", s.input(), 4, 3), s.conv("c2", s.input(), 4, 1))));
        m.put("prelu", Map.entry("Prelu", s -> s.node("PRelu", "p", s.conv("c", s.input(), 4, 3),
                s.constant("slope", new long[] {4, 1, 1}, new float[] {0.1f, 0.2f, 0.05f, 0.3f}))));
        m.put("relu", Map.entry("Relu", s -> s.node("Relu", "r", s.conv("c", s.input(), 4, 3))));
        m.put("sigmoid", Map.entry("Sigmoid", s -> s.node("Sigmoid", "r", s.conv("c", s.input(), 4, 3))));
        m.put("tanh", Map.entry("Tanh", s -> s.node("Tanh", "r", s.conv("c", s.input(), 4, 3))));
        m.put("depth_to_space", Map.entry("DepthToSpace", s -> s.node("DepthToSpace", "d", n -> n.set("blocksize", 2L)
                .set("mode", "DCR"), s.conv("c", s.input(), 12, 3))));
        m.put("space_to_depth", Map.entry("SpaceToDepth", s -> s.node("SpaceToDepth", "d", n -> n.set("blocksize", 2L),
                s.conv("c", s.input(), 4, 3))));
        m.put("concat", Map.entry("Concat", s -> s.node("Concat", "k", n -> n.set("axis", 1L), s.conv("c1", s.input(), 4, 3),
                s.conv("c2", s.input(), 2, 1))));
        m.put("reduce_mean", Map.entry("ReduceMean", s -> s.node("Mul", "m", s.conv("c", s.input(), 4, 3),
                s.node("GlobalAveragePool", "gap", s.conv("c0", s.input(), 4, 1)))));
        m.put("max_pool", Map.entry("PoolMax2d", s -> s.node("MaxPool", "p", n -> n.set("kernel_shape", new long[] {2, 2})
                .set("strides", new long[] {2, 2}), s.conv("c", s.input(), 4, 3))));
        m.put("avg_pool", Map.entry("PoolAvg2d", s -> s.node("AveragePool", "p", n -> n.set("kernel_shape", new long[] {3, 3})
                .set("strides", new long[] {1, 1}).set("pads", new long[] {1, 1, 1, 1}), s.conv("c", s.input(), 4, 3))));
        m.put("resize_bilinear", Map.entry("ResizeBilinear", s -> s.node("Resize", "u", n -> n.set("mode", "linear")
                .set("coordinate_transformation_mode", "half_pixel"), s.conv("c", s.input(), 4, 3),
                s.g.addConstant("roi", isptool.graph.Tensor.ofFloats(new long[] {0}, new float[0])),
                s.constant("scales", new long[] {4}, new float[] {1, 1, 2, 2}))));
        m.put("slice", Map.entry("StridedSlice", s -> s.node("Slice", "sl", s.conv("c", s.input(), 4, 3),
                s.g.addConstant("st", isptool.graph.Tensor.ofLongs(new long[] {2}, new long[] {2, 1})),
                s.g.addConstant("en", isptool.graph.Tensor.ofLongs(new long[] {2}, new long[] {14, 15})),
                s.g.addConstant("ax", isptool.graph.Tensor.ofLongs(new long[] {2}, new long[] {2, 3})))));
        m.put("pad", Map.entry("Pad", s -> s.node("Pad", "pd", s.conv("c", s.input(), 4, 3),
                s.g.addConstant("pads", isptool.graph.Tensor.ofLongs(new long[] {8}, new long[] {0, 0, 1, 2, 0, 0, 1, 2})))));
        m.put("softmax", Map.entry("Softmax", s -> s.node("Softmax", "sm", n -> n.set("axis", 1L), s.conv("c", s.input(), 4, 3))));
        m.put("maximum", Map.entry("ElementWiseMaximum", s -> s.node("Max", "mx", s.conv("c1", s.input(), 4, 3),
                s.conv("c2", s.input(), 4, 1))));
        m.put("minimum", Map.entry("ElementWiseMinimum", s -> s.node("Min", "mn", s.conv("c1", s.input(), 4, 3),
                s.conv("c2", s.input(), 4, 1))));
        m.put("relu6", Map.entry("ReluMinMax", s -> s.node("Clip", "cl", s.conv("c", s.input(), 4, 3),
                s.constant("lo", new long[] {}, new float[] {0}), s.constant("hi", new long[] {}, new float[] {6}))));
        m.put("hard_swish", Map.entry("HardSwish", s -> s.node("HardSwish", "hs", s.conv("c", s.input(), 4, 3))));
        m.put("resize_nearest", Map.entry("ResizeNearestNeighbor", s -> s.node("Resize", "u", n -> n.set("mode", "nearest")
                .set("coordinate_transformation_mode", "asymmetric").set("nearest_mode", "floor"), s.conv("c", s.input(), 4, 3),
                s.g.addConstant("roi", isptool.graph.Tensor.ofFloats(new long[] {0}, new float[0])),
                s.constant("scales", new long[] {4}, new float[] {1, 1, 2, 2}))));
        m.put("reflect_pad", Map.entry("Pad", s -> s.node("Pad", "pd", n -> n.set("mode", "reflect"), s.conv("c", s.input(), 4, 3),
                s.g.addConstant("pads", isptool.graph.Tensor.ofLongs(new long[] {8}, new long[] {0, 0, 1, 2, 0, 0, 1, 2})))));
        m.put("rsqrt", Map.entry("ElementWiseRsqrt", s -> {
            Value a = s.conv("c", s.input(), 4, 3);
            Value v = s.node("Add", "var", s.node("Mul", "sq", a, a), s.constant("eps", new long[] {}, new float[] {0.5f}));
            return s.node("Div", "norm", a, s.node("Sqrt", "std", v));
        }));
        m.put("sqrt", Map.entry("ElementWiseSquareRoot", s -> {
            Value a = s.conv("c", s.input(), 4, 3);
            return s.node("Sqrt", "r", s.node("Add", "p", s.node("Mul", "sq", a, a),
                    s.constant("eps", new long[] {}, new float[] {0.1f})));
        }));
        m.put("divide", Map.entry("ElementWiseDivide", s -> {
            Value b = s.conv("c2", s.input(), 4, 1);
            return s.node("Div", "q", s.conv("c1", s.input(), 4, 3), s.node("Add", "den", s.node("Mul", "sq", b, b),
                    s.constant("one", new long[] {}, new float[] {1})));
        }));
        return m.entrySet().stream().map(e -> Arguments.of(e.getKey(), e.getValue().getKey(), e.getValue().getValue()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ops")
    void emittedOpMatchesTheTfliteInterpreter(String label, String qnnOp, Function<SmallGraph, Value> body)
            throws Exception {
        SmallGraph s = new SmallGraph(1, 3, 16, 16);
        QuantFixture f = s.finish(s.conv("out", body.apply(s), 3, 1), tmp);
        for (Precision p : new Precision[] {Precision.INT8, Precision.INT16X8}) {
            Path model = QnnTestdataTest.quantized(f, p);
            QnnGraph q = QnnTestdataTest.qnn(model, "small");
            assertTrue(q.count(qnnOp) > 0, label + " " + p + ": no " + qnnOp + " in " + q.opHistogram());
            Path dir = Files.createDirectories(tmp.resolve(label + "-" + p));
            QnnFiles files = QnnFiles.of(q, 1, QnnEncodingsJson.Format.V1_0_0, "test");
            files.writeTo(dir);
            QnnSdkCheck.Result syntax = QnnSdkCheck.syntax(dir.resolve("small.cpp"));
            assertTrue(syntax.ok(), syntax.output());
            double qnn = 0;
            for (long seed : List.of(1L, 2L)) {
                List<Comparison> rows = QnnQuality.compare(q, QnnFiles.members(q), f.g, f.plan, f.image(seed));
                qnn += rows.get(0).psnr() / 2;
            }
            double tflite = f.psnr(model);
            System.out.printf(Locale.ROOT, "qnn op %s %s: quantsim %.2f dB, tflite %.2f dB%n", label, p, qnn, tflite);
            assertTrue(Math.abs(qnn - tflite) <= AGREEMENT_DB, label + " " + p + ": quantsim " + qnn
                    + " dB, TFLite " + tflite + " dB");
        }
    }

    /** An operator without a row in the QNN op table is refused, naming the operator and the ONNX node it came from. */
    @Test
    void opWithoutQnnRowIsRefusedNamingTheOnnxNode() throws Exception {
        SmallGraph s = new SmallGraph(1, 3, 16, 16);
        QuantFixture f = s.finish(s.conv("out", s.node("Exp", "e", s.conv("c", s.input(), 4, 3)), 3, 1), tmp);
        ModelException e = assertThrows(ModelException.class, () -> QnnTestdataTest.qnn(f.floatModel, "small"));
        assertTrue(e.getMessage().contains("(EXP) from ONNX node \"e\": no QNN op for EXP"), e.getMessage());
    }

    /** TFLite's int16 LOGISTIC output (1/32768, zero point 0) is written with the encoding HTP fixes for a U16 Sigmoid. */
    @Test
    void int16SigmoidOutputHasTheEncodingHtpExpects() throws Exception {
        SmallGraph s = new SmallGraph(1, 3, 16, 16);
        QuantFixture f = s.finish(s.conv("out", s.node("Sigmoid", "sg", s.conv("c", s.input(), 4, 3)), 3, 1), tmp);
        QnnGraph q = QnnTestdataTest.qnn(QnnTestdataTest.quantized(f, Precision.INT16X8), "small");
        QnnNode sigmoid = q.nodes().stream().filter(n -> n.type().equals("Sigmoid")).findFirst().orElseThrow();
        QnnTensor y = q.tensor(sigmoid.outputs().get(0));
        assertEquals(QnnDataType.UFIXED_POINT_16, y.type());
        assertEquals(QnnEncoding.perTensor(1 / 65536.0, 0), y.encoding());
    }
}
