package isptool.backends.tflite.lower;

import isptool.backends.layout.Layout;
import isptool.backends.layout.LayoutPlan;
import isptool.backends.tflite.TfliteBuilder;
import isptool.backends.tflite.TfliteType;
import isptool.graph.DType;
import isptool.graph.Graph;
import isptool.graph.ModelException;
import isptool.graph.Node;
import isptool.graph.Shape;
import isptool.graph.Tensor;
import isptool.graph.Value;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * What every lowering shares: the builder, the layout plan, and the TFLite tensor of each IR
 * value, created on first use with its stored (per the plan) shape. Aliased values (Identity, a
 * Transpose that only relabels axes) share their input's tensor.
 */
public final class LoweringContext {
    private final Graph graph;
    private final LayoutPlan plan;
    private final TfliteBuilder builder = new TfliteBuilder();
    private final Map<Value, Integer> tensors = new HashMap<>();
    private final Set<Node> lowered = new HashSet<>();
    private final Set<String> names = new HashSet<>();

    LoweringContext(Graph graph, LayoutPlan plan) {
        this.graph = graph;
        this.plan = plan;
    }

    public Graph graph() {
        return graph;
    }

    public TfliteBuilder builder() {
        return builder;
    }

    public Layout layoutOf(Value v) {
        return plan.layoutOf(v);
    }

    /** The stored shape of v: its static ONNX shape in the plan's axis order. */
    public long[] storedShape(Node n, Value v) {
        Shape s = v.shape();
        if (s == null || !s.isStatic()) {
            throw refuse(n, "\"" + v.name() + "\" has shape " + s + "; TFLite needs static shapes, give them with"
                    + " --input-shape NAME:D0,D1,...");
        }
        return layoutOf(v).stored(s.dims());
    }

    /** The TFLite tensor of v (a float32 activation, or a constant stored in v's own layout). */
    public int tensor(Node n, Value v) {
        Integer t = tensors.get(v);
        if (t != null) {
            return t;
        }
        if (v.dtype() != null && v.dtype() != DType.FLOAT) {
            throw refuse(n, "\"" + v.name() + "\" is " + v.dtype() + "; convert writes float32 models only so far");
        }
        int index = v.isConstant()
                ? builder.addConstant(uniqueName(v.name()), StoredTensors.inLayout(v.constant(), layoutOf(v)))
                : builder.addTensor(uniqueName(v.name()), TfliteType.FLOAT32, storedShape(n, v));
        tensors.put(v, index);
        return index;
    }

    /** A constant operand broadcast against {@code like}: right-aligned to its rank, in its stored layout. */
    public int constantLike(Node n, Value c, Value like) {
        Layout l = layoutOf(like);
        if (c.constant().rank() > l.rank()) {
            throw refuse(n, "constant \"" + c.name() + "\" has more axes than \"" + like.name() + "\"");
        }
        return builder.addConstant(uniqueName(c.name()), StoredTensors.inLayout(c.constant().cast(DType.FLOAT), l));
    }

    /** A new constant made by a lowering (weights in TFLite order, padding amounts, axes). */
    public int constant(String hint, Tensor t) {
        return builder.addConstant(uniqueName(hint), t);
    }

    /** A new float32 activation tensor for a lowering's intermediate result, in stored (target) order. */
    public int scratch(String hint, long[] storedShape) {
        return builder.addTensor(uniqueName(hint), TfliteType.FLOAT32, storedShape);
    }

    /** v's output is its input's tensor: no operator. */
    public void alias(Node n, Value out, Value in) {
        if (graph.isGraphOutput(out)) {
            throw refuse(n, "graph output \"" + out.name() + "\" would be the same tensor as \"" + in.name()
                    + "\", which cannot keep its own name; convert does not copy tensors yet");
        }
        tensors.put(out, tensor(n, in));
    }

    /** Makes v be written to the tensor of {@code target} (an activation fused into its producer). */
    public void writeInto(Value v, int target) {
        tensors.put(v, target);
    }

    /** Marks a later node as already lowered (fused into an earlier operator). */
    public void fused(Node n) {
        lowered.add(n);
    }

    boolean isFused(Node n) {
        return lowered.contains(n);
    }

    /** The only reader of v, if v has exactly one and is not a graph output. */
    public Node soleReader(Value v) {
        return graph.isGraphOutput(v) || !graph.hasSingleUse(v) ? null : graph.soleConsumer(v);
    }

    /** A one-line error for node n, naming the model file, the node and its op. */
    public ModelException refuse(Node n, String what) {
        return new ModelException(graph.source() + ": " + (n == null ? "" : ModelException.where(n) + ": ") + what);
    }

    private String uniqueName(String hint) {
        String name = hint == null || hint.isEmpty() ? "t" : hint;
        String r = name;
        for (int i = 1; !names.add(r); i++) {
            r = name + "_" + i;
        }
        return r;
    }
}
