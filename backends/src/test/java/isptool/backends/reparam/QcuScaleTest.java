package isptool.backends.reparam;

import static org.junit.jupiter.api.Assertions.assertEquals;

import isptool.graph.Node;
import isptool.graph.Value;
import org.junit.jupiter.api.Test;

/** Case 7: SYENet's QCU, {@code 0.1 * a(x) * b(x) + bias}: the scale folds into a conv of one factor. */
class QcuScaleTest {
    private static final String PASS = "FuseQcuScale";

    /** mul(mul(a, b), s) + bias with a and b plain convs of x. */
    private static Value qcu(SmallGraph s, Value a, Value b, Value scale) {
        Value product = s.mul("product", a, b);
        Value scaled = s.mul("qcu_scale", product, scale);
        return s.add("qcu_bias", scaled, s.random("bias", -0.5, 0.5, 1, SmallGraph.channels(a), 1, 1));
    }

    @Test
    void scalarScaleFoldsIntoTheConvFactor() {
        SmallGraph s = new SmallGraph(70);
        Value x = s.input("x", 1, 4, 8, 8);
        Value a = s.conv("a", x, 4, 3, 3).pad(1).build();
        Value b = s.conv("b", x, 4, 3, 3).pad(1).build();
        s.output(qcu(s, a, b, s.scalar("s", 0.1f)), "y");

        Folding f = Folding.reparam(s);

        assertEquals(0, f.constantMuls());
        assertEquals(1, f.count("Mul"));
        assertEquals(2, f.count("Conv"));
        f.assertApplied(PASS, "scale moved onto factor \"a_out\" of \"product\"");
        f.assertApplied("FoldAffineIntoConv", "Mul by constant folded into conv \"a\"");
        f.assertNothingRefused();
    }

    /** a = PRelu(conv): 0.1 > 0 moves through the PRelu (prelu(z) * s = prelu(s z)) into the conv. */
    @Test
    void positiveScaleMovesThroughPReluAndFolds() {
        SmallGraph s = new SmallGraph(71);
        Value x = s.input("x", 1, 4, 8, 8);
        Value a = s.prelu("act", s.conv("a", x, 4, 3, 3).pad(1).build());
        Value b = s.conv("b", x, 4, 3, 3).pad(1).build();
        s.output(qcu(s, a, b, s.scalar("s", 0.1f)), "y");

        Folding f = Folding.reparam(s);

        assertEquals(0, f.constantMuls());
        assertEquals(1, f.count("PRelu"));
        f.assertApplied(PASS, "scale moved onto factor \"act_out\"");
        f.assertApplied(PASS, "positive scale moved before PRelu \"act\"");
        f.assertApplied("FoldAffineIntoConv", "folded into conv \"a\"");
    }

    /** -0.1 * prelu(z) is not prelu(-0.1 z): refused with "not positive", the Mul stays. */
    @Test
    void negativeScaleAfterPReluIsRefused() {
        SmallGraph s = new SmallGraph(72);
        Value x = s.input("x", 1, 4, 8, 8);
        Value a = s.prelu("act", s.conv("a", x, 4, 3, 3).pad(1).build());
        s.output(s.mul("scale", a, s.scalar("s", -0.1f)), "y");

        Folding f = Folding.reparam(s);

        assertEquals(1, f.constantMuls());
        f.assertRefused(PASS, "scale is not positive", "PRelu \"act\"");
    }

    /**
     * QCU with both factors behind PRelu and s = -0.1: refused, and the reason should name the
     * real obstacle (the sign of the scale), not claim that no factor ends in a conv.
     */
    @Test
    void negativeQcuScaleWithBothFactorsBehindPReluIsRefusedAsNotPositive() {
        SmallGraph s = new SmallGraph(73);
        Value x = s.input("x", 1, 4, 8, 8);
        Value a = s.prelu("act_a", s.conv("a", x, 4, 3, 3).pad(1).build());
        Value b = s.prelu("act_b", s.conv("b", x, 4, 3, 3).pad(1).build());
        s.output(qcu(s, a, b, s.scalar("s", -0.1f)), "y");

        Folding f = Folding.reparam(s);

        assertEquals(1, f.constantMuls());
        f.assertRefused(PASS, "not positive");
    }

