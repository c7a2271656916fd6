package isptool.backends.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import isptool.backends.tflite.Quantization;
import isptool.backends.tflite.TfliteModel;
import isptool.backends.tflite.TfliteModel.OperatorInfo;
import isptool.backends.tflite.TfliteRunner;
import isptool.backends.tflite.TfliteType;
import isptool.graph.ModelException;
import isptool.graph.Tensor;
import isptool.graph.Value;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The quantizer on small graphs built here, run in the TFLite interpreter against onnxruntime. */
class QuantizerTest {
    @TempDir
    Path tmp;

    /** x -> conv -> relu -> conv -> y. */
    private QuantFixture plainNet() throws IOException {
        SmallGraph s = new SmallGraph(1, 3, 16, 16);
        Value a = s.node("Relu", "relu", s.conv("conv1", s.input(), 8, 3));
        return s.finish(s.conv("conv2", a, 3, 3), tmp);
    }

    @Test
    void integerPrecisionsNeedCalibrationData() throws IOException {
        QuantFixture f = plainNet();
        for (Precision p : new Precision[] {Precision.INT8, Precision.INT16X8}) {
            QuantOptions o = new QuantOptions(p, IoType.FLOAT32, CalibrationMethod.MINMAX, true, null);
            ModelException e = assertThrows(ModelException.class,
                    () -> Quantizer.quantize(f.floatModel, f.g, f.plan, null, o, Progress.NONE));
            assertTrue(e.getMessage().contains("needs calibration data"), e.getMessage());
        }
    }

    @Test
    void int16x8RefusesIntegerInputsAndOutputs() throws IOException {
        QuantFixture f = plainNet();
        QuantOptions o = new QuantOptions(Precision.INT16X8, IoType.INT8, CalibrationMethod.MINMAX, true, null);
        ModelException e = assertThrows(ModelException.class,
                () -> Quantizer.quantize(f.floatModel, f.g, f.plan, f.calibration(2), o, Progress.NONE));
        assertTrue(e.getMessage().contains("needs --precision int8"), e.getMessage());
    }

    @Test
    void calibrationSamplesMustHaveTheInputShape() throws IOException {
        QuantFixture f = plainNet();
        CalibrationSource small = QuantFixture.source(2,
                i -> Map.of("x", Tensor.ofFloats(new long[] {1, 3, 8, 8}, new float[3 * 8 * 8])));
        QuantOptions o = new QuantOptions(Precision.INT8, IoType.FLOAT32, Quantizer.DEFAULT_METHOD, true, null);
        ModelException e = assertThrows(ModelException.class,
                () -> Quantizer.quantize(f.floatModel, f.g, f.plan, small, o, Progress.NONE));
        assertTrue(e.getMessage().contains("smooth image 0 gives input \"x\" shape [1,3,8,8]"), e.getMessage());
    }

    @Test
    void progressIsReportedPerSample() throws IOException {
        QuantFixture f = plainNet();
        List<String> calls = new ArrayList<>();
        QuantOptions o = new QuantOptions(Precision.INT8, IoType.FLOAT32, Quantizer.DEFAULT_METHOD, true, null);
        Quantizer.quantize(f.floatModel, f.g, f.plan, f.calibration(3), o, (p, d, t) -> calls.add(p + " " + d + "/" + t));
        assertEquals(List.of("calibrating 1/3", "calibrating 2/3", "calibrating 3/3", "calibrating (histograms) 1/3",
                "calibrating (histograms) 2/3", "calibrating (histograms) 3/3"), calls);
    }

    @Test
    void integerInputsAndOutputs() throws IOException {
        QuantFixture f = plainNet();
        for (IoType io : new IoType[] {IoType.INT8, IoType.UINT8}) {
            QuantOptions o = new QuantOptions(Precision.INT8, io, CalibrationMethod.PERCENTILE, true, null);
            QuantResult r = Quantizer.quantize(f.floatModel, f.g, f.plan, f.calibration(8), o, Progress.NONE);
            Path file = f.write(r, io.name());
            TfliteModel m = TfliteModel.open(file);
            TfliteType want = io == IoType.INT8 ? TfliteType.INT8 : TfliteType.UINT8;
            assertEquals(want, m.inputs().get(0).type());
            assertEquals(want, m.outputs().get(0).type());
            assertEquals(io == IoType.INT8 ? 0 : 2, m.count("QUANTIZE"));
            assertEquals(0, m.count("DEQUANTIZE"));
            double psnr = f.psnr(file);
            assertTrue(psnr > 40, io + ": " + psnr);
        }
    }

