package isptool.graph.eval;

import isptool.graph.DType;
import isptool.graph.Node;
import isptool.graph.Tensor;
import isptool.graph.shapes.Broadcasting;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;
import java.util.function.LongBinaryOperator;
import java.util.function.LongUnaryOperator;

/**
 * Element-wise kernels with numpy broadcasting. Float types are computed in double, integer
 * types in long, and written back in the input's type (bool for comparisons).
 */
final class ElementwiseKernels {
    private ElementwiseKernels() {
    }

    // ---- unary ----

    /** A unary op; ints without a long form are computed in double and truncated back. */
    static OpKernel unary(DoubleUnaryOperator f, LongUnaryOperator onLongs) {
        return (n, in) -> {
            Tensor x = in[0];
            if (!x.dtype().isFloatingPoint() && onLongs != null) {
                long[] v = x.toLongs();
                for (int i = 0; i < v.length; i++) {
                    v[i] = onLongs.applyAsLong(v[i]);
                }
                return one(Tensor.ofIntegers(x.dtype(), x.shape(), v));
            }
            double[] v = x.toDoubles();
            for (int i = 0; i < v.length; i++) {
                v[i] = f.applyAsDouble(v[i]);
            }
            return one(Tensor.of(x.dtype(), x.shape(), v));
        };
    }

    static OpKernel unary(DoubleUnaryOperator f) {
        return unary(f, null);
    }

    static Tensor[] identity(Node n, Tensor[] in) {
        return one(in[0]);
    }

    /**
     * Dropout at inference is the identity, and its bool mask (opset 10+) is all true. The
     * opset 7-9 mask (in the input's type) is all ones for the ONNX reference but zeros in
     * onnxruntime, so a node with that output is left alone.
     */
    static Tensor[] dropout(Node n, Tensor[] in) {
        if (in.length > 2 && in[2] != null && in[2].getLong(0) != 0) {
            return null; // training_mode: random
        }
        Tensor x = in[0];
        if (n.outputs().size() < 2) {
            return one(x);
        }
        if (opset(n) < 10) {
            return null;
        }
        long[] ones = new long[x.elementCount()];
        java.util.Arrays.fill(ones, 1);
        return new Tensor[] {x, Tensor.ofIntegers(DType.BOOL, x.shape(), ones)};
    }

    static Tensor[] cast(Node n, Tensor[] in) {
        DType to = DType.fromOnnx((int) n.getInt("to", 0));
        return to == null || to == DType.STRING ? null : one(in[0].cast(to));
    }

    /** Not: logical negation of a bool tensor. */
    static Tensor[] not(Node n, Tensor[] in) {
        long[] v = in[0].toLongs();
        for (int i = 0; i < v.length; i++) {
            v[i] = v[i] == 0 ? 1 : 0;
        }
        return one(Tensor.ofIntegers(DType.BOOL, in[0].shape(), v));
    }

    /** Clip: bounds from attributes min/max (opset &lt; 11) or optional inputs 1, 2; absent means unbounded. */
    static Tensor[] clip(Node n, Tensor[] in) {
        Tensor x = in[0];
        if (!x.dtype().isFloatingPoint()) {
            long lo = in.length > 1 && in[1] != null ? in[1].getLong(0) : Long.MIN_VALUE;
            long hi = in.length > 2 && in[2] != null ? in[2].getLong(0) : Long.MAX_VALUE;
            return unary(null, v -> Math.min(Math.max(v, lo), hi)).evaluate(n, in);
        }
        double lo = n.has("min") ? n.getFloat("min", 0) : in.length > 1 && in[1] != null ? in[1].getDouble(0) : Double.NEGATIVE_INFINITY;
        double hi = n.has("max") ? n.getFloat("max", 0) : in.length > 2 && in[2] != null ? in[2].getDouble(0) : Double.POSITIVE_INFINITY;
        return unary(v -> Math.min(Math.max(v, lo), hi)).evaluate(n, in);
    }

    // ---- binary, broadcasting ----

    /** A binary op in the inputs' arithmetic, result in input 0's type. */
    static OpKernel binary(DoubleBinaryOperator f, LongBinaryOperator onLongs) {
        return (n, in) -> one(apply(n, in[0], in[1], f, onLongs, in[0].dtype()));
    }

    /** A comparison: computed in double for floats, long for integers; bool result. */
    static OpKernel compare(DoubleBinaryOperator f, LongBinaryOperator onLongs) {
        return (n, in) -> one(apply(n, in[0], in[1], f, onLongs, DType.BOOL));
    }

    /** Min, Max, Sum: the binary op folded over all inputs (each step broadcasting). */
    static OpKernel variadic(DoubleBinaryOperator f, LongBinaryOperator onLongs) {
        return (n, in) -> {
            Tensor acc = in[0];
            for (int i = 1; i < in.length; i++) {
                acc = apply(n, acc, in[i], f, onLongs, in[0].dtype());
            }
            return one(acc);
        };
    }

