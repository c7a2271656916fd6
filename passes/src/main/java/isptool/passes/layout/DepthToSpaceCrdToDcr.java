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
import java.util.Set;

/**
 * Turns a CRD DepthToSpace (PyTorch's pixel_shuffle) into the DCR one TFLite has, by renumbering
 * the channels of the conv that feeds it instead of inserting a transpose.
 *
 * Before: Conv(W, B) -> [per-channel ops] -> DepthToSpace(b, CRD)
 * After:  Conv(W[p], B[p]) -> [same ops, per-channel constants [p]] -> DepthToSpace(b, DCR)
 *   p[(i*b + j)*C + c] = c*b*b + i*b + j,  new[k] = old[p[k]]   (FACTS.md section 2)
 * DCR reads channel (i*b + j)*C + c for offset (i, j) and channel c, which now holds old channel
 * c*b*b + i*b + j: the one CRD read. With C = 1 the orders coincide and only the mode changes.
 *
 * Per-channel ops allowed in between (each output read once): unary elementwise (Relu, Clip,
 * Tanh, Sigmoid, LeakyRelu, ...), PRelu with a per-channel or scalar slope, and
 * Add/Sub/Mul/Div/Pow/Max/Min with a per-channel or scalar constant. A ConvTranspose producer has
 * its output channels on weight axis 1.
 *
 * Refused (recorded in the report; the TFLite model then needs a transpose there) when a value on
 * the way has another reader or is a graph output, when the way starts at a graph input or passes
 * an op that is not per-channel (Concat, an Add of two computed tensors, ...), when weights or
 * constants are computed, or when the producer is grouped: for C > 1 and b > 1, p moves channels
 * between any equal groups (channel C - 1 of the first group would take old channel (C - 1)*b*b).
 * ONNX SpaceToDepth already writes TFLite's order ((i*b + j)*C + c), so it needs no rewrite.
 */
public final class DepthToSpaceCrdToDcr extends OpRewrite {
    private static final Set<String> UNARY = Set.of("Relu", "Clip", "Tanh", "Sigmoid", "LeakyRelu", "Elu",
            "Selu", "Celu", "HardSigmoid", "HardSwish", "Softplus", "Softsign", "Abs", "Neg", "Exp", "Erf", "Gelu",
            "Mish", "ThresholdedRelu", "Identity");
    private static final Set<String> BINARY = Set.of("Add", "Sub", "Mul", "Div", "Pow", "Max", "Min");

    public DepthToSpaceCrdToDcr() {
        super("DepthToSpace");
    }

    /** What the rewrite will change, collected before anything is changed. */
    private record Plan(List<String> path, List<Runnable> edits) {
    }

    @Override
    protected boolean rewrite(Graph g, Node d2s, PassReport report) {
        if (!d2s.getString("mode", "DCR").equals("CRD")) {
            return false;
        }
        int b = (int) d2s.getInt("blocksize", 0);
        int channels = Patterns.channels4d(d2s.input(0));
        if (b < 1 || channels <= 0 || channels % (b * b) != 0) {
            return refuse(report, d2s, "the channel count of its input is unknown");
        }
        if (channels == b * b) {
            d2s.set("mode", "DCR");
            report.applied(name(), d2s.name(), "one output channel: CRD and DCR read the same channels;"
                    + " mode set to DCR");
            return true;
        }
        int[] p = ChannelPermutation.crdToDcr(channels / (b * b), b);
        Plan plan = new Plan(new ArrayList<>(), new ArrayList<>());
        String why = trace(g, d2s.input(0), p, plan);
        if (why != null) {
            return refuse(report, d2s, why);
        }
        plan.edits().forEach(Runnable::run);
        d2s.set("mode", "DCR");
        report.applied(name(), d2s.name(), "mode CRD -> DCR; output channels of " + String.join(" -> ", plan.path())
                + " reordered");
        return true;
    }

    private boolean refuse(PassReport report, Node d2s, String why) {
        report.refused(name(), d2s.name(), "DepthToSpace stays CRD, so TFLite's DCR DEPTH_TO_SPACE will need a"
                + " transpose here: " + why);
        return false;
    }