    /**
     * conv2's output channels each have one tap 100 on an input channel that is always 0 (conv1
     * writes zeros there) and small taps elsewhere: per-channel int8 weights round every small tap
     * to 0, so conv2 must stay float; --float-ops "conv2" keeps exactly that node float.
     */
    @Test
    void floatOpsKeepsTheSensitiveLayerFloat() throws IOException {
        SmallGraph s = new SmallGraph(1, 3, 16, 16);
        QuantFixture f = s.finish(s.conv("conv3", s.sensitiveConvPair(), 3, 1), tmp);
        QuantResult all = f.quantize(Precision.INT8, CalibrationMethod.PERCENTILE, true, null);
        QuantResult mixed = f.quantize(Precision.INT8, CalibrationMethod.PERCENTILE, true, "conv2");
        assertEquals(List.of(), all.floatNodes());
        assertEquals(List.of("conv2"), mixed.floatNodes());
        List<?> floatOps = (List<?>) mixed.summary().get("float_ops");
        assertTrue(floatOps.toString().contains("--float-ops"), floatOps.toString());
        TfliteModel m = TfliteModel.open(f.write(mixed, "mixed"));
        int floatConvs = 0;
        for (OperatorInfo op : m.operators()) {
            if (op.opName().equals("CONV_2D") && m.tensor(op.outputs().get(0)).type() == TfliteType.FLOAT32) {
                floatConvs++;
                assertEquals("conv2_out", m.tensor(op.outputs().get(0)).name());
            }
        }
        assertEquals(1, floatConvs);
        assertEquals(2, m.count("QUANTIZE"), "one at the input, one after the float conv");
        assertEquals(2, m.count("DEQUANTIZE"), "one before the float conv, one at the output");
        double allInt = f.psnr(f.write(all, "all"));
        double withFloat = f.psnr(f.write(mixed, "mixed"));
        System.out.printf(Locale.ROOT, "PSNR sensitive layer: all int8 %.2f, conv2 float %.2f dB%n", allInt, withFloat);
        assertTrue(withFloat > allInt + 20, allInt + " -> " + withFloat);
    }

    /**
     * Sigmoid, Tanh, MaxPool and Concat: fixed output parameters where TFLite requires them, shared
     * input and output parameters where the kernels need them, everything integer inside.
     */
    @Test
    void opCategoriesGetTheParametersTheKernelsNeed() throws IOException {
        SmallGraph s = new SmallGraph(1, 3, 16, 16);
        Value c = s.conv("conv1", s.input(), 4, 3);
        Value sig = s.node("Sigmoid", "sig", c);
        Value tanh = s.node("Tanh", "tanh", s.conv("conv2", s.input(), 4, 3));
        Value cat = s.node("Concat", "cat", n -> n.set("axis", 1L), c, sig, tanh);
        Value pool = s.node("MaxPool", "pool",
                n -> n.set("kernel_shape", new long[] {2, 2}).set("strides", new long[] {2, 2}), cat);
        QuantFixture f = s.finish(s.conv("conv3", pool, 3, 1), tmp);
        QuantResult r = f.quantize(Precision.INT8, CalibrationMethod.PERCENTILE, true, null);
        TfliteModel m = TfliteModel.open(f.write(r, "int8"));
        QuantizerTestdataTest.assertFullInteger(m, TfliteType.INT8);
        assertEquals(Quantization.perTensor(1.0 / 256, -128), m.tensor("sig_out").quantization());
        assertEquals(Quantization.perTensor(1.0 / 128, 0), m.tensor("tanh_out").quantization());
        for (OperatorInfo op : m.operators()) {
            if (op.opName().equals("MAX_POOL_2D") || op.opName().equals("CONCATENATION")) {
                Quantization out = m.tensor(op.outputs().get(0)).quantization();
                for (int i : op.inputs()) {
                    assertEquals(out, m.tensor(i).quantization(), op.opName() + " input " + m.tensor(i).name());
                }
            }
        }
        double psnr = f.psnr(f.model(r));
        assertTrue(psnr > 35, "PSNR " + psnr);
    }