    /** Mean: the sum divided by the input count. */
    static Tensor[] mean(Node n, Tensor[] in) {
        Tensor sum = variadic(Double::sum, Long::sum).evaluate(n, in)[0];
        double[] v = sum.toDoubles();
        for (int i = 0; i < v.length; i++) {
            v[i] /= in.length;
        }
        return one(Tensor.of(sum.dtype(), sum.shape(), v));
    }

    /** Integer Div truncates toward zero (C semantics, as the ONNX reference and onnxruntime do). */
    static long divide(long a, long b) {
        if (b == 0) {
            throw new IllegalArgumentException("integer division by zero");
        }
        return a / b;
    }

    /** Mod: fmod=0 (integers only) takes the divisor's sign like Python; fmod=1 the dividend's like C fmod. */
    static Tensor[] mod(Node n, Tensor[] in) {
        boolean fmod = n.getInt("fmod", 0) != 0;
        LongBinaryOperator ints = (a, b) -> {
            if (b == 0) {
                throw new IllegalArgumentException("integer modulo by zero");
            }
            return fmod ? a % b : Math.floorMod(a, b);
        };
        DoubleBinaryOperator floats = (a, b) -> fmod ? a % b : a - Math.floor(a / b) * b;
        return one(apply(n, in[0], in[1], floats, ints, in[0].dtype()));
    }

    /** Pow: exact for integer bases with non-negative integer exponents, Math.pow otherwise. */
    static long power(long base, long exp) {
        if (exp < 0) {
            return (long) Math.pow(base, exp);
        }
        long r = 1;
        for (long e = exp, b = base; e > 0; e >>= 1, b *= b) {
            if ((e & 1) != 0) {
                r *= b;
            }
        }
        return r;
    }

    static Tensor[] pow(Node n, Tensor[] in) {
        Tensor x = in[0];
        Tensor y = in[1];
        if (!x.dtype().isFloatingPoint() && y.dtype().isFloatingPoint()) {
            // integer base, float exponent: compute in double, truncate into the base's type
            return one(apply(n, x.cast(DType.DOUBLE), y, Math::pow, null, DType.DOUBLE).cast(x.dtype()));
        }
        return one(apply(n, x, y, Math::pow, ElementwiseKernels::power, x.dtype()));
    }

    /** Where(cond, x, y): x where cond is true, else y, all three broadcast. */
    static Tensor[] where(Node n, Tensor[] in) {
        Tensor cond = in[0];
        Tensor x = in[1];
        Tensor y = in[2];
        long[] shape = Broadcasting.shape(cond.shape(), x.shape(), y.shape());
        int[] ci = Layout.broadcast(cond.shape(), shape);
        int[] xi = Layout.broadcast(x.shape(), shape);
        int[] yi = Layout.broadcast(y.shape(), shape);
        // copy from the concatenation [x..., y...]: indices into y are offset by x's size
        Tensor both = AssemblyKernels.concat(new Tensor[] {x.reshape(x.elementCount()), y.cast(x.dtype()).reshape(y.elementCount())}, 0);
        int[] index = new int[ci.length];
        for (int i = 0; i < index.length; i++) {
            index[i] = cond.getLong(ci[i]) != 0 ? xi[i] : x.elementCount() + yi[i];
        }
        return one(Layout.copy(both, shape, index));
    }

    private static Tensor apply(Node n, Tensor a, Tensor b, DoubleBinaryOperator f, LongBinaryOperator g, DType out) {
        long[] bShape = legacyShape(n, a, b);
        long[] shape = Broadcasting.shape(a.shape(), bShape);
        int[] ai = Layout.broadcast(a.shape(), shape);
        int[] bi = Layout.broadcast(bShape, shape);
        boolean floats = a.dtype().isFloatingPoint() || b.dtype().isFloatingPoint() || g == null;
        if (floats) {
            double[] r = new double[ai.length];
            for (int i = 0; i < r.length; i++) {
                r[i] = f.applyAsDouble(a.getDouble(ai[i]), b.getDouble(bi[i]));
            }
            return Tensor.of(out, shape, r);
        }
        long[] r = new long[ai.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = g.applyAsLong(a.getLong(ai[i]), b.getLong(bi[i]));
        }
        return Tensor.ofIntegers(out, shape, r);
    }

    /** Opset &lt; 7 broadcast=1: B's axes line up with A's from axis on (default: A's last axes). */
    private static long[] legacyShape(Node n, Tensor a, Tensor b) {
        if (n.getInt("broadcast", 0) == 0 || opset(n) >= 7) {
            return b.shape();
        }
        int axis = (int) n.getInt("axis", a.rank() - b.rank());
        long[] s = new long[a.rank()];
        java.util.Arrays.fill(s, 1);
        for (int i = 0; i < b.rank(); i++) {
            s[axis + i] = b.dim(i);
        }
        return s;
    }

    static long opset(Node n) {
        return n.graph() == null ? 21 : n.graph().opset();
    }

    static Tensor[] one(Tensor t) {
        return new Tensor[] {t};
    }
}
