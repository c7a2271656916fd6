package isptool.passes.reparam;

import isptool.graph.Graph;
import isptool.graph.Node;
import isptool.graph.Value;
import isptool.passes.OpRewrite;
import isptool.passes.PassReport;
import isptool.passes.Patterns;
import java.util.ArrayList;
import java.util.List;

/**
 * Merges convolutions that read the same input and are concatenated on channels into one conv
 * with all their output channels (SYENet's ConvRep branches before the 1x1 compress; the compress
 * then folds in with MergeSequentialConvs: W = Wc . W_cat, b = Wc . b_cat + b_out).
 * Before: Concat(axis=1; Conv_a(x), Conv_b(x), ...).  After: Conv(x) with stacked kernels.
 * Runs of adjacent inputs are merged; branches are aligned as in MergeParallelConvs and
 * refused with the reason when they do not line up.
 */
public final class MergeConcatOfConvs extends OpRewrite {
    public MergeConcatOfConvs() {
        super("Concat");
    }

    @Override
    protected boolean rewrite(Graph g, Node cat, PassReport report) {
        if (!channelAxis(cat)) {
            return false;
        }
        List<Value> ins = new ArrayList<>(cat.inputs());
        List<Value> rebuilt = new ArrayList<>();
        boolean merged = false;
        int i = 0;
        while (i < ins.size()) {
            Value x = convInput(g, ins.get(i));
            int j = i + 1;
            while (x != null && j < ins.size() && convInput(g, ins.get(j)) == x) {
                j++;
            }
            Value out = j - i >= 2 ? mergeRun(g, cat, ins.subList(i, j), x, report) : null;
            if (out != null) {
                rebuilt.add(out);
                merged = true;
                i = j;
            } else {
                rebuilt.add(ins.get(i));
                i++;
            }
        }
        if (!merged) {
            return false;
        }
        if (rebuilt.size() == 1) {
            g.removeNode(cat);
            g.replaceAllUses(cat.output(0), rebuilt.get(0));
        } else {
            g.truncateInputs(cat, 0);
            for (int k = 0; k < rebuilt.size(); k++) {
                g.setInput(cat, k, rebuilt.get(k));
            }
        }
        return true;
    }

    private static boolean channelAxis(Node cat) {
        long axis = cat.getInt("axis", 1);
        Value first = cat.input(0);
        int rank = first != null && first.shape() != null ? first.shape().rank() : 4;
        return rank == 4 && (axis == 1 || axis == -3);
    }

    private static Value convInput(Graph g, Value v) {
        Node conv = Patterns.soleProducer(g, v, "Conv");
        return conv != null && ConvKernel.of(conv) != null ? conv.input(0) : null;
    }

    private Value mergeRun(Graph g, Node cat, List<Value> run, Value x, PassReport report) {
        List<ConvKernel> kernels = new ArrayList<>();
        List<String> names = new ArrayList<>();
        int channels = 0;
        for (Value v : run) {
            ConvKernel k = ConvKernel.of(v.producer());
            kernels.add(k.regrouped(1));
            names.add(v.producer().name());
            channels += k.outChannels();
        }
        String[] why = new String[1];
        ConvKernel[] aligned = ConvKernel.align(kernels, why);
        if (aligned == null) {
            report.refused(name(), cat.name(), "branches " + names + " not merged: " + why[0]);
            return null;
        }
        ConvKernel stacked = ConvKernel.concat(aligned);
        String bad = stacked.nonFiniteReason();
        if (bad != null) {
            report.refused(name(), cat.name(), "branches " + names + " not merged: " + bad);
            return null;
        }
        for (Value v : run) {
            g.removeNode(v.producer());
        }
        Value ref = run.get(0);
        long[] dims = ref.shape() == null ? null : ref.shape().dims();
        Value out = g.newValue(names.get(0) + "_cat");
        if (dims != null) {
            dims[1] = channels;
            out.setType(ref.dtype(), isptool.graph.Shape.of(dims));
        }
        stacked.emit(g, names.get(0), x, out);
        report.applied(name(), cat.name(), run.size() + " concatenated branches " + names + " -> one " + stacked + " conv");
        return out;
    }
}
