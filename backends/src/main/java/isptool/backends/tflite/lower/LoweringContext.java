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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tensorflow.lite.schema.BuiltinOperator;
import org.tensorflow.lite.schema.ReducerOptionsT;
import org.tensorflow.lite.schema.TransposeOptionsT;

/**
 * What every lowering shares: the builder, the layout plan, and the TFLite tensor of each IR
 * value, created on first use with its stored (per the plan) shape. Aliased values (Identity, a
 * Transpose that only relabels axes) share their input's tensor. Where the plan records a
 * transpose (or a reshape: same data order) of a value before a node, that node sees the value (its
 * tensor and its layout) in the wanted layout: one TRANSPOSE or RESHAPE per value and layout,
 * emitted before its first reader and reused.
 */
public final class LoweringContext {
    private final Graph graph;
    private final LayoutPlan plan;
    private final TfliteBuilder builder = new TfliteBuilder();
    private final Map<Value, Integer> tensors = new HashMap<>();
    private final Set<Node> lowered = new HashSet<>();
    private final Set<String> names = new HashSet<>();
    private final Map<String, Integer> nextSuffix = new HashMap<>();
    /** Per reading node, the values it reads in another layout than they are stored in. */
    private final Map<Node, Map<Value, Layout>> wanted = new HashMap<>();
    /** Per value, its transposed copies by layout. */
    private final Map<Value, Map<Layout, Integer>> transposed = new HashMap<>();
    /** Graph outputs transposed at the end, by the layout they are written in. */
    private final Map<Value, Layout> boundary = new HashMap<>();
    private Node current;

    LoweringContext(Graph graph, LayoutPlan plan) {
        this.graph = graph;
        this.plan = plan;
        List<LayoutPlan.Transpose> moves = new ArrayList<>(plan.transposes());
        moves.addAll(plan.reshapes());
        for (LayoutPlan.Transpose t : moves) {
            if (t.node() == null) {
                boundary.put(t.value(), t.to());
                names.add(t.value().name()); // the TRANSPOSE at the end writes the output under its own name
            } else {
                wanted.computeIfAbsent(t.node(), k -> new HashMap<>()).put(t.value(), t.to());
            }
        }
    }

    /** Starts lowering n: layoutOf and tensor answer for what n reads. */
    void at(Node n) {
        current = n;
        builder.origin(n == null ? null : n.name());
    }

    public Graph graph() {
        return graph;
    }

    public TfliteBuilder builder() {
        return builder;
    }

    /** The layout the node being lowered sees v in: the plan's, or the one a transpose before it gives. */
    public Layout layoutOf(Value v) {
        Layout w = current == null ? null : wanted.getOrDefault(current, Map.of()).get(v);
        return w != null ? w : plan.layoutOf(v);
    }

    /** The stored shape of v: its static ONNX shape in the plan's axis order. */
    public long[] storedShape(Node n, Value v) {
        return layoutOf(v).stored(dims(n, v));
    }

    /**
     * The TFLite tensor of v as node n reads it (a float32 activation, or a constant stored in v's
     * own layout), transposed first if the plan says n needs another layout.
     */
    public int tensor(Node n, Value v) {
        Layout w = n == null ? null : wanted.getOrDefault(n, Map.of()).get(v);
        if (w == null) {
            return stored(n, v);
        }
        Map<Layout, Integer> copies = transposed.computeIfAbsent(v, k -> new HashMap<>());
        Integer t = copies.get(w);
        if (t == null) {
            t = scratch(v.name() + "/" + w, w.stored(dims(n, v)));
            relayout(n, stored(n, v), plan.layoutOf(v), w, dims(n, v), t);
            copies.put(w, t);
        }
        return t;
    }

    /** The tensor of v in the layout the plan stores it in. */
    int stored(Node n, Value v) {
        Integer t = tensors.get(v);
        if (t != null) {
            return t;
        }
        if (v.dtype() != null && v.dtype() != DType.FLOAT) {
            throw refuse(n, "\"" + v.name() + "\" is " + v.dtype() + "; convert writes float32 models only so far");
        }
        Layout l = plan.layoutOf(v);
        String name = uniqueName(boundary.containsKey(v) ? v.name() + "/" + l : v.name());
        int index = v.isConstant()
                ? builder.addConstant(name, StoredTensors.inLayout(v.constant(), l))
                : builder.addTensor(name, TfliteType.FLOAT32, l.stored(dims(n, v)));
        tensors.put(v, index);
        return index;
    }

