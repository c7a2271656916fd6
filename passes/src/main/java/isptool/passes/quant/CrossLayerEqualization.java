package isptool.passes.quant;

import isptool.graph.Graph;
import isptool.graph.Node;
import isptool.graph.Value;
import isptool.passes.Pass;
import isptool.passes.PassReport;
import isptool.passes.reparam.ConvKernel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Cross-layer equalization (Nagel et al. 2019, "Data-Free Quantization Through Weight Equalization
 * and Bias Correction"), before quantization: balances the weight ranges of consecutive convs so
 * that no channel of the pair is far smaller than the others once both are quantized.
 * Before: Conv1(x) -> [Relu | PRelu | LeakyRelu] -> Conv2
 * After:  the same ops; output channel i of Conv1 (weights and bias) divided by s_i, input
 *         channel i of Conv2 multiplied by s_i.
 * Math: f(z / s) = f(z) / s for s > 0 and f positive-homogeneous (ReLU, PReLU, LeakyReLU, none),
 * so Conv2(s * f(Conv1(x) / s)) = Conv2(f(Conv1(x))) exactly. With r1_i the largest |weight| of
 * Conv1's output channel i and r2_i the largest |weight| reading Conv2's input channel i,
 * s_i = sqrt(r1_i * r2_i) / r2_i makes both sqrt(r1_i * r2_i). Chains (a conv that is the second of
 * one pair and the first of the next) are swept in double until no scale moves by more than 1e-6,
 * then written back once as float32.
 * Refuses: any other op between the convs (Clip/Relu6 bounds would change: reported), an
 * intermediate read elsewhere or a graph output, weights or a bias shared with another node,
 * non-constant weights, a channel whose weights are all zero (left at scale 1).
 */
public final class CrossLayerEqualization implements Pass {
    private static final Set<String> POSITIVELY_HOMOGENEOUS = Set.of("Relu", "PRelu", "LeakyRelu");
    private static final int MAX_SWEEPS = 500;
    private static final double CONVERGED = 1e-6;
    /** A graph already equalized (up to float32 rounding) is left alone. */
    private static final double ALREADY_EQUAL = 1e-4;

    private record Pair(Node first, Node second) {
    }

    @Override
    public boolean run(Graph g, PassReport report) {
        List<Pair> pairs = pairs(g, report);
        Map<Node, ConvKernel> kernels = new LinkedHashMap<>();
        for (Pair p : pairs) {
            kernels.put(p.first, ConvKernel.of(p.first));
            kernels.put(p.second, ConvKernel.of(p.second));
        }
        Map<Pair, double[]> total = new LinkedHashMap<>();
        for (int sweep = 0; sweep < MAX_SWEEPS; sweep++) {
            double moved = 0;
            for (Pair p : pairs) {
                double[] s = scales(kernels.get(p.first), kernels.get(p.second));
                double[] inverse = new double[s.length];
                double[] acc = total.computeIfAbsent(p, k -> ones(s.length));
                for (int i = 0; i < s.length; i++) {
                    inverse[i] = 1 / s[i];
                    acc[i] *= s[i];
                    moved = Math.max(moved, Math.abs(s[i] - 1));
                }
                kernels.put(p.first, kernels.get(p.first).affineOutput(inverse, new double[s.length]));
                kernels.put(p.second, kernels.get(p.second).scaleInputs(s));
            }
            if (sweep == 0 && moved < ALREADY_EQUAL) {
                return false;
            }
            if (moved < CONVERGED) {
                break;
            }
        }
        kernels.forEach((conv, k) -> write(g, conv, k));
        total.forEach((p, s) -> report.applied(name(), p.second.name(), describe(p, s)));
        return !pairs.isEmpty();
    }

    /** s_i = sqrt(r1_i * r2_i) / r2_i; 1 where either range is zero. */
    private static double[] scales(ConvKernel first, ConvKernel second) {
        double[] r1 = first.outputRanges();
        double[] r2 = second.inputRanges();
        double[] s = new double[r1.length];
        for (int i = 0; i < s.length; i++) {
            s[i] = r1[i] > 0 && r2[i] > 0 ? Math.sqrt(r1[i] * r2[i]) / r2[i] : 1;
        }
        return s;
    }

    /** Every conv -> [positive-homogeneous activation] -> conv pair whose rewrite is exact. */
    private List<Pair> pairs(Graph g, PassReport report) {
        List<Pair> r = new ArrayList<>();
        for (Node second : g.nodes()) {
            if (!second.is("Conv") || ConvKernel.of(second) == null) {
                continue;
            }
            Value v = second.input(0);
            Node between = Graph.producer(v);
            if (between != null && !between.is("Conv")) {
                if (between.is("Clip") && Graph.producer(between.input(0)) != null
                        && Graph.producer(between.input(0)).is("Conv")) {
                    report.refused(name(), second.name(), "Clip \"" + between.name() + "\" sits between it and \""
                            + Graph.producer(between.input(0)).name() + "\": a channel scale would change its bounds");
                }
                if (!POSITIVELY_HOMOGENEOUS.contains(between.opType()) || !intermediate(g, v)) {
                    continue;
                }
                v = between.input(0);
            }
            Node first = Graph.producer(v);
            ConvKernel k1 = first == null || !first.is("Conv") ? null : ConvKernel.of(first);
            if (k1 == null || !intermediate(g, v) || k1.outChannels() != ConvKernel.of(second).inChannels()) {
                continue;
            }
            if (!ownsConstants(g, first) || !ownsConstants(g, second)) {
                report.refused(name(), second.name(), "its weights or those of \"" + first.name()
                        + "\" are shared with another node");
                continue;
            }
            r.add(new Pair(first, second));
        }
        return r;
    }

    /** v is read only by the next op of the pair and is not a graph output. */
    private static boolean intermediate(Graph g, Value v) {
        return g.hasSingleUse(v) && !g.isGraphOutput(v);
    }

    private static boolean ownsConstants(Graph g, Node conv) {
        for (int i = 1; i < conv.inputs().size(); i++) {
            Value c = conv.input(i);
            if (c != null && !g.hasSingleUse(c)) {
                return false;
            }
        }
        return true;
    }

    private static void write(Graph g, Node conv, ConvKernel k) {
        g.setConstant(conv.input(1), k.weightTensor());
        if (conv.input(2) != null) {
            g.setConstant(conv.input(2), k.biasTensor());
        }
    }

    private static double[] ones(int n) {
        double[] r = new double[n];
        Arrays.fill(r, 1);
        return r;
    }

    private static String describe(Pair p, double[] s) {
        double lo = Double.MAX_VALUE;
        double hi = 0;
        for (double x : s) {
            lo = Math.min(lo, x);
            hi = Math.max(hi, x);
        }
        return String.format(Locale.ROOT, "%d channels from \"%s\" equalized, scales %.3g to %.3g", s.length,
                p.first.name(), lo, hi);
    }
}
