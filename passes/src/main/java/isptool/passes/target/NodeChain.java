package isptool.passes.target;

import isptool.graph.DType;
import isptool.graph.Graph;
import isptool.graph.Node;
import isptool.graph.Shape;
import isptool.graph.Tensor;
import isptool.graph.Value;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Writes the replacement of one node as a chain of ONNX nodes named after it: the node is removed
 * first, intermediate values take the shape of the node's first input, and {@link #into} writes the
 * node's own output, so its readers and its name (a graph output keeps its name) are untouched.
 */
final class NodeChain {
    private final Graph g;
    private final String name;
    private final Value out;
    private final List<String> ops = new ArrayList<>();

    private NodeChain(Graph g, Node replaced) {
        this.g = g;
        this.name = replaced.name();
        this.out = replaced.output(0);
        g.removeNode(replaced);
    }

    /** Removes n (its inputs must have been read before) and starts its replacement. */
    static NodeChain replacing(Graph g, Node n) {
        return new NodeChain(g, n);
    }

    /** A float32 input of n with a static shape, which is all the swaps rewrite; null otherwise. */
    static Value floatInput(Node n) {
        Value x = n.input(0);
        return x.dtype() == DType.FLOAT && x.shape() != null && n.output(0).shape() != null ? x : null;
    }

    /** True if v is a float32 number (the rewrite's constants must be written exactly). */
    static boolean isFloat(double v) {
        return (float) v == v;
    }

    /** True if 1/v is exact in float32: v is a power of two (positive or negative) in the normal range. */
    static boolean reciprocalIsExact(double v) {
        return v != 0 && Double.isFinite(v) && isFloat(v) && Math.abs(v) == Math.scalb(1.0, Math.getExponent(v))
                && isFloat(1 / v);
    }

    Value scalar(double v) {
        return g.addConstant(name + "/c", Tensor.scalar((float) v));
    }

    Value constant(Tensor t) {
        return g.addConstant(name + "/c", t);
    }

    /** op(ins) into a fresh value shaped like the first input. */
    Value op(String op, Value... ins) {
        return op(op, ins[0].shape(), ins);
    }

    /** op(ins) into a fresh value of the given shape. */
    Value op(String op, Shape shape, Value... ins) {
        Value v = g.newValue(name + "/" + op.toLowerCase(), DType.FLOAT, shape);
        add(op, v, ins);
        return v;
    }

    /** The last op: writes the replaced node's output. */
    Node into(String op, Value... ins) {
        return add(op, out, ins);
    }

    Value mul(Value x, double c) {
        return op("Mul", x, scalar(c));
    }

    Value add(Value x, double c) {
        return op("Add", x, scalar(c));
    }

    /** Clip(x, lo, hi) with the bounds as inputs (opset 11+) or attributes (before). */
    Value clip(Value x, double lo, double hi) {
        Value v = g.newValue(name + "/clip", DType.FLOAT, x.shape());
        clipInto(v, x, lo, hi);
        return v;
    }

    Node clipInto(Value target, Value x, double lo, double hi) {
        if (g.opset() >= 11) {
            return add("Clip", target, x, scalar(lo), scalar(hi));
        }
        Node n = add("Clip", target, x);
        n.set("min", (float) lo);
        n.set("max", (float) hi);
        return n;
    }

    Node clipInto(Value x, double lo, double hi) {
        return clipInto(out, x, lo, hi);
    }

    /** The op types written, in order, for the report: "Mul, Relu, Add". */
    String written() {
        return String.join(", ", ops);
    }

    private Node add(String op, Value target, Value... ins) {
        ops.add(op);
        return g.addNode(op, name + "/" + op.toLowerCase(), Arrays.asList(ins), List.of(target));
    }
}