    /**
     * The tensor of graph output v under its own name: its stored tensor, or a TRANSPOSE of that
     * into the layout the caller asked for at the boundary.
     */
    int output(Node n, Value v) {
        Layout w = boundary.get(v);
        int t = stored(n, v);
        if (w == null) {
            return t;
        }
        int out = builder.addTensor(v.name(), TfliteType.FLOAT32, w.stored(dims(n, v)));
        relayout(n, t, plan.layoutOf(v), w, dims(n, v), out);
        return out;
    }

    /**
     * A tensor stored in one layout into another: RESHAPE when the data order is the same, else a
     * TRANSPOSE (stored axis k of to holds ONNX axis to[k]).
     */
    private void relayout(Node n, int in, Layout from, Layout to, long[] dims, int out) {
        String hint = n == null ? "output" : n.name();
        if (LayoutPlan.compatible(from, to, dims)) {
            reshape(hint, in, to.stored(dims), out);
            return;
        }
        long[] perm = new long[to.rank()];
        for (int k = 0; k < perm.length; k++) {
            perm[k] = from.storedAxis(to.perm()[k]);
        }
        transpose(hint, in, perm, out);
    }

    /** A RESHAPE of tensor in into out, whose stored shape is shape (the data order stays). */
    public void reshape(String hint, int in, long[] shape, int out) {
        builder.addOperator(BuiltinOperator.RESHAPE, null, new int[] {in, int32(hint + "/shape", false, shape)},
                new int[] {out});
    }

    /** A TRANSPOSE of tensor in into out: stored axis k of out is stored axis perm[k] of in. */
    public void transpose(String hint, int in, long[] perm, int out) {
        builder.addOperator(BuiltinOperator.TRANSPOSE, new TransposeOptionsT(),
                new int[] {in, int32(hint + "/perm", false, perm)}, new int[] {out});
    }

    /** A reduction (MEAN, SUM, REDUCE_MAX, ...) of tensor in over its stored axes into out. */
    public void reduce(String hint, int builtin, int in, long[] storedAxes, boolean keepDims, int out) {
        long[] sorted = storedAxes.clone();
        Arrays.sort(sorted);
        ReducerOptionsT o = new ReducerOptionsT();
        o.setKeepDims(keepDims);
        builder.addOperator(builtin, o, new int[] {in, int32(hint + "/axes", false, sorted)}, new int[] {out});
    }

    /** The static ONNX dims of v, refused when unknown. */
    public long[] dims(Node n, Value v) {
        Shape s = v.shape();
        if (s == null || !s.isStatic()) {
            throw refuse(n, "\"" + v.name() + "\" has shape " + s + "; TFLite needs static shapes, give them with"
                    + " --input-shape NAME:D0,D1,...");
        }
        return s.dims();
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

    /** A new int32 constant: a vector, or a scalar when {@code scalar}. */
    public int int32(String hint, boolean scalar, long... values) {
        long[] shape = scalar ? new long[0] : new long[] {values.length};
        return constant(hint, Tensor.ofIntegers(DType.INT32, shape, values));
    }

    /**
     * An integer operand given as attribute attr (older opsets) or as constant input i (newer), or
     * null if the node has neither; refused when computed at run time.
     */
    public long[] ints(Node n, String attr, int input) {
        if (attr != null && n.has(attr)) {
            return n.getInts(attr, null);
        }
        Value v = n.input(input);
        if (v == null || v.name().isEmpty()) {
            return null;
        }
        if (!v.isConstant()) {
            throw refuse(n, "input " + input + " (\"" + v.name() + "\") is computed at run time; TFLite needs it"
                    + " constant here, fold it first");
        }
        return v.constant().toLongs();
    }

    /** A new float32 activation tensor for a lowering's intermediate result, in stored (target) order. */
    public int scratch(String hint, long[] storedShape) {
        return builder.addTensor(uniqueName(hint), TfliteType.FLOAT32, storedShape);
    }

    /**
     * v's output is its input's tensor: no operator. A graph output that is not transposed at the
     * end keeps its own name through a RESHAPE copy.
     */
    public void alias(Node n, Value out, Value in) {
        if (graph.isGraphOutput(out) && !boundary.containsKey(out)) {
            reshape(n.name(), tensor(n, in), storedShape(n, out), stored(n, out));
            return;
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

    /**
     * hint, or hint_1, hint_2, ... if taken. The next suffix to try is kept per hint: probing from 1
     * each time made k tensors of one name (a constant read by k nodes) cost O(k^2).
     */
    private String uniqueName(String hint) {
        String name = hint == null || hint.isEmpty() ? "t" : hint;
        if (names.add(name)) {
            return name;
        }
        int i = nextSuffix.getOrDefault(name, 1);
        String r;
        do {
            r = name + "_" + i++;
        } while (!names.add(r));
        nextSuffix.put(name, i);
        return r;
    }
}