    /** Walks up from the DepthToSpace input to the conv; returns why it cannot, or null with plan filled. */
    private static String trace(Graph g, Value v, int[] p, Plan plan) {
        List<String> ops = new ArrayList<>();
        while (true) {
            String shared = otherReaders(g, v);
            if (shared != null) {
                return shared;
            }
            Node n = Graph.producer(v);
            if (n == null) {
                return "its channels come from \"" + v.name() + "\", a graph input or constant, not from a conv";
            }
            if (n.is("Conv") || n.is("ConvTranspose")) {
                plan.path().add(n.toString());
                for (int i = ops.size() - 1; i >= 0; i--) {
                    plan.path().add(ops.get(i));
                }
                return planConv(g, n, p, plan);
            }
            Value next = perChannelInput(n);
            if (next == null) {
                return n + " between the conv and the DepthToSpace is not a per-channel op of one computed tensor";
            }
            String why = n.is("PRelu") ? planConstant(n, 1, p, plan) : BINARY.contains(n.opType())
                    ? planConstant(n, n.input(0) == next ? 1 : 0, p, plan) : null;
            if (why != null) {
                return why;
            }
            ops.add(n.opType());
            v = next;
        }
    }

    /** The computed input of a per-channel op, or null if n is not one. */
    private static Value perChannelInput(Node n) {
        if (n.outputs().size() != 1) {
            return null;
        }
        if (UNARY.contains(n.opType()) || n.is("PRelu")) {
            return n.input(0);
        }
        Value x = BINARY.contains(n.opType()) ? Patterns.variableOperand(n) : null;
        boolean broadcasts = x != null && x.shape() != null && n.output(0).shape() != null
                && !x.shape().equals(n.output(0).shape());
        return broadcasts ? null : x;
    }

    private static String otherReaders(Graph g, Value v) {
        if (g.isGraphOutput(v)) {
            return "\"" + v.name() + "\" is also a graph output";
        }
        if (g.hasSingleUse(v)) {
            return null;
        }
        List<String> readers = new ArrayList<>();
        g.consumers(v).forEach(n -> readers.add(n.toString()));
        return "\"" + v.name() + "\" is read by " + readers.size() + " nodes (" + String.join(", ", readers)
                + "), and the others need the original channel order";
    }

    /** Reorders a per-channel constant (input i of n); scalars and uniform-over-channels constants stay. */
    private static String planConstant(Node n, int i, int[] p, Plan plan) {
        Tensor t = Graph.constant(n.input(i));
        if (t == null) {
            return n + ": input \"" + n.input(i).name() + "\" is computed, not a constant";
        }
        if (Patterns.perChannel(t, p.length) == null) {
            return n + ": constant \"" + n.input(i).name() + "\" of shape " + Arrays.toString(t.shape())
                    + " is not per-channel";
        }
        if (t.elementCount() == p.length && p.length > 1) {
            plan.edits().add(() -> ChannelPermutation.replaceConstant(n.graph(), n, i,
                    ChannelPermutation.permute(t, t.rank() - 3, p)));
        }
        return null;
    }

    /** Conv: weight axis 0 and bias. ConvTranspose (group 1): weight axis 1 and bias. */
    private static String planConv(Graph g, Node conv, int[] p, Plan plan) {
        Tensor w = Graph.constant(conv.input(1));
        Value bias = conv.input(2);
        if (w == null || bias != null && !bias.isConstant()) {
            return conv + " has computed weights or bias";
        }
        long group = conv.getInt("group", 1);
        boolean transposed = conv.is("ConvTranspose");
        long out = transposed ? w.dim(1) * group : w.dim(0);
        if (out != p.length) {
            return conv + " has " + out + " output channels, not " + p.length;
        }
        if (group != 1) {
            return conv + " has group " + group + ", and the reordering would move channels between groups";
        }
        Tensor nw = ChannelPermutation.permute(w, transposed ? 1 : 0, p);
        plan.edits().add(() -> {
            ChannelPermutation.replaceConstant(g, conv, 1, nw);
            if (bias != null) {
                ChannelPermutation.replaceConstant(g, conv, 2, ChannelPermutation.permute(bias.constant(), 0, p));
            }
        });
        return null;
    }
}
