package isptool.backends.tflite.lower;

import isptool.backends.layout.LayoutPlan;
import isptool.backends.tflite.TfliteBuilder;
import isptool.graph.Graph;
import isptool.graph.ModelException;
import isptool.graph.Node;
import isptool.graph.Value;
import java.util.TreeSet;

/**
 * Lowers an ONNX-level graph (after reparam and tflite-prep, shapes inferred) to a float32 TFLite
 * model in the layout the {@link LayoutPlan} chose. Anything without a lowering in {@link OpTable}, or not exact
 * there, is refused with the node, the op and the reason: a wrong model is never written.
 */
public final class OnnxToTflite {
    private OnnxToTflite() {
    }

    /** The ONNX ops convert can lower, sorted. */
    public static TreeSet<String> supportedOps() {
        return OpTable.loweredOps();
    }

    /**
     * Refuses, before any layout planning, a graph with a node convert cannot lower (a custom
     * domain, an op outside the table, e.g. a misspelt or unknown one) or a graph input or output
     * of unknown rank: the node and op, or the tensor, are named.
     */
    public static void checkLowerable(Graph g) {
        for (Value v : g.inputs()) {
            checkRankKnown(g, v, "input");
        }
        for (Node n : g.nodes()) {
            checkLowerable(g, n);
        }
        for (Value v : g.outputs()) {
            checkRankKnown(g, v, "output");
        }
    }

    private static void checkLowerable(Graph g, Node n) {
        String where = g.source() + ": " + ModelException.where(n) + ": ";
        if (!n.domain().isEmpty() && !n.domain().equals("ai.onnx")) {
            throw new ModelException(where + "custom domain \"" + n.domain() + "\" has no TFLite lowering");
        }
        if (OpTable.lowering(n.opType()) == null) {
            throw new ModelException(where + n.opType() + " has no TFLite lowering yet (convert supports "
                    + String.join(", ", supportedOps()) + ")");
        }
    }

    private static void checkRankKnown(Graph g, Value v, String role) {
        if (v.shape() == null) {
            throw new ModelException(g.source() + ": " + role + " \"" + v.name() + "\" has an unknown shape; TFLite"
                    + " needs static shapes, give the input shapes with --input-shape NAME:D0,D1,...");
        }
    }

    /**
     * Lowers g in the plan's layouts, with a TRANSPOSE for each transpose the plan records (once per
     * value and layout); graph inputs and outputs keep their names and order.
     */
    public static TfliteBuilder lower(Graph g, LayoutPlan plan) {
        LoweringContext cx = new LoweringContext(g, plan);
        Node first = g.nodes().isEmpty() ? null : g.nodes().get(0);
        int[] inputs = new int[g.inputs().size()];
        for (int i = 0; i < inputs.length; i++) {
            inputs[i] = cx.stored(first, g.inputs().get(i));
        }
        for (Node n : g.nodes()) {
            if (cx.isFused(n)) {
                continue;
            }
            checkLowerable(g, n);
            Lowering l = OpTable.lowering(n.opType());
            int firstOperator = cx.builder().operatorCount();
            cx.at(n);
            l.lower(n, cx);
            String tooLarge = cx.builder().kernelLimitProblem(firstOperator);
            if (tooLarge != null) {
                throw cx.refuse(n, "would become " + tooLarge + ", which TFLite cannot run");
            }
        }
        cx.at(null);
        int[] outputs = new int[g.outputs().size()];
        for (int i = 0; i < outputs.length; i++) {
            Value out = g.outputs().get(i);
            outputs[i] = cx.output(out.producer() != null ? out.producer() : first, out);
        }
        TfliteBuilder b = cx.builder();
        b.inputs(inputs).outputs(outputs);
        return b;
    }
}
