package isptool.passes.layout;

import isptool.graph.Graph;
import isptool.graph.Node;
import isptool.graph.Tensor;
import isptool.graph.Value;
import isptool.passes.OpRewrite;
import isptool.passes.PassReport;
import isptool.passes.Patterns;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Turns a CRD DepthToSpace (PyTorch's pixel_shuffle) into the DCR one TFLite has, by renumbering
 * the channels of the conv that feeds it instead of inserting a transpose.
 *
 * Before: Conv(W, B) -> [per-channel ops] -> DepthToSpace(b, CRD)
 *         or several convs meeting in elementwise ops of two computed tensors, e.g. SYENet's QCU
 *         right before the shuffle: Mul(ConvA(x), ConvB(x)) -> Add(bias) -> DepthToSpace(b, CRD)
 * After:  every such conv Conv(W[p], B[p]) -> [same ops, per-channel constants [p]] -> DepthToSpace(b, DCR)
 *   p[(i*b + j)*C + c] = c*b*b + i*b + j,  new[k] = old[p[k]]   (FACTS.md section 2)
 * DCR reads channel (i*b + j)*C + c for offset (i, j) and channel c, which now holds old channel
 * c*b*b + i*b + j: the one CRD read. With C = 1 the orders coincide and only the mode changes.
 * An elementwise op of two tensors of the same shape commutes with a channel permutation
 * (f(a[p], b[p]) = f(a, b)[p]), so permuting every conv on every way permutes the result; without
 * this the CRD order costs a channel GATHER before TFLite's DEPTH_TO_SPACE.
 *
 * Per-channel ops allowed in between (every value on the ways read only by ops on the ways):
 * unary elementwise (Relu, Clip, Tanh, Sigmoid, LeakyRelu, ...), PRelu with a per-channel or
 * scalar slope, Add/Sub/Mul/Div/Pow/Max/Min with a per-channel or scalar constant, and the same
 * binary ops of two computed tensors with the output's shape (no broadcasting). A ConvTranspose
 * producer has its output channels on weight axis 1.
 *
 * Refused (recorded in the report; the TFLite model then needs a GATHER there) when a value on
 * the ways has a reader elsewhere or is a graph output, when a way starts at a graph input or passes
 * an op that is not per-channel (Concat, a broadcasting Add, ...), when weights or constants are
 * computed, or when a producer is grouped: for C > 1 and b > 1, p moves channels between any equal
 * groups (channel C - 1 of the first group would take old channel (C - 1)*b*b).
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
        String why = trace(g, d2s, p, plan);
        if (why != null) {
            return refuse(report, d2s, why);
        }
        plan.edits().forEach(Runnable::run);
        d2s.set("mode", "DCR");
        report.applied(name(), d2s.name(), "mode CRD -> DCR; output channels of " + plan.path().get(0) + " reordered");
        return true;
    }

    private boolean refuse(PassReport report, Node d2s, String why) {
        report.refused(name(), d2s.name(), "DepthToSpace stays CRD, so TFLite's DCR DEPTH_TO_SPACE will need a"
                + " transpose here: " + why);
        return false;
    }

    /**
     * Walks up from the DepthToSpace input through per-channel ops to every conv that feeds it;
     * returns why it cannot, or null with plan filled (constants downstream first, convs last on
     * each way, as a single chain always did).
     */
    private static String trace(Graph g, Node d2s, int[] p, Plan plan) {
        Deque<Value> todo = new ArrayDeque<>();
        todo.push(d2s.input(0));
        Set<Value> seen = new LinkedHashSet<>();
        Set<Node> region = new HashSet<>();
        Set<Node> convs = new HashSet<>();
        while (!todo.isEmpty()) {
            Value v = todo.pop();
            if (!seen.add(v)) {
                continue;
            }
            if (g.isGraphOutput(v)) {
                return "\"" + v.name() + "\" is also a graph output";
            }
            Node n = Graph.producer(v);
            if (n == null) {
                return "its channels come from \"" + v.name() + "\", a graph input or constant, not from a conv";
            }
            if (n.is("Conv") || n.is("ConvTranspose")) {
                String why = convs.add(n) ? planConv(g, n, p, plan) : null;
                if (why != null) {
                    return why;
                }
                continue;
            }
            if (!region.add(n)) {
                continue;
            }
            List<Value> next = perChannelInputs(n);
            if (next == null) {
                return n + " between the conv and the DepthToSpace is not a per-channel op of computed tensors";
            }
            String why = n.is("PRelu") ? planConstant(n, 1, p, plan) : BINARY.contains(n.opType()) && next.size() == 1
                    ? planConstant(n, n.input(0) == next.get(0) ? 1 : 0, p, plan) : null;
            if (why != null) {
                return why;
            }
            for (int i = next.size() - 1; i >= 0; i--) {
                todo.push(next.get(i));
            }
        }
        for (Value v : seen) {
            String shared = otherReaders(g, v, d2s, region);
            if (shared != null) {
                return shared;
            }
        }
        plan.path().add(describe(d2s.input(0), region));
        return null;
    }

    /** "\"c\" (Conv) -> Relu", or "(\"a\" (Conv), \"b\" (Conv)) -> Mul -> Add" where two ways meet. */
    private static String describe(Value v, Set<Node> region) {
        Node n = Graph.producer(v);
        if (!region.contains(n)) {
            return n.toString();
        }
        List<Value> ins = perChannelInputs(n);
        if (ins.size() == 1) {
            return describe(ins.get(0), region) + " -> " + n.opType();
        }
        return "(" + describe(ins.get(0), region) + ", " + describe(ins.get(1), region) + ") -> " + n.opType();
    }

    /**
     * The computed inputs of a per-channel op, or null if n is not one: the input of a unary op or
     * of a binary op with a constant, or both inputs of a binary op of two computed tensors of the
     * output's shape (SYENet's QCU product a(x) * b(x) + bias: permuting both permutes the result).
     */
    private static List<Value> perChannelInputs(Node n) {
        if (n.outputs().size() != 1) {
            return null;
        }
        if (UNARY.contains(n.opType()) || n.is("PRelu")) {
            return List.of(n.input(0));
        }
        if (!BINARY.contains(n.opType()) || n.inputs().size() != 2) {
            return null;
        }
        Value x = Patterns.variableOperand(n);
        if (x != null) {
            return sameShape(x, n) ? List.of(x) : null;
        }
        Value a = n.input(0);
        Value b = n.input(1);
        boolean computed = !a.isConstant() && !b.isConstant();
        return computed && sameShape(a, n) && sameShape(b, n) ? List.of(a, b) : null;
    }

    private static boolean sameShape(Value x, Node n) {
        return x.shape() != null && x.shape().equals(n.output(0).shape());
    }

    private static String otherReaders(Graph g, Value v, Node d2s, Set<Node> region) {
        List<String> readers = new ArrayList<>();
        boolean outside = false;
        for (Node n : g.consumers(v)) {
            readers.add(n.toString());
            outside |= n != d2s && !region.contains(n);
        }
        if (!outside) {
            return null;
        }
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
