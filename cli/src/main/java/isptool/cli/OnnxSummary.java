package isptool.cli;

import isptool.graph.Graph;
import isptool.graph.Node;
import isptool.graph.Shape;
import isptool.graph.Tensor;
import isptool.graph.Value;
import isptool.graph.eval.ConstantFolding;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** What {@code isptool inspect} tells about an ONNX graph. */
final class OnnxSummary {
    private static final long FOLD_LIMIT = 1L << 24;

    private OnnxSummary() {
    }

    /** Summarizes g; shapes are inferred (and shape arithmetic folded) on g itself to estimate MACs. */
    static ModelSummary of(Graph g) {
        Map<String, Integer> ops = g.opHistogram();
        long params = 0;
        long bytes = 0;
        for (Value c : g.constants()) {
            params += c.constant().elementCount();
            bytes += c.constant().byteSize();
        }
        ConstantFolding.foldAndInfer(g, FOLD_LIMIT);
        long macs = 0;
        int unknown = 0;
        for (Node n : g.nodes()) {
            if (n.is("Conv") || n.is("ConvTranspose")) {
                long m = convMacs(n);
                if (m < 0) {
                    unknown++;
                } else {
                    macs += m;
                }
            }
        }
        return new ModelSummary("onnx", describe(g.inputs()), describe(g.outputs()), ops, params, bytes, macs, unknown,
                ops.getOrDefault("Transpose", 0), Map.of());
    }

    /** Multiply-accumulates of a convolution: per output (input for ConvTranspose) element, Cin/group * kernel. */
    private static long convMacs(Node n) {
        Tensor w = Graph.constant(n.input(1));
        Shape s = n.is("Conv") ? n.output(0).shape() : n.input(0).shape();
        if (s == null || !s.isStatic()) {
            return -1;
        }
        long[] wd = w != null ? w.shape() : n.input(1).shape() != null && n.input(1).shape().isStatic()
                ? n.input(1).shape().dims() : null;
        if (wd == null) {
            return -1;
        }
        long perElement = 1;
        for (int i = 1; i < wd.length; i++) {
            perElement *= wd[i]; // Conv: Cin/group * k...; ConvTranspose: Cout/group * k...
        }
        return s.elementCount() * perElement;
    }

    private static List<String> describe(List<Value> values) {
        List<String> r = new ArrayList<>();
        for (Value v : values) {
            r.add(v.name() + " " + (v.dtype() == null ? "?" : v.dtype().name().toLowerCase()) + (v.shape() == null ? "[?]" : v.shape()));
        }
        return r;
    }
}