    /** DIV by a constant, SQRT feeding DIV: rewritten to MUL and RSQRT, which have integer kernels. */
    @Test
    void divisionsAreRewrittenToIntegerOps() throws IOException {
        SmallGraph s = new SmallGraph(1, 3, 16, 16);
        Value c = s.conv("conv1", s.input(), 4, 3);
        Value energy = s.node("Add", "energy", s.node("Mul", "square", c, c),
                s.constant("one", new long[] {1}, new float[] {1}));
        Value norm = s.node("Div", "norm", c, s.node("Sqrt", "sqrt", energy));
        Value half = s.node("Div", "half", norm, s.constant("two", new long[] {1}, new float[] {2}));
        QuantFixture f = s.finish(s.conv("conv2", half, 3, 1), tmp);
        assertEquals(2, TfliteModel.open(f.floatModel).count("DIV"));
        QuantResult r = f.quantize(Precision.INT8, CalibrationMethod.PERCENTILE, true, null);
        TfliteModel m = TfliteModel.open(f.write(r, "int8"));
        assertEquals(0, m.count("DIV"));
        assertEquals(0, m.count("SQRT"));
        assertEquals(1, m.count("RSQRT"));
        assertEquals(List.of(), r.floatNodes());
        QuantizerTestdataTest.assertFullInteger(m, TfliteType.INT8);
        double psnr = f.psnr(f.model(r));
        assertTrue(psnr > 30, "PSNR " + psnr);
    }

    /** An op without an integer kernel (POW by 3) stays float between DEQUANTIZE and QUANTIZE, and says why. */
    @Test
    void opsWithoutIntegerKernelsStayFloat() throws IOException {
        SmallGraph s = new SmallGraph(1, 3, 16, 16);
        Value c = s.conv("conv1", s.input(), 4, 3);
        Value cube = s.node("Pow", "cube", c, s.constant("three", new long[] {1}, new float[] {3}));
        QuantFixture f = s.finish(s.conv("conv2", cube, 3, 1), tmp);
        QuantResult r = f.quantize(Precision.INT8, CalibrationMethod.PERCENTILE, true, null);
        assertEquals(List.of("cube"), r.floatNodes());
        @SuppressWarnings("unchecked")
        Map<String, Object> entry = (Map<String, Object>) ((List<?>) r.summary().get("float_ops")).get(0);
        assertEquals("POW", entry.get("op"));
        assertTrue(entry.get("reason").toString().contains("no int8 kernel"), entry.toString());
        TfliteModel m = TfliteModel.open(f.write(r, "int8"));
        assertEquals(2, m.count("QUANTIZE"));
        assertEquals(2, m.count("DEQUANTIZE"));
        double psnr = f.psnr(f.model(r));
        assertTrue(psnr > 35, "PSNR " + psnr);
    }

    /**
     * Ops the testdata nets do not use (LEAKY_RELU, AVERAGE_POOL_2D, SUB, RELU6, depthwise conv,
     * FULLY_CONNECTED): full int8, and 16x8 more accurate than int8.
     */
    @Test
    void lessCommonOpsQuantize() throws IOException {
        SmallGraph s = new SmallGraph(1, 3, 16, 16);
        Value leaky = s.node("LeakyRelu", "leaky", n -> n.set("alpha", 0.1f), s.conv("conv1", s.input(), 8, 3));
        Value pool = s.node("AveragePool", "pool",
                n -> n.set("kernel_shape", new long[] {2, 2}).set("strides", new long[] {2, 2}), leaky);
        Value shifted = s.node("Sub", "sub", pool, s.constant("offset", new long[] {8, 1, 1}, s.random(8, 0.2)));
        Value clip = s.node("Clip", "clip", shifted, s.constant("lo", new long[0], new float[] {0}),
                s.constant("hi", new long[0], new float[] {6}));
        Value dw = s.conv("dw", clip, 8, 3, 8, s.random(8 * 9, 0.5));
        Value flat = s.node("Flatten", "flat", s.node("GlobalAveragePool", "gap", dw));
        Value fc = s.node("Gemm", "fc", n -> n.set("transB", 1L), flat,
                s.constant("fc.w", new long[] {4, 8}, s.random(32, 0.5)), s.constant("fc.b", new long[] {4},
                        s.random(4, 0.1)));
        QuantFixture f = s.finish(tmp, dw, fc);
        Map<String, Integer> ops = TfliteModel.open(f.floatModel).opHistogram();
        for (String op : List.of("LEAKY_RELU", "AVERAGE_POOL_2D", "SUB", "RELU6", "DEPTHWISE_CONV_2D",
                "FULLY_CONNECTED")) {
            assertTrue(ops.containsKey(op), op + " in " + ops);
        }
        QuantResult int8 = f.quantize(Precision.INT8, CalibrationMethod.PERCENTILE, true, null);
        assertEquals(List.of(), int8.floatNodes());
        Path int8File = f.write(int8, "int8");
        QuantizerTestdataTest.assertFullInteger(TfliteModel.open(int8File), TfliteType.INT8);
        QuantResult int16 = f.quantize(Precision.INT16X8, CalibrationMethod.PERCENTILE, true, null);
        assertEquals(List.of(), int16.floatNodes());
        Path int16File = f.write(int16, "int16");
        QuantizerTestdataTest.assertFullInteger(TfliteModel.open(int16File), TfliteType.INT16);
        double p8 = f.psnr(int8File);
        double p16 = f.psnr(int16File);
        System.out.printf(Locale.ROOT, "PSNR less common ops: int8 %.2f, int16x8 %.2f dB%n", p8, p16);
        assertTrue(p8 > 35 && p16 > p8 + 10, p8 + " / " + p16);
    }

