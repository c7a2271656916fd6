package isptool.backends.tflite.lower;

import isptool.backends.ort.Inputs;
import isptool.backends.ort.OrtRunner;
import isptool.backends.tflite.TfliteRunner;
import isptool.backends.verify.Comparison;
import isptool.graph.DType;
import isptool.graph.Shape;
import isptool.graph.Tensor;
import isptool.graph.Value;
import java.io.IOException;
import java.util.Map;

/** What the math lowering tests add to the base: wide input ranges, more inputs, opsets, scalar constants. */
abstract class MathTestBase extends LoweringTestBase {
    MathTestBase(long seed) {
        super(seed, true);
    }

    /** (x - 0.5) * width: the base's inputs in [0, 1) spread over [-width/2, width/2). */
    protected Value spread(Value x, double width) {
        Value centred = infer(node("Sub", x.name() + "_c", x, scalar(x.name() + "_half", 0.5)));
        return infer(node("Mul", x.name() + "_w", centred, scalar(x.name() + "_width", width)));
    }

    protected Value scalar(String name, double v) {
        return g.addConstant(name, Tensor.ofFloats(new long[0], new float[] {(float) v}));
    }

    /** Another float graph input. */
    protected Value input2(String name, long... dims) {
        Value v = g.valueNamed(name);
        v.setType(DType.FLOAT, Shape.of(dims));
        g.addInput(v);
        return v;
    }

    protected void opset(long version) {
        g.opsets().put("", version);
    }

    /** A one-input node with the given attributes set by the caller, shapes inferred. */
    protected Value unary(String op, String name, Value x) {
        return infer(node(op, name, x));
    }

    /**
     * Lowers and compares as {@link #lowerAndCompare} does, then returns the largest absolute error
     * of either runtime against onnxruntime (for graphs whose inputs have rank below 4).
     */
    protected double maxAbsError(Value out) throws IOException {
        lowerAndCompare(out);
        Map<String, Tensor> in = Inputs.random(g, 5);
        Map<String, Tensor> ref = OrtRunner.runOnce(g, in, OrtRunner.Options.REFERENCE);
        double worst = 0;
        for (boolean xnnpack : new boolean[] {true, false}) {
            try (TfliteRunner r = TfliteRunner.open(tmp.resolve("m.tflite"),
                    TfliteRunner.Options.DEFAULT.withXnnpack(xnnpack))) {
                for (Comparison c : Comparison.compare(ref, r.run(in))) {
                    worst = Math.max(worst, c.maxAbs());
                }
            }
        }
        return worst;
    }
}
