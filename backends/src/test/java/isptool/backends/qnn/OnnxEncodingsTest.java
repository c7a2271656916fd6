package isptool.backends.qnn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import isptool.backends.quant.Precision;
import isptool.backends.quant.QuantFixture;
import isptool.backends.quant.SmallGraph;
import isptool.backends.tflite.TfliteModel;
import isptool.graph.ModelException;
import isptool.graph.Value;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * OnnxEncodings on small graphs quantized as convert does: a dense layer's weight keyed per
 * channel on the ONNX output axis for either transB, a grouped ConvTranspose and a Gemm with alpha
 * refused naming the node.
 */
class OnnxEncodingsTest {
    @TempDir
    Path tmp;

    private OnnxEncodings.Result encodings(Function<SmallGraph, Value> body) throws Exception {
        SmallGraph s = new SmallGraph(1, 3, 8, 8);
        QuantFixture f = s.finish(body.apply(s), tmp);
        return OnnxEncodings.of(f.g, TfliteModel.open(QnnTestdataTest.quantized(f, Precision.INT8)));
    }

    private static Value dense(SmallGraph s, float alpha, long transB) {
        Value flat = s.node("Flatten", "flat", s.node("Relu", "r", s.conv("c", s.input(), 2, 3)));
        long[] shape = transB == 1 ? new long[] {5, 128} : new long[] {128, 5};
        return s.node("Gemm", "fc", n -> n.set("alpha", alpha).set("transB", transB), flat,
                s.constant("fc.w", shape, s.random(640, 0.2)), s.constant("fc.b", new long[] {5}, s.random(5, 0.1)));
    }

    @Test
    void denseWeightsArePerChannelOnTheOutputAxisForEitherTransB() throws Exception {
        for (long transB : new long[] {0, 1}) {
            Map<String, OnnxEncodings.Entry> params = encodings(s -> dense(s, 1f, transB)).params().stream()
                    .collect(Collectors.toMap(OnnxEncodings.Entry::name, e -> e));
            QnnEncoding w = params.get("fc.w").encoding();
            assertEquals(transB == 1 ? 0 : 1, w.axis(), "transB " + transB);
            assertEquals(5, w.scale().length);
            assertEquals(QnnDataType.SFIXED_POINT_32, params.get("fc.b").type());
            assertEquals(0, params.get("c.w").encoding().axis());
        }
    }

    @Test
    void gemmAlphaIsRefused() {
        ModelException e = assertThrows(ModelException.class, () -> encodings(s -> dense(s, 0.5f, 1)));
        assertTrue(e.getMessage().contains("node \"fc\" (Gemm) has alpha or beta other than 1"), e.getMessage());
    }

    @Test
    void groupedTransposeConvIsRefused() {
        ModelException e = assertThrows(ModelException.class, () -> encodings(s -> s.node("ConvTranspose", "t",
                n -> n.set("kernel_shape", new long[] {2, 2}).set("strides", new long[] {2, 2}).set("group", 2L),
                s.conv("c", s.input(), 4, 3), s.constant("t.w", new long[] {4, 3, 2, 2}, s.random(48, 0.4)))));
        assertTrue(e.getMessage().contains("node \"t\" (ConvTranspose) was lowered to 2 weighted operators"),
                e.getMessage());
    }

    /**
     * int16x8 TFLite keeps DepthToSpace in float (DEQUANTIZE before it): its ONNX output, the graph
     * output here, still gets the encoding of the value it moves, as the QNN files give it.
     */
    @Test
    void int16x8OutputAfterAFloatDepthToSpaceHasTheEncodingOfItsInput() throws Exception {
        SmallGraph s = new SmallGraph(1, 3, 8, 8);
        QuantFixture f = s.finish(s.node("DepthToSpace", "d2s", n -> n.set("blocksize", 2L).set("mode", "DCR"),
                s.conv("c", s.input(), 12, 3)), tmp);
        TfliteModel model = TfliteModel.open(QnnTestdataTest.quantized(f, Precision.INT16X8));
        assertTrue(model.operators().stream().anyMatch(op -> op.opName().equals("DEPTH_TO_SPACE")
                && QnnTensorMapping.isFloat(model.tensor(op.outputs().get(0)))), "TFLite's DEPTH_TO_SPACE runs in float");
        Map<String, OnnxEncodings.Entry> acts = OnnxEncodings.of(f.g, model).activations().stream()
                .collect(Collectors.toMap(OnnxEncodings.Entry::name, e -> e));
        assertTrue(acts.containsKey("y"), acts.keySet().toString());
        assertEquals(QnnDataType.UFIXED_POINT_16, acts.get("y").type());
        assertEquals(acts.get("c_out").encoding(), acts.get("y").encoding());
    }
}
