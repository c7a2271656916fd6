package isptool.backends.tflite.lower;

import static org.junit.jupiter.api.Assertions.assertEquals;

import isptool.graph.Node;
import isptool.graph.Value;
import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The TRANSPOSEs the layout plan records are emitted (once per value and layout) and exact: data
 * that must be in ONNX order (a flatten before a dense layer), model Transposes that move data into
 * a graph output, and NCHW at the graph boundary.
 */
class TransposeEmissionTest extends LoweringTestBase {
    TransposeEmissionTest() {
        super(21, true);
    }

    @Test
    void flattenOfNhwcBeforeGemmIsOneTranspose() throws IOException {
        Value x = input(1, 4, 3, 5);
        Node flat = node("Flatten", "flat", conv("c", x, 6, 3));
        flat.set("axis", 1L);
        Node gemm = node("Gemm", "fc", infer(flat), constant("fc.w", 7, 6 * 3 * 5), constant("fc.b", 7));
        gemm.set("transB", 1L);
        Map<String, Integer> ops = lowerAndCompare(infer(gemm));
        assertEquals(Map.of("CONV_2D", 1, "TRANSPOSE", 1, "RESHAPE", 1, "FULLY_CONNECTED", 1), ops);
    }

    @Test
    void oneTransposeServesEveryReaderOfAValue() throws IOException {
        Value x = input(1, 2, 4, 4);
        Value c = conv("c", x, 3, 1);
        Value a = infer(node("Reshape", "ra", c, ints("sa", 1, 48)));
        Value b = infer(node("Reshape", "rb", c, ints("sb", 1, 48)));
        Map<String, Integer> ops = lowerAndCompare(infer(node("Mul", "m", a, b)));
        assertEquals(1, ops.get("TRANSPOSE"));
    }

    @Test
    void modelTransposeIntoAGraphOutputMovesData() throws IOException {
        Value x = input(1, 3, 4, 5);
        Node t = node("Transpose", "t", conv("c", x, 3, 3));
        t.set("perm", new long[] {0, 3, 1, 2});
        Map<String, Integer> ops = lowerAndCompare(infer(t));
        assertEquals(1, ops.get("TRANSPOSE"));
    }

    @Test
    void nchwBoundaryOfAConvNetIsTwoTransposes() throws IOException {
        Value x = input(1, 3, 8, 6);
        Value c = conv("c2", infer(node("Relu", "r", conv("c1", x, 8, 3))), 3, 3);
        Map<String, Integer> ops = lowerAndCompareOnnxOrder(infer(node("Add", "res", c, x)), 1e-5);
        assertEquals(Map.of("CONV_2D", 2, "TRANSPOSE", 2, "ADD", 1), ops);
    }

    /** An Identity into a graph output cannot share its input's tensor (names differ): a RESHAPE copy. */
    @Test
    void identityIntoAGraphOutputIsACopy() throws IOException {
        Value x = input(1, 3, 4, 5);
        Map<String, Integer> ops = lowerAndCompare(infer(node("Identity", "id", conv("c", x, 3, 3))));
        assertEquals(Map.of("CONV_2D", 1, "RESHAPE", 1), ops);
    }
}