    /** s = -0.1 with one factor a plain conv: a negative scale folds into a conv (no activation between). */
    @Test
    void negativeScaleFoldsIntoThePlainConvFactor() {
        SmallGraph s = new SmallGraph(74);
        Value x = s.input("x", 1, 4, 8, 8);
        Value a = s.prelu("act", s.conv("a", x, 4, 3, 3).pad(1).build());
        Value b = s.conv("b", x, 4, 3, 3).pad(1).build();
        s.output(qcu(s, a, b, s.scalar("s", -0.1f)), "y");

        Folding f = Folding.reparam(s);

        assertEquals(0, f.constantMuls());
        f.assertApplied(PASS, "scale moved onto factor \"b_out\"");
    }

    /** Sigmoid(conv) * Sigmoid(conv): the scale cannot pass a sigmoid; refused naming Sigmoid. */
    @Test
    void scaleIsNotMovedThroughSigmoid() {
        SmallGraph s = new SmallGraph(75);
        Value x = s.input("x", 1, 4, 8, 8);
        Value a = s.node("Sigmoid", "sig_a", s.conv("a", x, 4, 3, 3).pad(1).build());
        Value b = s.node("Sigmoid", "sig_b", s.conv("b", x, 4, 3, 3).pad(1).build());
        s.output(qcu(s, a, b, s.scalar("s", 0.1f)), "y");

        Folding f = Folding.reparam(s);

        assertEquals(1, f.constantMuls());
        assertEquals(2, f.count("Mul"));
        assertEquals(2, f.count("Sigmoid"));
        f.assertRefused(PASS, "neither factor of \"product\"", "comes from Sigmoid");
        assertEquals(0, f.applied(PASS).size());
    }

    /** A per-channel scale [1,C,1,1] folds per output channel of the conv factor. */
    @Test
    void perChannelScaleFoldsIntoTheConvFactor() {
        SmallGraph s = new SmallGraph(76);
        Value x = s.input("x", 1, 4, 8, 8);
        Value a = s.conv("a", x, 4, 3, 3).pad(1).build();
        Value b = s.node("Sigmoid", "sig_b", s.conv("b", x, 4, 3, 3).pad(1).build());
        s.output(qcu(s, b, a, s.random("s", 0.05, 0.2, 1, 4, 1, 1)), "y");

        Folding f = Folding.reparam(s);

        assertEquals(0, f.constantMuls());
        f.assertApplied(PASS, "scale moved onto factor \"a_out\"");
    }

    /**
     * A per-channel scale on a product whose conv factor has one channel (broadcast against C):
     * it cannot fold into that 1-channel conv; the graph must stay right and well-typed.
     */
    @Test
    void perChannelScaleOnABroadcastFactorStaysCorrect() {
        SmallGraph s = new SmallGraph(77);
        Value x = s.input("x", 1, 4, 8, 8);
        Value a = s.conv("a", x, 1, 3, 3).pad(1).build();
        Value b = s.node("Sigmoid", "sig_b", s.conv("b", x, 4, 3, 3).pad(1).build());
        Value product = s.mul("product", a, b);
        s.output(s.mul("qcu_scale", product, s.random("s", 0.05, 0.2, 1, 4, 1, 1)), "y");

        Folding f = Folding.reparam(s);

        for (Node n : f.nodes("Mul")) {
            for (Value v : n.outputs()) {
                assertEquals(4L, v.shape().dim(1), "declared shape of " + v + "\n" + f.describe());
            }
        }
    }

    /** SYENet's AdditionFusion, a(x) + b(x) + bias: the branches merge and the bias folds in. */
    @Test
    void additionFusionBecomesOneConv() {
        SmallGraph s = new SmallGraph(78);
        Value x = s.input("x", 1, 4, 8, 8);
        Value a = s.conv("a", x, 4, 3, 3).pad(1).build();
        Value b = s.conv("b", x, 4, 1, 1).build();
        s.output(s.add("fusion_bias", s.add("fusion", a, b), s.random("bias", -0.5, 0.5, 1, 4, 1, 1)), "y");

        Folding f = Folding.reparam(s);

        f.only("Conv");
        assertEquals(1, f.graph().nodeCount());
    }
}
