package isptool.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which loaded nodes each node stands for after rewrites made through the graph's mutators. */
class ProvenanceTest {
    /** x -> Conv a -> Mul b -> Identity c -> Relu d -> output. */
    private static GraphBuilder chain() {
        GraphBuilder b = new GraphBuilder(13);
        Value x = b.input("x", DType.FLOAT, 1, 2, 4, 4);
        Node a = b.node("Conv", x, b.zeros("w", 2, 2, 1, 1));
        Node m = b.node("Mul", a.output(0), b.floats("s", new long[] {1}, 2f));
        Node c = b.node("Identity", m.output(0));
        Node d = b.node("Relu", c.output(0));
        b.output(d.output(0));
        return b;
    }

    private static Node named(Graph g, String op) {
        return g.nodes().stream().filter(n -> n.is(op)).findFirst().orElseThrow();
    }

    @Test
    void aFoldStandsForTheNodesItRemovedAndConsumersRewiredToItDoNot() {
        Graph g = chain().g;
        Provenance p = g.trackProvenance();
        Node conv = named(g, "Conv");
        Node mul = named(g, "Mul");
        Node identity = named(g, "Identity");
        String convName = conv.name();
        String mulName = mul.name();
        // a Mul folded into the conv: both removed, one new conv; the Identity is rewired to it
        Value out = g.newValue("folded");
        Node folded = g.addNode("Conv", convName, List.of(conv.input(0), g.addConstant("w2", Tensor.ofFloats(
                new long[] {2, 2, 1, 1}, new float[4]))), List.of(out));
        g.removeNode(mul);
        g.removeNode(conv);
        g.replaceAllUses(mul.output(0), out);
        p.endRewrite("FoldAffineIntoConv");
        assertEquals(Set.of(convName, mulName), p.origins(folded));
        assertEquals(List.of("FoldAffineIntoConv"), p.passes(folded));
        assertEquals(Set.of(identity.name()), p.origins(identity));
        assertEquals(List.of(), p.passes(identity), "rewired to the fold's output, not rewritten");

        // the Identity removed with nothing in its place: dropped
        g.replaceAllUses(identity.output(0), identity.input(0));
        g.removeNode(identity);
        p.endRewrite("EliminateIdentity");
        assertEquals(Map.of(identity.name(), "EliminateIdentity"), p.dropped());

        // a node rewritten in place (an attribute) keeps its origins and adds the pass
        folded.set("group", 1L);
        p.endRewrite("SomeLayoutPass");
        assertEquals(Set.of(convName, mulName), p.origins(folded));
        assertEquals(List.of("FoldAffineIntoConv", "SomeLayoutPass"), p.passes(folded));

        // a later fold that swallows the result stands for everything before it
        Node relu = named(g, "Relu");
        Value out2 = g.newValue("fused");
        Node fused = g.addNode("Conv", "fused", List.of(folded.input(0), folded.input(1)), List.of(out2));
        g.removeNode(relu);
        g.removeNode(folded);
        g.replaceAllUses(relu.output(0), out2);
        p.endRewrite("FuseRelu");
        assertEquals(Set.of(convName, mulName, relu.name()), p.origins(fused));
        assertEquals(List.of("FoldAffineIntoConv", "SomeLayoutPass", "FuseRelu"), p.passes(fused));
        assertEquals(Set.of(), p.origins(folded), "a removed node stands for nothing any more");
    }

    @Test
    void nothingIsRecordedUntilTrackingStarts() {
        Graph g = chain().g;
        assertNull(g.provenance());
        named(g, "Relu").set("x", 1L);
        Provenance p = g.trackProvenance();
        Node relu = named(g, "Relu");
        assertEquals(Set.of(relu.name()), p.origins(relu));
        assertEquals(List.of(), p.passes(relu));
        p.endRewrite("nothing");
        assertEquals(Map.of(), p.dropped());
    }
}
