package isptool.passes.layout;

import isptool.graph.Graph;
import isptool.graph.Node;
import isptool.graph.Tensor;
import isptool.graph.Value;
import isptool.passes.OpRewrite;
import isptool.passes.PassReport;
import isptool.passes.Patterns;
import java.util.Arrays;
import java.util.List;

/**
 * The pixel_unshuffle that {@link PixelShuffleToDepthToSpace} leaves (a reader that is not a conv,
 * or a graph output, cannot take SpaceToDepth's channel order): Reshape [N, C, H/r, r, W/r, r],
 * Transpose [0,1,3,5,2,4], Reshape [N, C*r*r, H/r, W/r] becomes SpaceToDepth(r) then a Gather of
 * the channels (axis 1) back into pixel_unshuffle's order, so the target runs it as SPACE_TO_DEPTH
 * and GATHER instead of rank-6 transposes. unshuffle[c*r*r + i*r + j] = s2d[(i*r + j)*C + c].
 */
public final class PixelUnshuffleToSpaceToDepthGather extends OpRewrite {
    private static final long[] UNSHUFFLE = {0, 1, 3, 5, 2, 4};

    public PixelUnshuffleToSpaceToDepthGather() {
        super("Transpose");
    }

    @Override
    protected boolean rewrite(Graph g, Node t, PassReport report) {
        Node first = Patterns.soleProducer(g, t.input(0), "Reshape");
        Node last = g.soleConsumer(t.output(0));
        if (!Arrays.equals(t.getInts("perm", null), UNSHUFFLE) || first == null || last == null
                || !last.is("Reshape") || last.input(0) != t.output(0)) {
            return false;
        }
        Value x = first.input(0);
        long[] in = x.shape() != null && x.shape().rank() == 4 && x.shape().isStatic() ? x.shape().dims() : null;
        long[] six = in == null ? null : PixelShuffleToDepthToSpace.reshapeTarget(first, in);
        long[] four = six == null || six.length != 6 ? null : PixelShuffleToDepthToSpace.reshapeTarget(last, six);
        long r = six == null ? 0 : six[3];
        if (four == null || r < 2 || six[5] != r || in[2] % r != 0 || in[3] % r != 0
                || !Arrays.equals(six, new long[] {in[0], in[1], in[2] / r, r, in[3] / r, r})
                || !Arrays.equals(four, new long[] {in[0], in[1] * r * r, in[2] / r, in[3] / r})) {
            return false;
        }
        int[] p = ChannelPermutation.crdToDcr((int) in[1], (int) r);
        long[] indices = new long[p.length];
        for (int k = 0; k < p.length; k++) {
            indices[p[k]] = k;
        }
        Value out = last.output(0);
        g.removeNode(last);
        g.removeNode(t);
        g.removeNode(first);
        Value packed = g.newValue(last.name() + "_space_to_depth");
        g.addNode("SpaceToDepth", last.name() + "_space_to_depth", List.of(x), List.of(packed)).set("blocksize", r);
        Value order = g.addConstant(last.name() + "_channel_order", Tensor.ofLongs(new long[] {p.length}, indices));
        g.addNode("Gather", last.name(), List.of(packed, order), List.of(out)).set("axis", 1L);
        report.applied(name(), t.name(), "Reshape/Transpose/Reshape pixel unshuffle (r=" + r + ") replaced by"
                + " SpaceToDepth and a Gather of its " + p.length + " channels into pixel_unshuffle's order");
        return true;
    }
}
