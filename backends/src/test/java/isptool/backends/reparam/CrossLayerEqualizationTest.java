package isptool.backends.reparam;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import isptool.graph.Node;
import isptool.graph.Tensor;
import isptool.graph.Value;
import isptool.passes.PassReport;
import isptool.passes.Pipelines;
import isptool.passes.reparam.ConvKernel;
import org.junit.jupiter.api.Test;

/**
 * Cross-layer equalization: output channel i of the first conv divided by s_i, input channel i of
 * the second multiplied by s_i, through ReLU, PReLU, LeakyReLU or nothing; checked in onnxruntime
 * to 1e-5 of the output range, and the weight ranges of each pair equal afterwards.
 */
class CrossLayerEqualizationTest {
    private static final String PASS = "CrossLayerEqualization";

    /** Multiplies output channel c of conv's weights and bias by f: a channel far larger than the others. */
    private static void inflate(SmallGraph s, Value convOut, int c, float f) {
        Node conv = convOut.producer();
        for (int in = 1; in < conv.inputs().size(); in++) {
            Tensor t = conv.input(in).constant();
            float[] v = t.toFloats();
            int per = v.length / (int) t.dim(0);
            for (int e = c * per; e < (c + 1) * per; e++) {
                v[e] *= f;
            }
            s.g.setConstant(conv.input(in), Tensor.ofFloats(t.shape(), v));
        }
    }

    /** Conv "a" (4 -> 8 channels, 3x3) of input x whose channel 0 is 40 times the others. */
    private static Value unbalancedConv(SmallGraph s) {
        Value a = s.conv("a", s.input("x", 1, 4, 8, 8), 8, 3, 3).pad(1).build();
        inflate(s, a, 0, 40);
        return a;
    }

    /** a -> PRelu -> depthwise b -> LeakyRelu -> c -> d (no activation): three pairs, one chain. */
    @Test
    void chainThroughPositivelyHomogeneousActivationsIsExact() {
        SmallGraph s = new SmallGraph(90);
        Value a = unbalancedConv(s);
        inflate(s, a, 5, 0.02f);
        Value b = s.conv("b", s.prelu("act_a", a), 8, 3, 3).pad(1).group(8).build();
        Value c = s.conv("c", s.node("LeakyRelu", "act_b", b), 6, 1, 1).build();
        s.output(s.conv("d", c, 3, 3, 3).pad(1).build(), "y");

        Folding f = Folding.run(s, Pipelines.equalize(), Folding.TOLERANCE);

        assertEquals(3, f.applied(PASS).size(), f.describe());
        f.assertApplied(PASS, "8 channels from \"a\" equalized");
        f.assertApplied(PASS, "6 channels from \"c\" equalized");
        f.assertNothingRefused();
        for (String[] pair : new String[][] {{"a", "b"}, {"b", "c"}, {"c", "d"}}) {
            assertArrayEquals(kernel(f, pair[0]).outputRanges(), kernel(f, pair[1]).inputRanges(), 1e-5,
                    pair[0] + " -> " + pair[1]);
        }
        assertEquals(0, Pipelines.equalize().run(f.graph(), new PassReport()), "an equalized graph is left alone");
    }

    /** Relu6 (Clip 0..6): bounds do not scale, so the pair is refused and the weights stay. */
    @Test
    void clipBetweenConvsIsRefused() {
        SmallGraph s = new SmallGraph(91);
        Value a = unbalancedConv(s);
        Value clipped = s.node("Clip", "relu6", a, s.scalar("lo", 0), s.scalar("hi", 6));
        s.output(s.conv("b", clipped, 3, 1, 1).build(), "y");
        float[] before = a.producer().input(1).constant().toFloats();

        Folding f = Folding.run(s, Pipelines.equalize(), Folding.TOLERANCE);

        assertTrue(f.applied(PASS).isEmpty(), f.describe());
        f.assertRefused(PASS, "Clip \"relu6\"", "would change its bounds");
        assertArrayEquals(before, kernelNode(f, "a").input(1).constant().toFloats());
    }

    /** The first conv's output is also a graph output: scaling it would change that output. */
    @Test
    void intermediateReadElsewhereIsLeftAlone() {
        SmallGraph s = new SmallGraph(92);
        Value a = unbalancedConv(s);
        s.output(s.conv("b", s.node("Relu", "act", a), 3, 1, 1).build(), "y");
        s.output(a, "features");

        Folding f = Folding.run(s, Pipelines.equalize(), Folding.TOLERANCE);

        assertTrue(f.applied(PASS).isEmpty(), f.describe());
    }

    private static Node kernelNode(Folding f, String name) {
        return f.graph().nodes().stream().filter(n -> n.name().equals(name)).findFirst().orElseThrow();
    }

    private static ConvKernel kernel(Folding f, String name) {
        return ConvKernel.of(kernelNode(f, name));
    }
}
