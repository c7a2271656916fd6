package isptool.graph.shapes;

import isptool.graph.Graph;
import isptool.graph.ModelException;
import isptool.graph.Node;
import isptool.graph.Value;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Static shape inference: walks the nodes in order and sets the dtype and shape of every output
 * it can (static sizes where they follow from the inputs and constant arguments, unknown
 * otherwise). Ops it does not know keep what the model declares; inconsistent shapes (a Conv
 * whose input channels do not match the weight, a Reshape to another element count) are a
 * {@link ModelException} naming the file, node and op.
 */
public final class ShapeInference {
    private ShapeInference() {
    }

    public static void run(Graph g) {
        InputShapes.checkSizes(g);
        for (Node n : g.nodes()) {
            infer(g, n);
        }
    }

    /** Infers one node's outputs from its inputs' current types. */
    public static void infer(Graph g, Node n) {
        if (!n.domain().isEmpty() && !n.domain().equals("ai.onnx")) {
            return;
        }
        ShapeRule rule = ShapeRules.get(n.opType());
        if (rule == null) {
            return;
        }
        InferContext c = new InferContext(g, n);
        try {
            rule.infer(c);
        } catch (ModelException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new ModelException(g.source() + ": " + ModelException.where(n) + ": cannot infer output shapes from inputs "
                    + describeInputs(n) + " (" + e + "); the node looks malformed", e);
        }
    }

    /** True if shape inference has a rule for this (default-domain) op. */
    public static boolean supports(String opType) {
        return ShapeRules.known(opType);
    }

    /**
     * Fixes graph input shapes (the CLI's --input-shape). The key "" stands for the only input
     * of a single-input graph. Declared static sizes must agree; a -1 keeps the declared size.
     */
    public static void fixInputShapes(Graph g, Map<String, long[]> shapes) {
        InputShapes.fix(g, shapes);
    }

    /** Parses "name:1,4,544,960" specs (or "1,4,544,960" for a single-input graph, under the key ""). */
    public static Map<String, long[]> parseInputShapes(List<String> specs) {
        return InputShapes.parse(specs);
    }

    /**
     * Parses the specs for this graph: a spec without a name is given the name of the graph's
     * only input (a ModelException listing the inputs if there is not exactly one).
     */
    public static Map<String, long[]> parseInputShapes(List<String> specs, Graph g) {
        return InputShapes.resolve(g, InputShapes.parse(specs));
    }

    private static String describeInputs(Node n) {
        List<String> parts = new ArrayList<>();
        for (Value v : n.inputs()) {
            parts.add(v == null ? "(omitted)" : v.shape() == null ? "[unknown rank]" : v.shape().toString());
        }
        return String.join(", ", parts);
    }
}
