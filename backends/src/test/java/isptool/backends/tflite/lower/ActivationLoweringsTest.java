package isptool.backends.tflite.lower;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import isptool.graph.ModelException;
import isptool.graph.Node;
import isptool.graph.Value;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Clip, unary math and activations, run in the TFLite interpreter (with and without XNNPACK) against onnxruntime. */
class ActivationLoweringsTest extends MathTestBase {
    ActivationLoweringsTest() {
        super(11);
    }

    private Value clip(String name, Value x, Value min, Value max) {
        return infer(g.addNode("Clip", name, Arrays.asList(x, min, max), List.of(g.newValue(name + "_out"))));
    }

    @Test
    void clipFusesTfliteRangesAndClampsAnyOtherConstantRange() throws IOException {
        Value x = input(1, 4, 6, 6);
        Value relu6 = clip("relu6", conv("c", x, 4, 3), scalar("zero", 0), scalar("six", 6));
        Value c2 = conv("c2", relu6, 4, 3);
        Value lower = clip("lower", c2, scalar("lo", -0.1), null);
        Value upper = clip("upper", lower, null, scalar("hi", 0.1));
        Value both = clip("both", upper, scalar("lo2", -0.05), scalar("hi2", 0.05));
        Value none = clip("none", conv("c3", both, 4, 1), null, null);
        Map<String, Integer> ops = lowerAndCompare(unary("Relu", "relu", none));
        assertEquals(Map.of("CONV_2D", 3, "MAXIMUM", 2, "MINIMUM", 2, "RELU", 1), ops);
    }

    @Test
    void clipBeforeOpset11TakesAttributes() throws IOException {
        Value x = input(3, 4);
        opset(10);
        Node n = node("Clip", "clip", spread(x, 2));
        n.set("min", -0.5f).set("max", 0.5f);
        Node m = node("Clip", "max_only", infer(n));
        m.set("max", 0.25f);
        Node r = node("Clip", "relu_n1", infer(m));
        r.set("min", -1f).set("max", 1f);
        Map<String, Integer> ops = lowerAndCompare(infer(r));
        assertEquals(1, ops.get("MAXIMUM"));
        assertEquals(2, ops.get("MINIMUM"));
        assertEquals(1, ops.get("RELU_N1_TO_1"));
    }

    @Test
    void clipBoundComputedAtRunTimeIsRefused() {
        Value x = input(2, 3);
        Value lo = unary("Neg", "neg", x);
        ModelException e = refusal(clip("clip", x, lo, null));
        assertTrue(e.getMessage().contains("node \"clip\" (Clip): attribute/input min or max is computed at run time"),
                e.getMessage());
    }

    @Test
    void unaryMathOnRank2() throws IOException {
        Value x = spread(input(5, 7), 8);
        Value a = unary("Abs", "abs", x);
        Value l = unary("Log", "log", infer(node("Add", "pos", a, scalar("eps", 0.1))));
        Value e = unary("Exp", "exp", l);
        Value f = unary("Floor", "floor", infer(node("Mul", "m", x, e)));
        Value c = unary("Ceil", "ceil", infer(node("Div", "d", x, scalar("three", 3))));
        Value s = unary("Sign", "sign", infer(node("Sub", "sub", x, scalar("q", 0.25))));
        Value sum = infer(node("Add", "fc", f, c));
        Value r = unary("Reciprocal", "rec", infer(node("Add", "shift", unary("Abs", "abs2", sum),
                scalar("one", 1))));
        Value y = unary("Neg", "neg", infer(node("Add", "all", infer(node("Add", "rs", r, s)), x)));
        Map<String, Integer> ops = lowerAndCompare(y);
        for (String op : List.of("ABS", "LOG", "EXP", "FLOOR", "CEIL", "SIGN", "NEG")) {
            assertTrue(ops.containsKey(op), op + " in " + ops);
        }
    }

    @Test
    void softplusDoesNotOverflowAndSoftsignOnNhwc() throws IOException {
        Value x = spread(conv("c", input(1, 3, 5, 6), 3, 3), 400);
        Value sp = unary("Softplus", "softplus", x);
        Value ss = unary("Softsign", "softsign", x);
        Map<String, Integer> ops = lowerAndCompare(infer(node("Add", "sum", sp, ss)));
        assertEquals(1, ops.get("LOG"));
        assertEquals(1, ops.get("EXP"));
    }

