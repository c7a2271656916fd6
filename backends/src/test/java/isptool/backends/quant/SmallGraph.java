package isptool.backends.quant;

import isptool.graph.DType;
import isptool.graph.Graph;
import isptool.graph.Node;
import isptool.graph.Shape;
import isptool.graph.Tensor;
import isptool.graph.Value;
import isptool.graph.shapes.ShapeInference;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;

/** Builds small NCHW ONNX graphs for the quantizer tests: one image input, convs and other nodes. */
public final class SmallGraph {
    public final Graph g = new Graph();
    public final Random random = new Random(7);

    public SmallGraph(long... inputDims) {
        g.setSource("small.onnx");
        g.setName("small");
        g.opsets().put("", 17L);
        Value x = g.valueNamed("x");
        x.setType(DType.FLOAT, Shape.of(inputDims));
        g.addInput(x);
    }

    public Value input() {
        return g.inputs().get(0);
    }

    /** Values uniform in [-scale, scale). */
    public float[] random(int n, double scale) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) ((random.nextDouble() * 2 - 1) * scale);
        }
        return v;
    }

    public Value node(String op, String name, Value... ins) {
        return node(op, name, n -> { }, ins);
    }

    /** A node with attributes set before its shape is inferred. */
    public Value node(String op, String name, Consumer<Node> attributes, Value... ins) {
        Node n = g.addNode(op, name, List.of(ins), List.of(g.newValue(name + "_out")));
        attributes.accept(n);
        ShapeInference.infer(g, n);
        return n.output(0);
    }

    public Value constant(String name, long[] shape, float[] values) {
        return g.addConstant(name, Tensor.ofFloats(shape, values));
    }

    /** A kxk "same" conv with the given weights ([out, in, k, k]) and random small biases. */
    public Value conv(String name, Value x, int out, int k, float[] weights) {
        return conv(name, x, out, k, 1, weights);
    }

    /** A grouped kxk "same" conv (weights [out, in / group, k, k]). */
    public Value conv(String name, Value x, int out, int k, int group, float[] weights) {
        long in = x.shape().dim(1) / group;
        Value w = constant(name + ".w", new long[] {out, in, k, k}, weights);
        Value b = constant(name + ".b", new long[] {out}, random(out, 0.1));
        Node n = g.addNode("Conv", name, List.of(x, w, b), List.of(g.newValue(name + "_out")));
        long p = k / 2;
        n.set("kernel_shape", new long[] {k, k}).set("pads", new long[] {p, p, p, p}).set("group", group);
        ShapeInference.infer(g, n);
        return n.output(0);
    }

    public Value conv(String name, Value x, int out, int k) {
        return conv(name, x, out, k, random((int) (out * x.shape().dim(1) * k * k), 0.4));
    }

    /**
     * conv1 (4 channels, channel 0 always 0) then conv2 whose output channels each have one tap of
     * 100 on that zero channel and small taps elsewhere: per-channel int8 weights round every small
     * tap to 0, so conv2 is the layer int8 ruins. Returns conv2's output. Input: 3 channels.
     */
    Value sensitiveConvPair() {
        float[] w1 = random(4 * 3 * 9, 0.4);
        java.util.Arrays.fill(w1, 0, 27, 0f);
        Value a = conv("conv1", input(), 4, 3, w1);
        g.setConstant(g.value("conv1.b"), Tensor.ofFloats(new long[] {4}, new float[] {0, 0.1f, -0.05f, 0.02f}));
        float[] w2 = random(4 * 4 * 9, 0.3);
        for (int o = 0; o < 4; o++) {
            w2[o * 36 + 4] = 100;
        }
        return conv("conv2", a, 4, 3, w2);
    }

    /** Makes v the output "y" and converts the graph. */
    public QuantFixture finish(Value v, Path dir) throws IOException {
        g.rename(v, "y");
        g.addOutput(v);
        return new QuantFixture(g, dir);
    }

    /** Makes the values the outputs y0, y1, ... and converts the graph. */
    public QuantFixture finish(Path dir, Value... outs) throws IOException {
        for (int i = 0; i < outs.length; i++) {
            g.rename(outs[i], "y" + i);
            g.addOutput(outs[i]);
        }
        return new QuantFixture(g, dir);
    }
}
