package isptool.passes.layout;

import isptool.graph.Graph;
import isptool.graph.Node;
import isptool.graph.Tensor;
import isptool.graph.Value;
import isptool.passes.OpRewrite;
import isptool.passes.PassReport;
import isptool.passes.Patterns;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Replaces the 6-D Reshape -> Transpose -> Reshape that pixel shuffle and unshuffle export as
 * (TorchScript below opset 11, or hand-written view/permute code) with DepthToSpace or
 * SpaceToDepth, which TFLite runs in 4-D NHWC with no transpose. x is [N, X, H, W], r the block:
 *
 *   Reshape [N, C, r, r, H, W]      Transpose [0,1,4,2,5,3]  Reshape [N, C, H*r, W*r]     -> DepthToSpace(r, CRD)
 *   Reshape [N, r, r, C, H, W]      Transpose [0,3,4,1,5,2]  Reshape [N, C, H*r, W*r]     -> DepthToSpace(r, DCR)
 *   Reshape [N, X, H/r, r, W/r, r]  Transpose [0,3,5,1,2,4]  Reshape [N, X*r*r, H/r, W/r] -> SpaceToDepth(r)
 *   Reshape [N, X, H/r, r, W/r, r]  Transpose [0,1,3,5,2,4]  Reshape [N, X*r*r, H/r, W/r] (pixel_unshuffle)
 *
 * pixel_unshuffle writes channel c*r*r + i*r + j, SpaceToDepth (i*r + j)*X + c, so
 * s2d[k] = unshuffle[p[k]] with p[(i*r + j)*X + c] = c*r*r + i*r + j (identity when X = 1, e.g. a
 * raw Bayer plane). Otherwise the order is folded into the readers: every reader must be a
 * group-1 Conv with constant weights (p mixes any equal groups), and gets W'[o, k] = W[o, p[k]]
 * (exact: zero padding does not care about channel order). If a reader is anything else the
 * pattern is left alone and the refusal reported.
 *
 * Requires the first Reshape's input shape static and both Reshape shapes constant (after constant
 * folding; 0 and -1 entries are resolved), a square block, and opset 11 for CRD with C > 1 (with
 * C = 1, CRD and DCR coincide and DCR is emitted).
 */
public final class PixelShuffleToDepthToSpace extends OpRewrite {
    private static final long[] SHUFFLE_CRD = {0, 1, 4, 2, 5, 3};
    private static final long[] SHUFFLE_DCR = {0, 3, 4, 1, 5, 2};
    private static final long[] SPACE_TO_DEPTH = {0, 3, 5, 1, 2, 4};
    private static final long[] UNSHUFFLE = {0, 1, 3, 5, 2, 4};

    public PixelShuffleToDepthToSpace() {
        super("Transpose");
    }

    @Override
    protected boolean rewrite(Graph g, Node t, PassReport report) {
        long[] perm = t.getInts("perm", null);
        boolean shuffle = Arrays.equals(perm, SHUFFLE_CRD) || Arrays.equals(perm, SHUFFLE_DCR);
        boolean unshuffle = Arrays.equals(perm, UNSHUFFLE) || Arrays.equals(perm, SPACE_TO_DEPTH);
        Node first = Patterns.soleProducer(g, t.input(0), "Reshape");
        Node last = g.soleConsumer(t.output(0));
        if (!shuffle && !unshuffle || first == null || last == null || !last.is("Reshape")
                || last.input(0) != t.output(0)) {
            return false;
        }
        Value x = first.input(0);
        long[] in = x.shape() != null && x.shape().rank() == 4 && x.shape().isStatic() ? x.shape().dims() : null;
        long[] six = in == null ? null : reshapeTarget(first, in);
        long[] four = six == null || six.length != 6 ? null : reshapeTarget(last, six);
        if (four == null) {
            return refuse(report, t, "the input shape is not static 4-D or a Reshape shape is not a constant 6-D/4-D"
                    + " shape");
        }
        long ch = in[1];
        long r = shuffle ? six[Arrays.equals(perm, SHUFFLE_CRD) ? 2 : 1] : six[3];
        long[][] want = expectedShapes(perm, in, r);
        if (want == null || !Arrays.equals(six, want[0]) || !Arrays.equals(four, want[1])) {
            return refuse(report, t, "Reshape " + Arrays.toString(six) + " and " + Arrays.toString(four) + " of "
                    + Arrays.toString(in) + " are not a pixel shuffle with one square block size");
        }
        if (shuffle) {
            boolean crd = Arrays.equals(perm, SHUFFLE_CRD) && ch > r * r;
            if (crd && g.opset() < 11) {
                return refuse(report, t, "DepthToSpace has no CRD mode before opset 11 (the graph is opset "
                        + g.opset() + ")");
            }
            replace(g, first, t, last, "DepthToSpace", r, crd ? "CRD" : "DCR");
            report.applied(name(), t.name(), "Reshape/Transpose/Reshape pixel shuffle (r=" + r + ") replaced by"
                    + " DepthToSpace " + (crd ? "CRD" : "DCR"));
            return true;
        }
        String folded = "";
        if (Arrays.equals(perm, UNSHUFFLE) && ch > 1) {
            String why = whyReadersCannotTakeTheOrder(g, last.output(0));
            if (why != null) {
                return refuse(report, t, "pixel_unshuffle of " + ch + " channels orders them c*r*r + i*r + j,"
                        + " SpaceToDepth (i*r + j)*C + c, and " + why);
            }
            folded = "; its channel order folded into the input channels of " + foldOrderIntoReaders(g, last.output(0),
                    ChannelPermutation.crdToDcr((int) ch, (int) r));
        }
        replace(g, first, t, last, "SpaceToDepth", r, null);
        String form = Arrays.equals(perm, UNSHUFFLE) ? "pixel unshuffle" : "space-to-depth";
        report.applied(name(), t.name(), "Reshape/Transpose/Reshape " + form + " (r=" + r + ") replaced by"
                + " SpaceToDepth" + folded);
        return true;
    }

