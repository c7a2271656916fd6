package isptool.backends.tflite.lower;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import isptool.backends.layout.LayoutPlan;
import isptool.backends.ort.Inputs;
import isptool.backends.ort.OrtRunner;
import isptool.backends.tflite.TfliteModel;
import isptool.backends.tflite.TfliteRunner;
import isptool.backends.verify.Comparison;
import isptool.graph.DType;
import isptool.graph.Graph;
import isptool.graph.ModelException;
import isptool.graph.Node;
import isptool.graph.Shape;
import isptool.graph.Tensor;
import isptool.graph.Value;
import isptool.graph.shapes.ShapeInference;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;

/**
 * Small ONNX graphs built in Java, lowered to TFLite and run in the real interpreter against
 * onnxruntime: what the lowering tests share.
 */
abstract class LoweringTestBase {
    @TempDir
    Path tmp;

    private final Random random;
    /** Also run the model with XNNPACK off (TFLite's own kernels). */
    private final boolean bothRuntimes;
    protected Graph g;

    LoweringTestBase(long seed, boolean bothRuntimes) {
        this.random = new Random(seed);
        this.bothRuntimes = bothRuntimes;
    }

    /** Starts a new graph with one float input. */
    protected Value input(long... dims) {
        g = new Graph();
        g.setSource("small.onnx");
        g.opsets().put("", 17L);
        Value x = g.valueNamed("x");
        x.setType(DType.FLOAT, Shape.of(dims));
        g.addInput(x);
        return x;
    }

    /** Uniform random values in [-0.5, 0.5). */
    protected Value constant(String name, long... shape) {
        int n = 1;
        for (long d : shape) {
            n *= (int) d;
        }
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (random.nextDouble() - 0.5);
        }
        return g.addConstant(name, Tensor.ofFloats(shape, v));
    }

    protected Value ints(String name, long... values) {
        return g.addConstant(name, Tensor.ofLongs(new long[] {values.length}, values));
    }

    protected Node node(String op, String name, Value... ins) {
        return g.addNode(op, name, List.of(ins), List.of(g.newValue(name + "_out")));
    }

    protected Value infer(Node n) {
        ShapeInference.infer(g, n);
        return n.output(0);
    }

    protected Value conv(String name, Value x, int out, int k, int stride, int group, long... pads) {
        long in = x.shape().dim(1);
        Node n = node("Conv", name, x, constant(name + ".w", out, in / group, k, k), constant(name + ".b", out));
        n.set("kernel_shape", new long[] {k, k}).set("strides", new long[] {stride, stride}).set("group", group)
                .set("pads", pads);
        return infer(n);
    }

    /** A dense kxk conv with "same" padding k/2. */
    protected Value conv(String name, Value x, int out, int k) {
        long p = k / 2;
        return conv(name, x, out, k, 1, 1, p, p, p, p);
    }

    /**
     * Makes out the graph output "y", lowers, runs ONNX and TFLite on one random input and checks
     * 1e-5 relative (with XNNPACK, and without it too if asked); returns the model's op histogram.
     */
    protected Map<String, Integer> lowerAndCompare(Value out) throws IOException {
        g.rename(out, "y");
        g.addOutput(out);
        ShapeInference.run(g);
        Path file = tmp.resolve("m.tflite");
        OnnxToTflite.lower(g, LayoutPlan.of(g, true)).write(file);
        Map<String, Tensor> in = Inputs.random(g, 5);
        Map<String, Tensor> ref = OrtRunner.runOnce(g, in, OrtRunner.Options.REFERENCE);
        Map<String, Tensor> nhwc = new LinkedHashMap<>();
        in.forEach((k, v) -> nhwc.put(k, StoredTensors.toNhwc(v)));
        for (boolean xnnpack : bothRuntimes ? new boolean[] {true, false} : new boolean[] {true}) {
            Map<String, Tensor> got = new LinkedHashMap<>();
            try (TfliteRunner r = TfliteRunner.open(file, TfliteRunner.Options.DEFAULT.withXnnpack(xnnpack))) {
                r.run(nhwc).forEach((k, v) -> got.put(k, StoredTensors.toNchw(v)));
            }
            for (Comparison c : Comparison.compare(ref, got)) {
                assertTrue(c.withinRelative(1e-5), "xnnpack " + xnnpack + ": " + c);
            }
        }
        return TfliteModel.open(file).opHistogram();
    }

    /** The lowering's refusal of a graph whose output is out. */
    protected ModelException refusal(Value out) {
        g.addOutput(out);
        return assertThrows(ModelException.class, () -> OnnxToTflite.lower(g, LayoutPlan.of(g, true)));
    }

    /**
     * Like {@link #lowerAndCompare(Value)} with NCHW at the boundary (LayoutPlan.of(g, false)): the
     * model is fed and read in ONNX's axis order, with XNNPACK; returns the op histogram.
     */
    protected Map<String, Integer> lowerAndCompareOnnxOrder(Value out, double relTolerance) throws IOException {
        g.rename(out, "y");
        g.addOutput(out);
        ShapeInference.run(g);
        Path file = tmp.resolve("onnx_order.tflite");
        OnnxToTflite.lower(g, LayoutPlan.of(g, false)).write(file);
        Map<String, Tensor> feed = Inputs.random(g, 11);
        try (TfliteRunner r = TfliteRunner.open(file, TfliteRunner.Options.DEFAULT)) {
            for (Comparison c : Comparison.compare(OrtRunner.runOnce(g, feed, OrtRunner.Options.REFERENCE), r.run(feed))) {
                assertTrue(c.withinRelative(relTolerance), c.toString());
            }
        }
        return TfliteModel.open(file).opHistogram();
    }
}
