package isptool.graph.shapes;

import isptool.graph.DType;
import isptool.graph.Graph;
import isptool.graph.ModelException;
import isptool.graph.Node;
import isptool.graph.Shape;
import isptool.graph.Tensor;
import isptool.graph.Value;
import java.util.List;

/**
 * What a shape rule sees of one node: its inputs' types, shapes and constant data, its
 * attributes, and where to write the output types. Errors come out naming the file, node and op.
 */
final class InferContext {
    final Graph graph;
    final Node node;

    InferContext(Graph graph, Node node) {
        this.graph = graph;
        this.node = node;
    }

    long opset() {
        return graph.opset();
    }

    boolean has(int input) {
        return node.input(input) != null;
    }

    int inputCount() {
        return node.inputs().size();
    }

    int outputCount() {
        return node.outputs().size();
    }

    DType dtype(int input) {
        Value v = node.input(input);
        return v == null ? null : v.dtype();
    }

    /** The dims of input i, or null if the input is absent or its rank is unknown. */
    List<Dim> dims(int input) {
        Value v = node.input(input);
        return v == null ? null : Dim.list(v.shape());
    }

    int rank(int input) {
        Value v = node.input(input);
        return v == null || v.shape() == null ? -1 : v.shape().rank();
    }

    Tensor constant(int input) {
        return Graph.constant(node.input(input));
    }

    /** The constant integer values of input i, or null if it is absent or not constant. */
    long[] constInts(int input) {
        Tensor t = constant(input);
        return t == null ? null : t.toLongs();
    }

    /** True if input i is given but its value is only known at run time. */
    boolean runtime(int input) {
        return has(input) && constant(input) == null;
    }

    /**
     * An integer-list argument that is an attribute in old opsets and an input in newer ones
     * (Squeeze axes, Pad pads, Slice starts...). Null when neither is given or when the input is
     * not constant; check {@link #runtime(int)} to tell the two apart.
     */
    long[] intsArg(String attr, int input) {
        if (node.has(attr)) {
            return node.getInts(attr, null);
        }
        return input >= 0 ? constInts(input) : null;
    }

    /** Axis in [-rank, rank) made non-negative; anything else is a model error. */
    int axis(long axis, int rank, String what) {
        if (axis < -rank || axis >= rank) {
            throw fail(what + " " + axis + " is out of range for rank " + rank);
        }
        return (int) (axis < 0 ? axis + rank : axis);
    }

    int[] axes(long[] axes, int rank, String what) {
        int[] r = new int[axes.length];
        for (int i = 0; i < axes.length; i++) {
            r[i] = axis(axes[i], rank, what);
            for (int j = 0; j < i; j++) {
                if (r[j] == r[i]) {
                    throw fail(what + " lists axis " + r[i] + " twice");
                }
            }
        }
        return r;
    }

    void set(int output, DType dtype, List<Dim> dims) {
        set(output, dtype, dims == null ? null : Dim.shape(dims));
    }

    /**
     * Sets an output's type. An unknown dtype or rank keeps what the model declared; a static
     * inferred dim replaces the declared one, an unknown inferred dim keeps the declared dim.
     */
    void set(int output, DType dtype, Shape shape) {
        if (output >= node.outputs().size()) {
            return;
        }
        Value v = node.output(output);
        if (v.isConstant()) {
            return;
        }
        v.setType(dtype != null ? dtype : v.dtype(), merge(v.shape(), shape));
    }

    private static Shape merge(Shape declared, Shape inferred) {
        if (inferred == null) {
            return declared;
        }
        if (declared == null || declared.rank() != inferred.rank() || inferred.isStatic()) {
            return inferred;
        }
        long[] d = inferred.dims();
        String[] s = new String[d.length];
        for (int i = 0; i < d.length; i++) {
            if (d[i] < 0) {
                d[i] = declared.dim(i);
                s[i] = inferred.symbol(i) != null ? inferred.symbol(i) : declared.symbol(i);
            }
        }
        return Shape.withSymbols(d, s);
    }

    /** Same dtype and shape as input i on output o. */
    void passThrough(int input, int output) {
        set(output, dtype(input), dims(input));
    }

    ModelException fail(String detail) {
        return new ModelException(graph.source() + ": " + ModelException.where(node) + ": " + detail
                + "; check the model (re-export it) or the --input-shape values");
    }
}
