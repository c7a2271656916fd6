package isptool.backends.tflite.lower;

import static java.util.Map.entry;

import isptool.backends.layout.LayoutPlan;
import isptool.backends.tflite.TfliteBuilder;
import isptool.graph.Graph;
import isptool.graph.ModelException;
import isptool.graph.Node;
import isptool.graph.Value;
import java.util.Map;
import java.util.TreeSet;
import org.tensorflow.lite.schema.BuiltinOperator;

/**
 * Lowers an ONNX-level graph (after reparam and tflite-prep, shapes inferred) to a float32 TFLite
 * model in the layout the {@link LayoutPlan} chose. Anything not in {@link #TABLE}, or not exact
 * there, is refused with the node, the op and the reason: a wrong model is never written.
 */
public final class OnnxToTflite {
    /** ONNX op -> how it becomes TFLite operators: the core table and the families kept in their own classes. */
    static final Map<String, Lowering> TABLE = merge(core(), MathLowerings.TABLE, TensorLowerings.TABLE);

    private static Map<String, Lowering> core() {
        return Map.ofEntries(
            entry("Conv", ConvLowering::lower),
            entry("ConvTranspose", ConvTransposeLowering::lower),
            entry("LRN", LrnLowering::lower),
            entry("MaxPool", PoolLowering::maxPool),
            entry("AveragePool", PoolLowering::averagePool),
            entry("GlobalMaxPool", PoolLowering::globalMaxPool),
            entry("Resize", ResizeLowering::lower),
            entry("Gemm", DenseLowering::gemm),
            entry("MatMul", DenseLowering::matMul),
            entry("Relu", ElementwiseLowering::clamp),
            entry("Clip", ElementwiseLowering::clamp),
            entry("PRelu", ElementwiseLowering::prelu),
            entry("LeakyRelu", ElementwiseLowering::leakyRelu),
            entry("Tanh", ElementwiseLowering.unary(BuiltinOperator.TANH)),
            entry("Sigmoid", ElementwiseLowering.unary(BuiltinOperator.LOGISTIC)),
            entry("Add", ElementwiseLowering.binary(BuiltinOperator.ADD)),
            entry("Sub", ElementwiseLowering.binary(BuiltinOperator.SUB)),
            entry("Mul", ElementwiseLowering.binary(BuiltinOperator.MUL)),
            entry("Div", ElementwiseLowering.binary(BuiltinOperator.DIV)),
            entry("Pow", PowLowering::lower),
            entry("Sqrt", ElementwiseLowering.unary(BuiltinOperator.SQRT)),
            entry("GlobalAveragePool", AxisLowering::globalAveragePool),
            entry("DepthToSpace", AxisLowering::depthToSpace),
            entry("Concat", AxisLowering::concat),
            // the plan stores input and output in ONNX's row-major order (transposing before if needed)
            entry("Reshape", ShapeLowering::reshape),
            entry("Flatten", ShapeLowering::reshape),
            entry("Squeeze", ShapeLowering::reshape),
            entry("Unsqueeze", ShapeLowering::reshape),
            entry("Identity", (n, cx) -> cx.alias(n, n.output(0), n.input(0))),
            entry("Transpose", ShapeLowering::transpose));
    }

    @SafeVarargs
    private static Map<String, Lowering> merge(Map<String, Lowering>... tables) {
        Map<String, Lowering> all = new java.util.HashMap<>();
        for (Map<String, Lowering> t : tables) {
            for (Map.Entry<String, Lowering> e : t.entrySet()) {
                if (all.put(e.getKey(), e.getValue()) != null) {
                    throw new IllegalStateException("two lowerings for " + e.getKey());
                }
            }
        }
        return Map.copyOf(all);
    }

    private OnnxToTflite() {
    }

    /** The ONNX ops convert can lower, sorted. */
    public static TreeSet<String> supportedOps() {
        return new TreeSet<>(TABLE.keySet());
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
        if (!TABLE.containsKey(n.opType())) {
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
            Lowering l = TABLE.get(n.opType());
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
