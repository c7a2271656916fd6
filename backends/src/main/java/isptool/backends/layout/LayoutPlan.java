package isptool.backends.layout;

import isptool.backends.tflite.lower.OpTable;
import isptool.graph.Graph;
import isptool.graph.Node;
import isptool.graph.Shape;
import isptool.graph.Tensor;
import isptool.graph.Value;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The one layout decision for a whole graph: which axis order every value is stored in, so that
 * image tensors live in NHWC and no TRANSPOSE exists only because of the layout change.
 *
 * <p>Walking the graph in order: graph inputs of rank 4 are NHWC (unless the caller keeps NCHW at
 * the boundary); spatial ops (conv, pools, resize, depth-to-space, ...) read and write NHWC;
 * elementwise ops keep their input's layout; ops with an axis (Concat, Softmax, reductions,
 * Slice, Pad, LayerNormalization, ...) keep it and have their axis renumbered; Squeeze and
 * Unsqueeze move no data; a Transpose in the model becomes a relabelling of axes (an alias), so
 * {@code permute -> LayerNorm(last axis) -> permute back} costs nothing; Reshape and Flatten
 * reinterpret the data only when the stored order is ONNX's row-major order for the non-unit axes.
 * Where an op cannot take its input's layout, the plan records a real transpose, with the node
 * and the reason; the target backend then emits exactly those.
 */
public final class LayoutPlan {
    /** A data-moving transpose the plan could not avoid: before node's input, from one layout to another. */
    public record Transpose(Node node, Value value, Layout from, Layout to, String reason) {
    }

    private final Map<Value, Layout> layouts = new HashMap<>();
    /** Each graph output's layout at the model's border (after its border transpose, if any). */
    private final Map<Value, Layout> border = new HashMap<>();
    private final Set<Node> aliases = new LinkedHashSet<>();
    private final List<Transpose> transposes = new ArrayList<>();
    private final List<Transpose> reshapes = new ArrayList<>();
    private final Set<Node> relabels = new HashSet<>();

    private LayoutPlan() {
    }

    /**
     * Plans g (shapes inferred). With nhwcIo, rank-4 inputs and outputs are NHWC; otherwise they
     * keep ONNX's order and the plan transposes at the boundary.
     */
    public static LayoutPlan of(Graph g, boolean nhwcIo) {
        LayoutPlan p = new LayoutPlan();
        for (Value in : g.inputs()) {
            int rank = rank(in);
            p.layouts.put(in, rank == 4 && nhwcIo ? Layout.NHWC : Layout.identity(Math.max(rank, 0)));
        }
        for (Node n : g.nodes()) {
            p.plan(n);
        }
        for (Value out : g.outputs()) {
            Layout have = p.layoutOf(out);
            Layout want = rank(out) == 4 && nhwcIo ? Layout.NHWC : Layout.identity(rank(out));
            p.border.put(out, want);
            if (have != null && !have.equals(want)) {
                p.add(new Transpose(null, out, have, want, "graph output \"" + out.name() + "\" is "
                        + (nhwcIo ? "NHWC" : "kept in ONNX order (--io-layout nchw)")), dims(out));
            }
        }
        return p;
    }

    /**
     * The layout of the tensor a model holds under v's name: for a graph output its layout at the
     * border (NHWC, or ONNX order with --io-layout nchw, where a border TRANSPOSE writes it), for
     * every other value {@link #layoutOf}. What a written model's tensors are compared in.
     */
    public Layout storedLayoutOf(Value v) {
        Layout b = border.get(v);
        return b != null ? b : layoutOf(v);
    }

    /** The stored layout of v (constants: the layout their reader needs, or identity). */
    public Layout layoutOf(Value v) {
        Layout l = layouts.get(v);
        return l != null ? l : v.shape() != null ? Layout.identity(v.shape().rank()) : null;
    }

    /** Transpose nodes of the model that move no data in the target: their output is their input, relabelled. */
    public Set<Node> aliases() {
        return aliases;
    }

    /** Reshape-like nodes whose stored data needs no movement (a RESHAPE of the stored shape). */
    public Set<Node> relabels() {
        return relabels;
    }

    /** The transposes the target has to emit; empty for graphs that run entirely in NHWC. */
    public List<Transpose> transposes() {
        return transposes;
    }

    /**
     * Where a value is read in a layout that keeps its data order but not its stored shape (the
     * axes that differ have size 1, e.g. NCHW and NHWC of one channel): a RESHAPE in the target.
     */
    public List<Transpose> reshapes() {
        return reshapes;
    }

    private void add(Transpose t, long[] dims) {
        (compatible(t.from(), t.to(), dims) ? reshapes : transposes).add(t);
    }