    @Test
    void hardSigmoidHardSwishEluSeluWithAttributesOnNhwc() throws IOException {
        Value x = spread(conv("c", input(1, 4, 6, 5), 4, 3), 6);
        Node hs = node("HardSigmoid", "hsig", x);
        hs.set("alpha", 0.3f).set("beta", 0.4f);
        Value a = infer(node("Add", "a", infer(hs), unary("HardSwish", "hswish", x)));
        Node elu = node("Elu", "elu", x);
        elu.set("alpha", 0.7f);
        Value b = infer(node("Add", "b", infer(elu), unary("Elu", "elu1", x)));
        Node selu = node("Selu", "selu", x);
        selu.set("alpha", 1.5f).set("gamma", 2f);
        Value c = infer(node("Add", "c", infer(selu), unary("Selu", "selu_default", x)));
        Value y = infer(node("Add", "y", infer(node("Add", "ab", a, b)), c));
        Map<String, Integer> ops = lowerAndCompare(y);
        assertEquals(1, ops.get("HARD_SWISH"));
        assertEquals(1, ops.get("RELU_0_TO_1"));
        assertEquals(4, ops.get("ELU"));
    }

    @Test
    void gelu20ExactAndTanh() throws IOException {
        Value x = spread(input(2, 3, 4, 5), 8);
        opset(20);
        Node tanh = node("Gelu", "tanh", x);
        tanh.set("approximate", "tanh");
        Map<String, Integer> ops = lowerAndCompare(infer(node("Add", "sum", unary("Gelu", "exact", x), infer(tanh))));
        assertEquals(2, ops.get("GELU"));
    }

    @Test
    void geluWithAnUnknownApproximationIsRefused() {
        Value x = input(2, 3);
        opset(20);
        Node n = node("Gelu", "gelu", x);
        n.set("approximate", "fast");
        ModelException e = refusal(infer(n));
        assertTrue(e.getMessage().contains("node \"gelu\" (Gelu): attribute approximate=\"fast\""), e.getMessage());
    }

    /** The exporters' x * 0.5 * (1 + erf(x / sqrt2)) forms: each becomes one GELU, and nothing else. */
    @Test
    void exactGeluPatternsBecomeOneGelu() throws IOException {
        Value x = spread(input(1, 4, 5, 6), 8);
        // torch.onnx: mul(mul(x, erf(x / sqrt2) + 1), 0.5)
        Value e1 = unary("Erf", "erf1", infer(node("Div", "div1", x, scalar("sqrt2", Math.sqrt(2)))));
        Value p1 = infer(node("Add", "add1", e1, scalar("one1", 1)));
        Value g1 = infer(node("Mul", "half1", infer(node("Mul", "mul1", x, p1)), scalar("h1", 0.5)));
        // hand-written: (0.5 * x) * (1 + erf(x * (1 / sqrt2))), the half computed first
        Value h2 = infer(node("Mul", "half2", scalar("h2", 0.5), g1));
        Value e2 = unary("Erf", "erf2", infer(node("Mul", "scale2", scalar("rsqrt2", 1 / Math.sqrt(2)), g1)));
        Value g2 = infer(node("Mul", "mul2", h2, infer(node("Add", "add2", scalar("one2", 1), e2))));
        // (erf + 1) * 0.5 then * x
        Value e3 = unary("Erf", "erf3", infer(node("Div", "div3", g2, scalar("sqrt2b", Math.sqrt(2)))));
        Value p3 = infer(node("Mul", "half3", infer(node("Add", "add3", e3, scalar("one3", 1))), scalar("h3", 0.5)));
        Value g3 = infer(node("Mul", "mul3", p3, g2));
        Map<String, Integer> ops = lowerAndCompare(g3);
        assertEquals(Map.of("SUB", 1, "MUL", 1, "GELU", 3), ops);
    }

    /** An Erf that is not GELU's, and one whose intermediate is read twice, use the decomposition. */
    @Test
    void erfOutsideGeluIsDecomposed() throws IOException {
        Value x = spread(input(3, 50), 8);
        Value e = unary("Erf", "erf", infer(node("Div", "div", x, scalar("sqrt2", Math.sqrt(2)))));
        Value p = infer(node("Add", "add", e, scalar("one", 1)));
        Value m = infer(node("Mul", "mul", infer(node("Mul", "xp", x, p)), scalar("half", 0.5)));
        Map<String, Integer> ops = lowerAndCompare(infer(node("Add", "twice", m, e)));
        assertEquals(null, ops.get("GELU"));
        assertEquals(1, ops.get("SIGN"));
    }

    /** ErfLowering's documented bound: below 1e-6 absolute over [-4, 4], against onnxruntime. */
    @Test
    void standaloneErfIsWithinOneMillionth() throws IOException {
        Value x = spread(input(4, 1000), 8);
        double maxAbs = maxAbsError(unary("Erf", "erf", x));
        System.out.println("standalone Erf: max abs error " + maxAbs + " over [-4, 4]");
        assertTrue(maxAbs < 1e-6, "max abs error " + maxAbs);
    }
}
