package isptool.graph;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Small graphs for tests: inputs, constants and single-output (or n-output) nodes. */
public final class GraphBuilder {
    public final Graph g = new Graph();

    public GraphBuilder(long opset) {
        g.opsets().put("", opset);
        g.setSource("test.onnx");
    }

    /** A graph input; -1 for an unknown size. */
    public Value input(String name, DType t, long... dims) {
        Value v = g.valueNamed(name);
        v.setType(t, Shape.of(dims));
        g.addInput(v);
        return v;
    }

    /** A graph input with named (symbolic) unknown sizes: null symbol entries for static sizes. */
    public Value input(String name, DType t, long[] dims, String[] symbols) {
        Value v = g.valueNamed(name);
        v.setType(t, Shape.withSymbols(dims, symbols));
        g.addInput(v);
        return v;
    }

    public Value ints(String hint, long... values) {
        return g.addConstant(hint, Tensor.ofLongs(new long[] {values.length}, values));
    }

    public Value scalar(String hint, long value) {
        return g.addConstant(hint, Tensor.ofLongs(new long[0], new long[] {value}));
    }

    public Value floats(String hint, long[] shape, float... values) {
        return g.addConstant(hint, Tensor.ofFloats(shape, values));
    }

    /** A float32 constant of the given shape (zeros): for weights whose values do not matter. */
    public Value zeros(String hint, long... shape) {
        return g.addConstant(hint, Tensor.ofFloats(shape, new float[Math.toIntExact(count(shape))]));
    }

    public Node node(String op, Value... inputs) {
        return node(op, 1, inputs);
    }

    public Node node(String op, int outputs, Value... inputs) {
        List<Value> outs = new ArrayList<>();
        for (int i = 0; i < outputs; i++) {
            outs.add(g.newValue(op.toLowerCase() + "_out"));
        }
        return g.addNode(op, op.toLowerCase(), Arrays.asList(inputs), outs);
    }

    public Value output(Value v) {
        g.addOutput(v);
        return v;
    }

    private static long count(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }
}
