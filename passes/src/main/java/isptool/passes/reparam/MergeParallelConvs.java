package isptool.passes.reparam;

import isptool.graph.Graph;
import isptool.graph.Node;
import isptool.graph.Value;
import isptool.passes.OpRewrite;
import isptool.passes.PassReport;
import isptool.passes.Patterns;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Merges convolutions that read the same input and are summed (RepVGG, ACNet, MobileOne, DBB,
 * ECB), in any Add/Sum tree order, including identity branches (the input itself as a leaf).
 * Before: Add(Conv_a(x), Add(Conv_b(x), x)).  After: Conv(x) with K = K_a + K_b + I.
 * Math: kernels are brought to one window (small kernels zero-padded where their own padding
 * centres them, asymmetric kxl too), one group count (the gcd) and one dilation, then added;
 * biases add. Identity: K[i, i mod (C/groups), centre] = 1.
 * Refuses (and says why) when strides differ or the branches' paddings do not line up.
 */
public final class MergeParallelConvs extends OpRewrite {
    public MergeParallelConvs() {
        super("Add", "Sum");
    }

    @Override
    protected boolean rewrite(Graph g, Node n, PassReport report) {
        return isSumNode(n) && !feedsSumTree(g, n) && mergeTree(g, n, report);
    }

    private static boolean isSumNode(Node n) {
        if (!(n.is("Add") || n.is("Sum")) || n.inputs().size() < 2) {
            return false;
        }
        for (Value v : n.inputs()) {
            if (v == null || v.isConstant()) {
                return false;
            }
        }
        return true;
    }

    private static boolean feedsSumTree(Graph g, Node n) {
        Node c = g.soleConsumer(n.output(0));
        return c != null && isSumNode(c);
    }

    private static void collect(Graph g, Node sum, List<Value> leaves, List<Node> interior) {
        interior.add(sum);
        for (Value v : sum.inputs()) {
            Node p = v.producer();
            if (p != null && isSumNode(p) && g.hasSingleUse(v)) {
                collect(g, p, leaves, interior);
            } else {
                leaves.add(v);
            }
        }
    }

    private boolean mergeTree(Graph g, Node root, PassReport report) {
        List<Value> leaves = new ArrayList<>();
        List<Node> interior = new ArrayList<>();
        collect(g, root, leaves, interior);

        Map<Value, List<Value>> branchesByInput = new LinkedHashMap<>();
        for (Value leaf : leaves) {
            Node conv = Patterns.soleProducer(g, leaf, "Conv");
            if (conv != null && ConvKernel.of(conv) != null) {
                branchesByInput.computeIfAbsent(conv.input(0), k -> new ArrayList<>()).add(leaf);
            }
        }
        List<Value> remaining = new ArrayList<>(leaves);
        List<Value> merged = new ArrayList<>();
        List<Node> toRemove = new ArrayList<>();
        List<Runnable> emits = new ArrayList<>();
        for (Map.Entry<Value, List<Value>> e : branchesByInput.entrySet()) {
            Value x = e.getKey();
            List<Value> branch = e.getValue();
            List<ConvKernel> kernels = new ArrayList<>();
            List<String> names = new ArrayList<>();
            for (Value leaf : branch) {
                kernels.add(ConvKernel.of(leaf.producer()));
                names.add(leaf.producer().name());
            }
            int identities = 0;
            ConvKernel k0 = kernels.get(0);
            int groups = k0.group;
            for (ConvKernel k : kernels) {
                groups = ConvKernel.gcd(groups, k.group);
            }
            boolean identityFits = k0.outChannels() == k0.inChannels() && k0.sh == 1 && k0.sw == 1;
            while (identityFits && remaining.contains(x)) {
                remaining.remove(x);
                kernels.add(ConvKernel.identity(k0.inChannels(), groups));
                identities++;
            }
            if (kernels.size() < 2) {
                continue;
            }
            String[] why = new String[1];
            ConvKernel[] aligned = sameOutChannels(kernels) ? ConvKernel.align(kernels, why) : null;
            if (aligned == null) {
                for (int i = 0; i < identities; i++) {
                    remaining.add(x);
                }
                report.refused(name(), root.name(), "branches " + names + " not merged: "
                        + (why[0] != null ? why[0] : "output channel counts differ"));
                continue;
            }
            ConvKernel sum = ConvKernel.sum(aligned);
            String bad = sum.nonFiniteReason();
            if (bad != null) {
                for (int i = 0; i < identities; i++) {
                    remaining.add(x);
                }
                report.refused(name(), root.name(), "branches " + names + " not merged: " + bad);
                continue;
            }
            String convName = names.get(0);
            remaining.removeAll(branch);
            for (Value leaf : branch) {
                toRemove.add(leaf.producer());
            }
            Value out = g.newValue(convName + "_merged", root.output(0).dtype(), root.output(0).shape());
            merged.add(out);
            emits.add(() -> sum.emit(g, convName, x, out));
            report.applied(name(), root.name(), branch.size() + " branches " + names
                    + (identities > 0 ? " + " + identities + " identity" : "") + " -> one " + sum + " conv");
        }
        if (merged.isEmpty()) {
            return false;
        }
        for (Node n : interior) {
            g.removeNode(n);
        }
        for (Node n : toRemove) {
            g.removeNode(n);
        }
        emits.forEach(Runnable::run);
        List<Value> terms = new ArrayList<>(merged);
        terms.addAll(remaining);
        Value rootOut = root.output(0);
        if (terms.size() == 1) {
            g.replaceAllUses(rootOut, terms.get(0));
            return true;
        }
        Value acc = terms.get(0);
        for (int i = 1; i < terms.size(); i++) {
            Value out = i == terms.size() - 1 ? rootOut : g.newValue(root.name() + "_sum", rootOut.dtype(), rootOut.shape());
            g.addNode("Add", root.name(), List.of(acc, terms.get(i)), List.of(out));
            acc = out;
        }
        return true;
    }

    private static boolean sameOutChannels(List<ConvKernel> ks) {
        for (ConvKernel k : ks) {
            if (k.outChannels() != ks.get(0).outChannels()) {
                return false;
            }
        }
        return true;
    }
}