    @Test
    void float16KeepsFloatInterfaceAndIsCloseToFloat32() throws IOException {
        QuantFixture f = plainNet();
        QuantResult r = f.quantize(Precision.FP16, null, false, null);
        TfliteModel m = TfliteModel.open(f.write(r, "fp16"));
        assertEquals(TfliteType.FLOAT32, m.inputs().get(0).type());
        assertEquals(4, m.count("DEQUANTIZE"), "two weights and two biases");
        assertFalse(m.tensors().stream().anyMatch(t -> t.isConstant() && t.type() == TfliteType.FLOAT32));
        Path file = f.model(r);
        double psnr = f.psnr(file);
        assertTrue(psnr > 60, "PSNR " + psnr);
        assertXnnpackTakesTheConvs(file);
    }

    /** XNNPACK (TFLite's default CPU delegate) runs at least the convs: the float16 form is one it recognizes. */
    private static void assertXnnpackTakesTheConvs(Path file) {
        try (TfliteRunner r = TfliteRunner.open(file)) {
            assertTrue(r.delegatedOperatorCount() >= 2, r.delegatedOperatorCount() + " delegated operators");
        }
    }

    @Test
    void float16KeepsFloatOpsInFloat32() throws IOException {
        QuantFixture f = plainNet();
        QuantResult r = f.quantize(Precision.FP16, null, false, "conv2");
        assertEquals(List.of("conv2"), r.floatNodes());
        TfliteModel m = TfliteModel.open(f.write(r, "fp16mixed"));
        assertEquals(2, m.count("DEQUANTIZE"), "conv1's weights and bias only");
        OperatorInfo conv2 = m.operators().stream().filter(op -> m.tensor(op.outputs().get(0)).name().equals("y"))
                .findFirst().orElseThrow();
        for (int i : conv2.inputs().subList(1, 3)) {
            assertTrue(m.tensor(i).isConstant() && m.tensor(i).type() == TfliteType.FLOAT32, m.tensor(i).name());
        }
        assertTrue(f.psnr(f.model(r)) > 60);
    }

    /**
     * --per-layer on tensors whose NCHW and NHWC shapes are equal ([1,16,16,16]): each TFLite
     * tensor is brought into ONNX order by the layout plan, never matched by its shape, also for a
     * MaxPool kept float, and for values of a model's own permute (stored relabelled); a wrong
     * match shows as a cosine far from 1.
     */
    @Test
    void perLayerComparesSquareShapesInThePlannedLayout() throws IOException {
        SmallGraph s = new SmallGraph(1, 16, 32, 32);
        Value c = s.conv("conv1", s.input(), 16, 3);
        Value pool = s.node("MaxPool", "pool",
                n -> n.set("kernel_shape", new long[] {2, 2}).set("strides", new long[] {2, 2}), c);
        Value nhwc = s.node("Transpose", "to_nhwc", n -> n.set("perm", new long[] {0, 2, 3, 1}), pool);
        Value scaled = s.node("Mul", "scale", nhwc, s.constant("gamma", new long[] {16}, s.random(16, 1.0)));
        Value back = s.node("Transpose", "to_nchw", n -> n.set("perm", new long[] {0, 3, 1, 2}), scaled);
        QuantFixture f = s.finish(s.conv("conv2", back, 16, 3), tmp);
        for (String floatOps : new String[] {null, "pool"}) {
            for (Precision p : new Precision[] {Precision.INT8, Precision.INT16X8}) {
                Path model = f.write(f.quantize(p, Quantizer.DEFAULT_METHOD, true, floatOps), p + "-" + floatOps);
                List<QualityReport.Row> rows = QualityReport.compare(model, f.g, f.plan, f.image(5), true);
                List<String> tensors = rows.stream().map(QualityReport.Row::tensor).toList();
                assertTrue(tensors.containsAll(List.of("conv1_out", "pool_out", "scale_out", "y")), tensors.toString());
                for (QualityReport.Row r : rows) {
                    assertTrue(r.comparison().cosine() > 0.999 && r.comparison().psnr() > 35,
                            p + " float-ops " + floatOps + ": " + r);
                }
            }
        }
    }
}