    private void plan(Node n) {
        String op = n.opType();
        Value x = firstVariable(n);
        Layout in = x == null ? null : layoutOf(x);
        LayoutClass kind = OpTable.layoutClass(op);
        if (kind == LayoutClass.SPATIAL && rank(x) == 4) {
            require(n, x, Layout.NHWC, op + " runs on NHWC");
            setAll(n, Layout.NHWC);
        } else if (kind == LayoutClass.ELEMENTWISE) {
            Layout out = widestLayout(n);
            for (Value v : n.inputs()) {
                if (v != null && !v.isConstant() && rank(v) == out.rank()) {
                    require(n, v, out, "elementwise operands must share a layout");
                }
            }
            setAll(n, out);
        } else if (kind == LayoutClass.AXES && in != null) {
            for (Value v : n.inputs()) {
                if (v != null && !v.isConstant() && rank(v) == in.rank()) {
                    require(n, v, in, op + " operands must share a layout");
                }
            }
            for (Value o : n.outputs()) {
                layouts.put(o, rank(o) == in.rank() ? in : dropped(in, n, o));
            }
        } else if (kind == LayoutClass.TRANSPOSE && in != null) {
            long[] perm = n.getInts("perm", reversed(in.rank()));
            layouts.put(n.output(0), in.afterTranspose(perm));
            aliases.add(n);
        } else if (kind == LayoutClass.RESHAPE && in != null) {
            planReshape(n, x, in);
        } else {
            for (Value v : n.inputs()) {
                if (v != null && !v.isConstant() && layoutOf(v) != null) {
                    require(n, v, Layout.identity(layoutOf(v).rank()), op + " is lowered in ONNX axis order");
                }
            }
            for (Value o : n.outputs()) {
                layouts.put(o, Layout.identity(Math.max(rank(o), 0)));
            }
        }
    }

    /** Reshape-like ops reinterpret row-major data: free when the stored order is row-major for them. */
    private void planReshape(Node n, Value x, Layout in) {
        long[] d = dims(x);
        if (d == null || !in.isRowMajorFor(d)) {
            require(n, x, Layout.identity(in.rank()), n.opType() + " reinterprets data in ONNX's row-major order");
        } else if (!in.isIdentity()) {
            relabels.add(n);
        }
        Value out = n.output(0);
        Layout outLayout = Layout.identity(Math.max(rank(out), 0));
        long[] od = dims(out);
        if (rank(out) == 4 && od != null && Layout.NHWC.isRowMajorFor(od)) {
            outLayout = Layout.NHWC; // e.g. [N,C] -> [N,C,1,1]: stored alike, and what the convs after it want
        }
        layouts.put(out, outLayout);
    }

    /** Layout of an output with fewer axes than the input (reductions with keepdims=0, Gather of a scalar). */
    private Layout dropped(Layout in, Node n, Value o) {
        long[] axes = n.getInts("axes", null);
        if (axes == null && n.input(1) != null && n.input(1).isConstant() && !n.is("Gather")) {
            Tensor t = n.input(1).constant();
            axes = t.toLongs();
        }
        if (n.is("Gather") || n.is("ArgMax") || n.is("ArgMin")) {
            axes = new long[] {n.getInt("axis", 0)};
        }
        if (axes == null || in.rank() - axes.length != rank(o)) {
            return Layout.identity(Math.max(rank(o), 0));
        }
        Set<Integer> gone = new HashSet<>();
        for (long a : axes) {
            gone.add((int) (a < 0 ? a + in.rank() : a));
        }
        int[] p = new int[rank(o)];
        int k = 0;
        for (int axis : in.perm()) {
            if (!gone.contains(axis)) {
                int shift = 0;
                for (int g : gone) {
                    if (g < axis) {
                        shift++;
                    }
                }
                p[k++] = axis - shift;
            }
        }
        return new Layout(p);
    }

    private void require(Node n, Value v, Layout want, String reason) {
        Layout have = layoutOf(v);
        if (have == null || have.rank() != want.rank()) {
            return;
        }
        if (!have.equals(want)) {
            add(new Transpose(n, v, have, want, reason), dims(v));
        }
    }

    /** Same stored data: the layouts agree on the order of the non-unit axes. */
    public static boolean compatible(Layout a, Layout b, long[] dims) {
        if (a.equals(b)) {
            return true;
        }
        if (dims == null) {
            return false;
        }
        List<Integer> x = new ArrayList<>();
        List<Integer> y = new ArrayList<>();
        for (int i = 0; i < a.rank(); i++) {
            if (dims[a.perm()[i]] != 1) {
                x.add(a.perm()[i]);
            }
            if (dims[b.perm()[i]] != 1) {
                y.add(b.perm()[i]);
            }
        }
        return x.equals(y);
    }

    private Layout widestLayout(Node n) {
        Layout best = null;
        for (Value v : n.inputs()) {
            if (v != null && !v.isConstant() && layoutOf(v) != null && (best == null || layoutOf(v).rank() > best.rank())) {
                best = layoutOf(v);
            }
        }
        return best != null ? best : Layout.identity(Math.max(rank(n.output(0)), 0));
    }

    private void setAll(Node n, Layout l) {
        for (Value o : n.outputs()) {
            layouts.put(o, rank(o) == l.rank() ? l : Layout.identity(Math.max(rank(o), 0)));
        }
    }

    private static Value firstVariable(Node n) {
        for (Value v : n.inputs()) {
            if (v != null && !v.isConstant()) {
                return v;
            }
        }
        return null;
    }

    private static long[] reversed(int rank) {
        long[] p = new long[rank];
        for (int i = 0; i < rank; i++) {
            p[i] = rank - 1 - i;
        }
        return p;
    }

    private static int rank(Value v) {
        Shape s = v == null ? null : v.shape();
        return s == null ? -1 : s.rank();
    }

    private static long[] dims(Value v) {
        Shape s = v.shape();
        return s == null || !s.isStatic() ? null : s.dims();
    }

    /** One line per unavoidable transpose, for reports and errors. */
    public List<String> describeTransposes() {
        List<String> r = new ArrayList<>();
        for (Transpose t : transposes) {
            r.add((t.node() == null ? "" : "node \"" + t.node().name() + "\" (" + t.node().opType() + "): ")
                    + "\"" + t.value().name() + "\" " + t.from() + " -> " + t.to() + ": " + t.reason());
        }
        return r;
    }

}
