package isptool.backends.tflite.lower;

import static org.junit.jupiter.api.Assertions.assertEquals;

import isptool.graph.Node;
import isptool.graph.Value;
import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Softmax and LogSoftmax: builtins on the last stored axis, decompositions elsewhere, both opset semantics. */
class SoftmaxLoweringTest extends MathTestBase {
    SoftmaxLoweringTest() {
        super(17);
    }

    private Value softmax(String op, String name, Value x, long axis) {
        Node n = node(op, name, x);
        n.set("axis", axis);
        return infer(n);
    }

    private Value both(Value x, long axis) {
        return infer(node("Add", "sum", softmax("Softmax", "sm", x, axis), softmax("LogSoftmax", "lsm", x, axis)));
    }

    @Test
    void channelAxisOfNhwcIsTheBuiltin() throws IOException {
        Value x = spread(conv("c", input(1, 5, 4, 6), 5, 3), 10);
        assertEquals(Map.of("CONV_2D", 1, "SUB", 1, "MUL", 1, "SOFTMAX", 1, "LOG_SOFTMAX", 1, "ADD", 1),
                lowerAndCompare(both(x, 1)));
    }

    @Test
    void spatialAxisOfNhwcIsDecomposed() throws IOException {
        Value x = spread(conv("c", input(1, 5, 4, 6), 5, 3), 10);
        Map<String, Integer> ops = lowerAndCompare(both(x, -1));
        assertEquals(2, ops.get("REDUCE_MAX"));
        assertEquals(2, ops.get("SUM"));
        assertEquals(null, ops.get("SOFTMAX"));
    }

    /** Before opset 13, axis 1 of [N, C, H, W] normalises over C, H and W together. */
    @Test
    void opset11CoercesToTwoDimensions() throws IOException {
        Value x = spread(conv("c", input(2, 3, 4, 5), 3, 3), 10);
        opset(11);
        Map<String, Integer> ops = lowerAndCompare(both(x, 1));
        assertEquals(2, ops.get("REDUCE_MAX"));
    }

    /** Before opset 13, the last axis alone is still the builtin; default axis 1 of a rank-2 input too. */
    @Test
    void opset11LastAxisAndRank2AreBuiltins() throws IOException {
        Value x = spread(input(2, 3, 5), 10);
        opset(11);
        assertEquals(1, lowerAndCompare(both(x, 2)).get("LOG_SOFTMAX"));
        Value x2 = spread(input(4, 9), 10);
        opset(11);
        Value y = infer(node("Add", "sum", infer(node("Softmax", "sm", x2)), infer(node("LogSoftmax", "lsm", x2))));
        assertEquals(1, lowerAndCompare(y).get("SOFTMAX"));
    }

    @Test
    void rank2FirstAxisIsDecomposed() throws IOException {
        assertEquals(2, lowerAndCompare(both(spread(input(6, 3), 10), 0)).get("SUM"));
    }
}
