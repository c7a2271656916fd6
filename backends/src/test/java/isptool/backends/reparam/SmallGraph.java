package isptool.backends.reparam;

import isptool.graph.DType;
import isptool.graph.Graph;
import isptool.graph.Node;
import isptool.graph.Shape;
import isptool.graph.Tensor;
import isptool.graph.Value;
import isptool.graph.shapes.ShapeInference;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Small float32 NCHW graphs for the re-parameterization tests, with seeded random weights. Shapes
 * are inferred node by node, as after loading a model, because the passes read channel counts.
 */
final class SmallGraph {
    final Graph g = new Graph();
    private final Random random;

    SmallGraph(long seed) {
        this(seed, 17);
    }

    SmallGraph(long seed, long opset) {
        g.setSource("small-graph-" + seed + ".onnx");
        g.opsets().put("", opset);
        random = new Random(seed);
    }

    Value input(String name, long... dims) {
        Value v = g.valueNamed(name);
        v.setType(DType.FLOAT, Shape.of(dims));
        g.addInput(v);
        return v;
    }

    /** Makes v a graph output under the given name. */
    Value output(Value v, String name) {
        g.rename(v, name);
        g.addOutput(v);
        return v;
    }

    // ---- constants ----

    /** Uniform random values in [lo, hi). */
    Value random(String name, double lo, double hi, long... shape) {
        float[] v = new float[count(shape)];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (lo + (hi - lo) * random.nextDouble());
        }
        return g.addConstant(name, Tensor.ofFloats(shape, v));
    }

    Value floats(String name, long[] shape, float... values) {
        return g.addConstant(name, Tensor.ofFloats(shape, values));
    }

    Value scalar(String name, float v) {
        return g.addConstant(name, Tensor.scalar(v));
    }

    Value ints(String name, long... values) {
        return g.addConstant(name, Tensor.ofLongs(new long[] {values.length}, values));
    }

    // ---- nodes ----

    /** A node with one output, its shape inferred. */
    Value node(String op, String name, Value... inputs) {
        return nodeOf(op, name, inputs).output(0);
    }

    private Node nodeOf(String op, String name, Value... inputs) {
        Node n = uninferred(op, name, inputs);
        ShapeInference.infer(g, n);
        return n;
    }

    /** A node whose output shape is inferred by the caller once its attributes are set. */
    private Node uninferred(String op, String name, Value... inputs) {
        return g.addNode(op, name, Arrays.asList(inputs), List.of(g.newValue(name + "_out")));
    }

    Value add(String name, Value a, Value b) {
        return node("Add", name, a, b);
    }

    Value mul(String name, Value a, Value b) {
        return node("Mul", name, a, b);
    }

    Value concat(String name, long axis, Value... inputs) {
        Node n = uninferred("Concat", name, inputs);
        n.set("axis", axis);
        ShapeInference.infer(g, n);
        return n.output(0);
    }

    ConvSpec conv(String name, Value x, int out, int kh, int kw) {
        return new ConvSpec(name, x, out, kh, kw);
    }

    /** Inference BatchNormalization with random parameters (gamma, var around 1; beta, mean around 0). */
    Value batchNorm(String name, Value x, float epsilon) {
        long c = channels(x);
        Value gamma = random(name + ".gamma", 0.5, 1.5, c);
        Value beta = random(name + ".beta", -0.5, 0.5, c);
        Value mean = random(name + ".mean", -0.5, 0.5, c);
        Value var = random(name + ".var", 0.01, 1.5, c);
        Node n = uninferred("BatchNormalization", name, x, gamma, beta, mean, var);
        n.set("epsilon", epsilon);
        ShapeInference.infer(g, n);
        return n.output(0);
    }

    Value batchNorm(String name, Value x) {
        return batchNorm(name, x, 1e-5f);
    }

    /** PRelu with a positive random slope per channel (shape [C,1,1]). */
    Value prelu(String name, Value x) {
        return node("PRelu", name, x, random(name + ".slope", 0.05, 0.3, channels(x), 1, 1));
    }

    /** Constant Pad (opset 11+ form) of H and W only: top, left, bottom, right. */
    Value pad(String name, Value x, int top, int left, int bottom, int right, float value) {
        Value pads = ints(name + ".pads", 0, 0, top, left, 0, 0, bottom, right);
        return node("Pad", name, x, pads, scalar(name + ".value", value));
    }

    Value averagePool(String name, Value x, int k, int stride, int pad, boolean countIncludePad) {
        Node n = uninferred("AveragePool", name, x);
        n.set("kernel_shape", new long[] {k, k});
        n.set("strides", new long[] {stride, stride});
        n.set("pads", new long[] {pad, pad, pad, pad});
        n.set("count_include_pad", countIncludePad ? 1 : 0);
        ShapeInference.infer(g, n);
        return n.output(0);
    }

    static long channels(Value v) {
        return v.shape().dim(1);
    }

    private static int count(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return Math.toIntExact(n);
    }

    /** A Conv being described: pads default to none, stride, dilation and groups to 1, bias on. */
    final class ConvSpec {
        private final String name;
        private final Value x;
        private final int out;
        private final int kh;
        private final int kw;
        private long[] pads = {0, 0, 0, 0};
        private long stride = 1;
        private long dilation = 1;
        private int group = 1;
        private boolean bias = true;
        private float uniformBias = Float.NaN;
        private String autoPad;

        ConvSpec(String name, Value x, int out, int kh, int kw) {
            this.name = name;
            this.x = x;
            this.out = out;
            this.kh = kh;
            this.kw = kw;
        }

        ConvSpec pad(int p) {
            return pads(p, p, p, p);
        }

        /** Top, left, bottom, right. */
        ConvSpec pads(int top, int left, int bottom, int right) {
            pads = new long[] {top, left, bottom, right};
            return this;
        }

        /** auto_pad SAME_UPPER, SAME_LOWER or VALID instead of explicit pads. */
        ConvSpec autoPad(String mode) {
            autoPad = mode;
            return this;
        }

        ConvSpec stride(int s) {
            stride = s;
            return this;
        }

        ConvSpec dilation(int d) {
            dilation = d;
            return this;
        }

        ConvSpec group(int g) {
            group = g;
            return this;
        }

        ConvSpec noBias() {
            bias = false;
            return this;
        }

        /** The same bias value on every output channel. */
        ConvSpec bias(float b) {
            uniformBias = b;
            return this;
        }

        Value build() {
            return node().output(0);
        }

        Node node() {
            long in = channels(x);
            Value w = random(name + ".weight", -0.5, 0.5, out, in / group, kh, kw);
            Value b = null;
            if (!Float.isNaN(uniformBias)) {
                float[] v = new float[out];
                Arrays.fill(v, uniformBias);
                b = floats(name + ".bias", new long[] {out}, v);
            } else if (bias) {
                b = random(name + ".bias", -0.5, 0.5, out);
            }
            Node n = uninferred("Conv", name, b == null ? new Value[] {x, w} : new Value[] {x, w, b});
            n.set("kernel_shape", new long[] {kh, kw});
            if (autoPad == null) {
                n.set("pads", pads);
            } else {
                n.set("auto_pad", autoPad);
            }
            n.set("strides", new long[] {stride, stride});
            n.set("dilations", new long[] {dilation, dilation});
            n.set("group", group);
            ShapeInference.infer(g, n);
            return n;
        }
    }
}
