package isptool.backends.reparam;

import static org.junit.jupiter.api.Assertions.assertEquals;

import isptool.graph.Value;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Case 9: graph outputs produced by folded nodes keep their names and their order. */
class GraphOutputsTest {
    /** Two outputs declared in the opposite order to the nodes: a folded BN and a merged branch sum. */
    @Test
    void foldedOutputsKeepNamesAndOrder() {
        SmallGraph s = new SmallGraph(90);
        Value x = s.input("x", 1, 4, 8, 8);
        Value main = s.batchNorm("bn", s.conv("conv", x, 4, 3, 3).pad(1).build());
        Value c3 = s.conv("b3", x, 4, 3, 3).pad(1).build();
        Value c1 = s.conv("b1", x, 4, 1, 1).build();
        Value aux = s.add("sum", c3, c1);
        s.output(aux, "aux");
        s.output(main, "main");

        Folding f = Folding.reparam(s);

        assertEquals(List.of("aux", "main"), f.outputNames());
        assertEquals(2, f.count("Conv"));
        assertEquals(0, f.count("Identity"));
    }

    /** A QCU whose scaling Mul is the graph output: the product takes over the output's name. */
    @Test
    void qcuScaleAtTheGraphOutputKeepsTheName() {
        SmallGraph s = new SmallGraph(91);
        Value x = s.input("x", 1, 4, 8, 8);
        Value a = s.conv("a", x, 4, 3, 3).pad(1).build();
        Value b = s.node("Sigmoid", "sig", s.conv("b", x, 4, 3, 3).pad(1).build());
        s.output(s.conv("other", x, 2, 1, 1).build(), "first");
        s.output(s.mul("scale", s.mul("product", a, b), s.scalar("s", 0.1f)), "second");

        Folding f = Folding.reparam(s);

        assertEquals(List.of("first", "second"), f.outputNames());
        assertEquals(0, f.constantMuls());
    }

    /**
     * An inner sum that is itself a graph output merges on its own and keeps its name; the outer
     * sum reads it and is not merged through it.
     */
    @Test
    void innerSumThatIsAnOutputKeepsItsName() {
        SmallGraph s = new SmallGraph(92);
        Value x = s.input("x", 1, 4, 8, 8);
        Value inner = s.add("inner", s.conv("c3", x, 4, 3, 3).pad(1).build(), s.conv("c1", x, 4, 1, 1).build());
        Value outer = s.add("outer", inner, s.conv("c5", x, 4, 5, 5).pad(2).build());
        s.output(outer, "outer_y");
        s.output(inner, "inner_y");

        Folding f = Folding.reparam(s);

        assertEquals(List.of("outer_y", "inner_y"), f.outputNames());
        assertEquals(2, f.count("Conv"));
    }

    /** A concat of convs that is the output: its merged conv takes the output's name. */
    @Test
    void mergedConcatAtTheGraphOutputKeepsTheName() {
        SmallGraph s = new SmallGraph(93);
        Value x = s.input("x", 1, 4, 8, 8);
        Value cat = s.concat("cat", 1, s.conv("a", x, 2, 3, 3).pad(1).build(), s.conv("b", x, 3, 1, 1).build());
        s.output(s.conv("side", x, 2, 1, 1).build(), "side");
        s.output(cat, "features");

        Folding f = Folding.reparam(s);

        assertEquals(List.of("side", "features"), f.outputNames());
        assertEquals(0, f.count("Concat"));
    }

    /** A conv output that is a graph output and also feeds a BN: neither the BN nor the conv is lost. */
    @Test
    void convOutputThatIsAlsoAGraphOutputIsNotFoldedAway() {
        SmallGraph s = new SmallGraph(94);
        Value x = s.input("x", 1, 4, 8, 8);
        Value conv = s.conv("conv", x, 4, 3, 3).pad(1).build();
        Value bn = s.batchNorm("bn", conv);
        s.output(bn, "normalized");
        s.output(conv, "raw");

        Folding f = Folding.reparam(s);

        assertEquals(List.of("normalized", "raw"), f.outputNames());
    }
}
