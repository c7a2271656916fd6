package isptool.backends.html;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** An op's colour family is the same under its ONNX and its TFLite name. */
class OpKindTest {
    @Test
    void onnxAndTfliteNamesOfAnOpHaveOneKind() {
        String[][] pairs = {{"Conv", "CONV_2D"}, {"ConvTranspose", "TRANSPOSE_CONV"}, {"Gemm", "FULLY_CONNECTED"},
            {"DepthToSpace", "DEPTH_TO_SPACE"}, {"Transpose", "TRANSPOSE"}, {"Concat", "CONCATENATION"},
            {"Sigmoid", "LOGISTIC"}, {"PRelu", "PRELU"}, {"Add", "ADD"}, {"ReduceMean", "MEAN"},
            {"QuantizeLinear", "QUANTIZE"}, {"DequantizeLinear", "DEQUANTIZE"}};
        for (String[] p : pairs) {
            assertEquals(OpKind.of(p[0]), OpKind.of(p[1]), p[0] + " / " + p[1]);
        }
        assertEquals(OpKind.CONV, OpKind.of("DEPTHWISE_CONV_2D"));
        assertEquals(OpKind.DATA, OpKind.of("Reshape"));
        assertEquals(OpKind.ACTIVATION, OpKind.of("HARD_SWISH"));
        assertEquals(OpKind.QUANT, OpKind.of("QUANTIZE"));
        assertEquals(OpKind.OTHER, OpKind.of("TopK"));
    }
}
