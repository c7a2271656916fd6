package isptool.cli;

import isptool.graph.DType;
import isptool.graph.Graph;
import isptool.graph.Node;
import isptool.graph.Shape;
import isptool.graph.Tensor;
import isptool.graph.Value;
import isptool.graph.io.OnnxExporter;
import isptool.graph.shapes.ShapeInference;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

/**
 * One-conv ONNX models with chosen numbers, for what the CLI does with unusual values: input "x"
 * [1, 2, 8, 8], Conv "conv" (3 out, 3x3, pad 1, seeded weights in [-0.5, 0.5)) and an optional
 * per-channel op after it; the graph output is "y".
 */
final class TinyModels {
    static final long[] INPUT = {1, 2, 8, 8};

    final Graph g = new Graph();
    final float[] weight = new float[3 * 2 * 3 * 3];
    final float[] bias = new float[3];

    TinyModels() {
        Random r = new Random(7);
        for (int i = 0; i < weight.length; i++) {
            weight[i] = (float) (r.nextDouble() - 0.5);
        }
        for (int i = 0; i < bias.length; i++) {
            bias[i] = (float) (r.nextDouble() - 0.5);
        }
        g.opsets().put("", 13L);
        g.setSource("tiny.onnx");
    }

    /** The conv alone. */
    Path conv(Path file) throws IOException {
        return write(file, null, null);
    }

    /** The conv, then op(conv, per-channel constant c shaped [1, 3, 1, 1]). */
    Path convThen(Path file, String op, float... c) throws IOException {
        return write(file, op, c);
    }

    /** The conv, then BatchNormalization with gamma 1, beta 0, mean 0, the given variances and epsilon. */
    Path convBn(Path file, float epsilon, float... variance) throws IOException {
        Value y = convValue();
        Value gamma = g.addConstant("bn.gamma", Tensor.ofFloats(new long[] {3}, new float[] {1, 1, 1}));
        Value beta = g.addConstant("bn.beta", Tensor.ofFloats(new long[] {3}, new float[3]));
        Value mean = g.addConstant("bn.mean", Tensor.ofFloats(new long[] {3}, new float[3]));
        Value var = g.addConstant("bn.var", Tensor.ofFloats(new long[] {3}, variance));
        Node bn = g.addNode("BatchNormalization", "bn", List.of(y, gamma, beta, mean, var), List.of(g.newValue("y")));
        bn.set("epsilon", epsilon);
        g.addOutput(bn.output(0));
        return save(file);
    }

    private Path write(Path file, String op, float[] c) throws IOException {
        Value y = convValue();
        if (op != null) {
            Value k = g.addConstant("c", Tensor.ofFloats(new long[] {1, 3, 1, 1}, c));
            y = g.addNode(op, op.toLowerCase(), List.of(y, k), List.of(g.newValue("y"))).output(0);
        } else {
            g.rename(y, "y");
        }
        g.addOutput(y);
        return save(file);
    }

    private Value convValue() {
        Value x = g.valueNamed("x");
        x.setType(DType.FLOAT, Shape.of(INPUT));
        g.addInput(x);
        Value w = g.addConstant("conv.weight", Tensor.ofFloats(new long[] {3, 2, 3, 3}, weight));
        Value b = g.addConstant("conv.bias", Tensor.ofFloats(new long[] {3}, bias));
        Node conv = g.addNode("Conv", "conv", List.of(x, w, b), List.of(g.newValue("conv_out")));
        conv.set("kernel_shape", new long[] {3, 3});
        conv.set("pads", new long[] {1, 1, 1, 1});
        return conv.output(0);
    }

    private Path save(Path file) throws IOException {
        ShapeInference.run(g);
        OnnxExporter.write(g, file);
        return file;
    }

    /** An input tensor for "x" filled with v, with one value changed at index 5 (v itself if NaN). */
    static Tensor input(float fill, float at5) {
        float[] v = new float[2 * 8 * 8];
        java.util.Arrays.fill(v, fill);
        v[5] = at5;
        return Tensor.ofFloats(INPUT, v);
    }
}
