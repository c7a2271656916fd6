package isptool.backends.tflite.lower;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import isptool.graph.Node;
import isptool.graph.Value;
import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** LRN (AlexNet, GoogLeNet) as TFLite's LOCAL_RESPONSE_NORMALIZATION over NHWC channels, against onnxruntime. */
class LrnLoweringTest extends LoweringTestBase {
    LrnLoweringTest() {
        super(31, true);
    }

    private Value lrn(Value x, long size, float alpha, float beta, float bias) {
        Node n = node("LRN", "norm", x);
        n.set("size", size).set("alpha", alpha).set("beta", beta).set("bias", bias);
        return infer(n);
    }

    @Test
    void oddWindowsMapExactly() throws IOException {
        Value x = input(1, 7, 5, 4);
        Value y = lrn(conv("c", x, 9, 3), 5, 0.5f, 0.75f, 2f);
        assertEquals(Map.of("CONV_2D", 1, "LOCAL_RESPONSE_NORMALIZATION", 1), lowerAndCompare(y));
    }

    @Test
    void aWindowWiderThanTheChannelsIsClipped() throws IOException {
        Value x = input(1, 3, 4, 4);
        assertEquals(Map.of("LOCAL_RESPONSE_NORMALIZATION", 1), lowerAndCompare(lrn(x, 7, 1e-2f, 0.5f, 1f)));
    }

    @Test
    void evenWindowsAreRefused() {
        Value x = input(1, 4, 3, 3);
        String m = refusal(lrn(x, 4, 1e-4f, 0.75f, 1f)).getMessage();
        assertTrue(m.contains("\"norm\" (LRN)") && m.contains("size=4"), m);
    }
}
