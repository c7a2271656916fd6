package isptool.backends.ort;

import isptool.graph.DType;
import isptool.graph.Graph;
import isptool.graph.ModelException;
import isptool.graph.Shape;
import isptool.graph.Tensor;
import isptool.graph.Value;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Seeded random inputs for a graph: floating-point inputs uniform in [0, 1) (image-like), integer
 * inputs 0..9, bool inputs 0 or 1. The same graph and seed always give the same tensors.
 */
public final class Inputs {
    private Inputs() {
    }

    /** One tensor per graph input, in input order; every input must have a static shape. */
    public static Map<String, Tensor> random(Graph g, long seed) {
        return random(g, seed, Map.of());
    }

    /**
     * As {@link #random(Graph, long)}, with shapes given for some inputs (from --input-shape), which
     * replace the declared shapes of those inputs.
     */
    public static Map<String, Tensor> random(Graph g, long seed, Map<String, long[]> shapes) {
        for (String name : shapes.keySet()) {
            Value v = g.value(name);
            if (v == null || !g.isGraphInput(v)) {
                throw new ModelException(g.source() + ": --input-shape names \"" + name + "\", which is not an input"
                        + " of the model; its inputs are " + inputList(g));
            }
        }
        SplittableRandom rng = new SplittableRandom(seed);
        Map<String, Tensor> r = new LinkedHashMap<>();
        for (Value in : g.inputs()) {
            long[] dims = shapes.containsKey(in.name()) ? shapes.get(in.name()).clone() : staticShape(g, in);
            for (long d : dims) {
                if (d < 0) {
                    throw new ModelException(g.source() + ": input \"" + in.name() + "\" was given the negative shape "
                            + Arrays.toString(dims));
                }
            }
            DType t = in.dtype() == null ? DType.FLOAT : in.dtype();
            if (t == DType.STRING) {
                throw new ModelException(g.source() + ": input \"" + in.name() + "\" is a string tensor, which isptool"
                        + " cannot generate");
            }
            r.put(in.name(), randomTensor(t, dims, rng.split(), false));
        }
        return r;
    }

    private static long[] staticShape(Graph g, Value in) {
        Shape s = in.shape();
        if (s == null || !s.isStatic()) {
            String declared = s == null ? "an unknown shape" : "the shape " + s;
            throw new ModelException(g.source() + ": input \"" + in.name() + "\" has " + declared + "; give its shape"
                    + " with --input-shape " + in.name() + ":d0,d1,... (e.g. " + in.name() + ":" + example(s) + ")");
        }
        return s.dims();
    }

    /** The declared shape with unknown dims replaced by a plausible size, for the hint. */
    private static String example(Shape s) {
        if (s == null) {
            return "1,3,224,224";
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.rank(); i++) {
            if (i > 0) {
                b.append(',');
            }
            b.append(s.dim(i) >= 0 ? s.dim(i) : i == 0 ? 1 : 224);
        }
        return b.toString();
    }

    /**
     * A seeded random tensor of a numeric type: floats uniform in [0, 1) (half types on their grid,
     * so none rounds up to 1), bools 0 or 1, 8-bit integers over their whole range if fullBytes
     * (a quantized model's input), other integers 0..9 (safe as indices).
     */
    public static Tensor randomTensor(DType t, long[] dims, SplittableRandom rng, boolean fullBytes) {
        long count = 1;
        for (long d : dims) {
            count = Math.multiplyExact(count, d);
        }
        int n = Math.toIntExact(count);
        if (t == DType.FLOAT) {
            float[] v = new float[n];
            for (int i = 0; i < n; i++) {
                v[i] = rng.nextFloat();
            }
            return Tensor.ofFloats(dims, v);
        }
        // half types keep 10 (float16) or 7 (bfloat16) fraction bits: quantize so no value rounds up to 1
        double steps = t == DType.FLOAT16 ? 1024 : t == DType.BFLOAT16 ? 128 : 0;
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            if (t.isFloatingPoint()) {
                v[i] = steps > 0 ? Math.floor(rng.nextDouble() * steps) / steps : rng.nextDouble();
            } else {
                v[i] = t == DType.BOOL ? rng.nextInt(2)
                        : fullBytes && t == DType.INT8 ? rng.nextInt(256) - 128
                        : fullBytes && t == DType.UINT8 ? rng.nextInt(256) : rng.nextInt(10);
            }
        }
        return Tensor.of(t, dims, v);
    }

    private static String inputList(Graph g) {
        StringBuilder b = new StringBuilder();
        for (Value v : g.inputs()) {
            b.append(b.length() == 0 ? "" : ", ").append(v.name());
        }
        return b.toString();
    }
}
