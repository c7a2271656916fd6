package isptool.backends.tflite.lower;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import isptool.graph.ModelException;
import isptool.graph.Value;
import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Min, Max, Sum, Mean and binary ops with broadcasting operands, against onnxruntime. */
class VariadicLoweringTest extends MathTestBase {
    VariadicLoweringTest() {
        super(19);
    }

    /** [1, C, H, W] stored NHWC with a constant [C, 1, 1], a computed [W] and a computed [H, W]. */
    @Test
    void variadicOpsBroadcastConstantsAndLowerRankInputsOnNhwc() throws IOException {
        Value x = input(1, 4, 5, 6);
        Value w = input2("w", 6);
        Value hw = input2("hw", 5, 6);
        Value c = conv("c", x, 4, 3);
        Value min = infer(node("Min", "min", c, constant("k", 4, 1, 1), w));
        Value max = infer(node("Max", "max", min, hw));
        Value sum = infer(node("Sum", "sum", max, c, x));
        Value mean = infer(node("Mean", "mean", sum, hw, w, constant("k2", 4, 1, 1)));
        Value y = infer(node("Mul", "mul", infer(node("Add", "add", mean, w)), hw));
        Map<String, Integer> ops = lowerAndCompare(y);
        assertEquals(2, ops.get("MINIMUM"));
        assertEquals(1, ops.get("MAXIMUM"));
        assertEquals(1, ops.get("ADD_N"));
        assertEquals(1, ops.get("DIV"));
        assertEquals(6, ops.get("RESHAPE"));
    }

    /** ONNX's add-broadcast cases at rank 2: [2, 3] + [3], + [2, 1], + [1, 3]; a one-input Max is its input. */
    @Test
    void rank2BroadcastsAndSingleInputs() throws IOException {
        Value a = input(2, 3);
        Value b = input2("b", 3);
        Value c = input2("c", 2, 1);
        Value d = input2("d", 1, 3);
        Value s = infer(node("Add", "ab", a, b));
        Value t = infer(node("Sub", "ac", infer(node("Max", "one", c)), s));
        Value y = infer(node("Div", "ad", t, infer(node("Add", "pos", d, constant("k", 1)))));
        Map<String, Integer> ops = lowerAndCompare(infer(node("Sum", "sum", y, b, c)));
        assertEquals(2, ops.get("RESHAPE"));
    }

    /** [C, H, W] against NHWC [1, C, H, W] would need its channels moved last: refused. */
    @Test
    void lowerRankOperandThatNeedsATransposeIsRefused() {
        Value x = input(1, 4, 5, 6);
        Value chw = input2("chw", 4, 5, 6);
        ModelException e = refusal(infer(node("Add", "add", conv("c", x, 4, 1), chw)));
        assertTrue(e.getMessage().contains("node \"add\" (Add): operand \"chw\" of rank 3") && e.getMessage()
                .contains("TRANSPOSE"), e.getMessage());
    }
}
