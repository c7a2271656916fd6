package isptool.backends.reparam;

import static org.junit.jupiter.api.Assertions.assertEquals;

import isptool.graph.Value;
import org.junit.jupiter.api.Test;

/** Case 8: per-channel constant arithmetic next to a conv folds into it; spatially varying constants do not. */
class FoldAffineIntoConvTest {
    private static final String PASS = "FoldAffineIntoConv";

    /** conv * s[1,C,1,1] + c[C,1,1] - d[1,C,1,1], then e - (.), then / f: one conv. */
    @Test
    void chainOfPerChannelArithmeticAfterConvFolds() {
        SmallGraph s = new SmallGraph(80);
        Value x = s.input("x", 1, 4, 8, 8);
        Value y = s.conv("conv", x, 6, 3, 3).pad(1).build();
        y = s.mul("mul", y, s.random("s", 0.5, 2, 1, 6, 1, 1));
        y = s.add("add", s.random("c", -1, 1, 6, 1, 1), y);
        y = s.node("Sub", "sub", y, s.random("d", -1, 1, 1, 6, 1, 1));
        y = s.node("Sub", "rsub", s.random("e", -1, 1, 1, 6, 1, 1), y);
        y = s.node("Div", "div", y, s.random("f", 0.5, 2, 1, 6, 1, 1));
        s.output(y, "y");

        Folding f = Folding.reparam(s);

        f.only("Conv");
        assertEquals(1, f.graph().nodeCount());
        for (String op : new String[] {"Mul", "Add", "Sub", "Div"}) {
            f.assertApplied(PASS, op + " by constant folded into conv \"conv\"");
        }
        assertEquals(5, f.applied(PASS).size());
    }

    /** Scalars (shape [] and [1]) broadcast to every channel. */
    @Test
    void scalarArithmeticAfterConvFolds() {
        SmallGraph s = new SmallGraph(81);
        Value x = s.input("x", 1, 4, 8, 8);
        Value y = s.conv("conv", x, 4, 3, 3).pad(1).build();
        y = s.mul("mul", y, s.scalar("s", 1.5f));
        y = s.add("add", y, s.floats("c", new long[] {1}, -0.25f));
        s.output(y, "y");

        Folding f = Folding.reparam(s);

        f.only("Conv");
        assertEquals(1, f.graph().nodeCount());
    }

    /** x * s[1,C,1,1] -> conv (padded, grouped): W'[o,i] = W[o,i] s[i]; zero padding stays zero. */
    @Test
    void perChannelInputScaleBeforeConvFolds() {
        SmallGraph s = new SmallGraph(82);
        Value x = s.input("x", 1, 4, 8, 8);
        Value scaled = s.mul("in_scale", x, s.random("s", 0.5, 2, 1, 4, 1, 1));
        s.output(s.conv("conv", scaled, 6, 3, 3).pad(1).group(2).build(), "y");

        Folding f = Folding.reparam(s);

        f.only("Conv");
        assertEquals(0, f.count("Mul"));
        f.assertApplied(PASS, "input scale folded into conv \"conv\"");
    }

    /** A [1,1,H,W] constant varies over space: no per-channel fold. */
    @Test
    void spatiallyVaryingConstantIsNotFolded() {
        SmallGraph s = new SmallGraph(83);
        Value x = s.input("x", 1, 4, 8, 8);
        Value y = s.conv("conv", x, 4, 3, 3).pad(1).build();
        s.output(s.add("add", y, s.random("c", -1, 1, 1, 1, 8, 8)), "y");

        Folding f = Folding.reparam(s);

        assertEquals(1, f.count("Add"));
        assertEquals(0, f.applied(PASS).size());
    }

    /** [1,C,2,2] on a 2x2 conv output does not enlarge it but still varies over space: not folded. */
    @Test
    void perPixelConstantOnSmallMapIsNotFolded() {
        SmallGraph s = new SmallGraph(84);
        Value x = s.input("x", 1, 4, 4, 4);
        Value y = s.conv("conv", x, 4, 3, 3).pad(1).stride(2).build();
        s.output(s.mul("mul", y, s.random("s", 0.5, 2, 1, 4, 2, 2)), "y");

        Folding f = Folding.reparam(s);

        assertEquals(1, f.count("Mul"));
        assertEquals(0, f.applied(PASS).size());
    }

    /** A [2,C,1,1] constant would broadcast the batch of 1 to 2: not folded. */
    @Test
    void constantThatEnlargesTheBatchIsNotFolded() {
        SmallGraph s = new SmallGraph(85);
        Value x = s.input("x", 1, 4, 8, 8);
        Value y = s.conv("conv", x, 4, 3, 3).pad(1).build();
        s.output(s.add("add", y, s.random("c", -1, 1, 2, 4, 1, 1)), "y");

        Folding f = Folding.reparam(s);

        assertEquals(1, f.count("Add"));
        assertEquals(0, f.applied(PASS).size());
    }

    /** A [C,1,1] constant on a 1-channel conv output broadcasts it to C channels: not folded. */
    @Test
    void constantThatEnlargesTheChannelsIsNotFolded() {
        SmallGraph s = new SmallGraph(86);
        Value x = s.input("x", 1, 4, 8, 8);
        Value y = s.conv("conv", x, 1, 3, 3).pad(1).build();
        s.output(s.mul("mul", y, s.random("s", 0.5, 2, 3, 1, 1)), "y");

        Folding f = Folding.reparam(s);

        assertEquals(1, f.count("Mul"));
        assertEquals(0, f.applied(PASS).size());
    }

    /** x[1,1,H,W] * s[1,C,1,1] before a C-input conv enlarges x: not folded into the conv. */
    @Test
    void inputScaleThatEnlargesTheInputIsNotFolded() {
        SmallGraph s = new SmallGraph(87);
        Value x = s.input("x", 1, 1, 8, 8);
        Value scaled = s.mul("in_scale", x, s.random("s", 0.5, 2, 1, 4, 1, 1));
        s.output(s.conv("conv", scaled, 4, 3, 3).pad(1).build(), "y");

        Folding f = Folding.reparam(s);

        assertEquals(1, f.count("Mul"));
        assertEquals(0, f.applied(PASS).size());
    }

    /** An Add before a padded conv is not a scale: folding it would change the zero border. */
    @Test
    void offsetBeforePaddedConvIsNotFolded() {
        SmallGraph s = new SmallGraph(88);
        Value x = s.input("x", 1, 4, 8, 8);
        Value shifted = s.add("in_shift", x, s.random("c", -1, 1, 1, 4, 1, 1));
        s.output(s.conv("conv", shifted, 4, 3, 3).pad(1).build(), "y");

        Folding f = Folding.reparam(s);

        assertEquals(1, f.count("Add"));
    }
}