    private boolean refuse(PassReport report, Node t, String why) {
        report.refused(name(), t.name(), "6-D Reshape/Transpose/Reshape left as is (TFLite's GPU delegate rejects"
                + " rank-6 tensors, NNAPI a rank-6 RESHAPE): " + why);
        return false;
    }

    /** The 6-D and 4-D shapes a pixel (un)shuffle of in with block r has, or null if r does not fit. */
    private static long[][] expectedShapes(long[] perm, long[] in, long r) {
        long n = in[0];
        long ch = in[1];
        long h = in[2];
        long w = in[3];
        if (r < 1) {
            return null;
        }
        if (Arrays.equals(perm, SHUFFLE_CRD) || Arrays.equals(perm, SHUFFLE_DCR)) {
            long c = ch / (r * r);
            if (ch % (r * r) != 0) {
                return null;
            }
            long[] six = Arrays.equals(perm, SHUFFLE_CRD) ? new long[] {n, c, r, r, h, w}
                    : new long[] {n, r, r, c, h, w};
            return new long[][] {six, {n, c, h * r, w * r}};
        }
        if (h % r != 0 || w % r != 0) {
            return null;
        }
        return new long[][] {{n, ch, h / r, r, w / r, r}, {n, ch * r * r, h / r, w / r}};
    }

    /** Null if every reader of v is a group-1 Conv with constant weights reading v as its data; else why not. */
    private static String whyReadersCannotTakeTheOrder(Graph g, Value v) {
        if (g.isGraphOutput(v)) {
            return "its output \"" + v.name() + "\" is a graph output";
        }
        for (Node n : g.consumers(v)) {
            Tensor w = n.is("Conv") ? Graph.constant(n.input(1)) : null;
            if (w == null || n.inputs().indexOf(v) != 0 || n.inputs().lastIndexOf(v) != 0
                    || n.getInt("group", 1) != 1) {
                return "the reader " + n + " is not a group-1 Conv with constant weights, so the order cannot be"
                        + " folded into it";
            }
        }
        return null;
    }

    /** Gives every reader of v W'[o, k] = W[o, p[k]]: it then reads SpaceToDepth's order. */
    private static List<Node> foldOrderIntoReaders(Graph g, Value v, int[] p) {
        List<Node> readers = g.consumers(v);
        for (Node conv : readers) {
            Tensor w = ChannelPermutation.permute(Graph.constant(conv.input(1)), 1, p);
            ChannelPermutation.replaceConstant(g, conv, 1, w);
        }
        return readers;
    }

    private static void replace(Graph g, Node first, Node t, Node last, String op, long r, String mode) {
        Value x = first.input(0);
        Value out = last.output(0);
        g.removeNode(last);
        g.removeNode(t);
        g.removeNode(first);
        Node n = g.addNode(op, last.name(), List.of(x), List.of(out));
        n.set("blocksize", r);
        if (mode != null && g.opset() >= 11) {
            n.set("mode", mode);
        }
    }

    /**
     * The shape a Reshape with a constant shape input gives an input of shape in: 0 copies the
     * input dim (unless allowzero), -1 takes what is left. Null if not constant or inconsistent.
     */
    static long[] reshapeTarget(Node reshape, long[] in) {
        Tensor s = Graph.constant(reshape.input(1));
        if (s == null || s.rank() != 1) {
            return null;
        }
        boolean allowZero = reshape.getInt("allowzero", 0) != 0;
        long[] d = s.toLongs();
        long total = 1;
        for (long x : in) {
            total *= x;
        }
        long known = 1;
        int inferred = -1;
        for (int k = 0; k < d.length; k++) {
            if (d[k] == 0 && !allowZero) {
                if (k >= in.length) {
                    return null;
                }
                d[k] = in[k];
            }
            if (d[k] == -1 && inferred < 0) {
                inferred = k;
            } else if (d[k] < 0) {
                return null;
            } else {
                known *= d[k];
            }
        }
        if (inferred >= 0) {
            if (known == 0 || total % known != 0) {
                return null;
            }
            d[inferred] = total / known;
        } else if (known != total) {
            return null;
        }
        return d;
    }
}
