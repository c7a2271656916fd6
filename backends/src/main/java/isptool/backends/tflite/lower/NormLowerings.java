package isptool.backends.tflite.lower;

import isptool.backends.layout.Layout;
import isptool.graph.Node;
import isptool.graph.Tensor;
import isptool.graph.Value;
import java.util.Arrays;
import org.tensorflow.lite.schema.BuiltinOperator;

/**
 * Inference-time normalizations. BatchNormalization folds (in double) into one MUL and one ADD
 * with per-channel constants; InstanceNormalization and LayerNormalization compute
 * {@code (x - mean) / sqrt(var + eps)} over their stored axes (MEAN, SUB, MUL, MEAN, ADD, RSQRT, MUL),
 * then scale and shift.
 */
final class NormLowerings {
    private NormLowerings() {
    }

    /** y = x * s + (B - mean * s) with s = scale / sqrt(var + epsilon), per channel (ONNX axis 1). */
    static void batchNorm(Node n, LoweringContext cx) {
        if (n.getInt("training_mode", 0) != 0) {
            throw cx.refuse(n, "attribute training_mode=1 (batch statistics) is not supported; export the model in"
                    + " eval mode");
        }
        for (int i = 1; i < n.outputs().size(); i++) {
            if (isRead(cx, n.output(i))) {
                throw cx.refuse(n, "output " + i + " (running statistics) is read; only the inference form (Y) is"
                        + " supported");
            }
        }
        double[][] p = new double[4][];
        for (int i = 0; i < 4; i++) {
            Value v = n.input(i + 1);
            if (v == null || !v.isConstant()) {
                throw cx.refuse(n, "input " + (i + 1) + " (scale, B, mean, var) is computed at run time; convert needs"
                        + " constant statistics");
            }
            p[i] = v.constant().toDoubles();
        }
        double eps = n.getFloat("epsilon", 1e-5f);
        int c = p[0].length;
        double[] mul = new double[c];
        double[] add = new double[c];
        for (int i = 0; i < c; i++) {
            mul[i] = p[0][i] / Math.sqrt(p[3][i] + eps);
            add[i] = p[1][i] - p[2][i] * mul[i];
        }
        long[] shape = n.input(1).constant().shape();
        Emit e = new Emit(n, cx);
        int scaled = e.binary(BuiltinOperator.MUL, e.t(), e.in(0), perChannel(n, cx, "scale", mul, shape));
        e.binary(BuiltinOperator.ADD, e.out(), scaled, perChannel(n, cx, "shift", add, shape));
    }

    /** Per sample and channel over the spatial axes (2..rank-1), then scale and B per channel. */
    static void instanceNorm(Node n, LoweringContext cx) {
        Value scale = n.input(1);
        Value bias = n.input(2);
        if (!scale.isConstant() || !bias.isConstant()) {
            throw cx.refuse(n, "scale or B computed at run time is not supported; convert needs constants");
        }
        Emit e = new Emit(n, cx);
        long[] axes = storedAxes(cx.layoutOf(n.input(0)), axesFrom(2, e.shape().length));
        int norm = normalize(e, axes, n.getFloat("epsilon", 1e-5f), -1);
        long[] shape = scale.constant().shape();
        int scaled = e.binary(BuiltinOperator.MUL, e.t(), norm,
                perChannel(n, cx, "scale", scale.constant().toDoubles(), shape));
        e.binary(BuiltinOperator.ADD, e.out(), scaled, perChannel(n, cx, "B", bias.constant().toDoubles(), shape));
    }

    /**
     * LayerNormalization-17 over ONNX axes axis..rank-1 (the matching stored axes), then Scale and
     * the optional B (right-aligned); the optional Mean output is written too; InvStdDev is refused.
     */
    static void layerNorm(Node n, LoweringContext cx) {
        long stash = n.getInt("stash_type", 1);
        if (stash != 1) {
            throw cx.refuse(n, "attribute stash_type=" + stash + " (computing in another type than float) is not"
                    + " supported; export with stash_type=1");
        }
        if (n.outputs().size() > 2 && isRead(cx, n.output(2))) {
            throw cx.refuse(n, "output InvStdDev is read; only Y and Mean are supported");
        }
        Value x = n.input(0);
        Emit e = new Emit(n, cx);
        long[] onnxAxes = axesFrom(axis(n, cx, e.shape().length, -1), e.shape().length);
        Value scale = n.input(1);
        Value bias = n.input(2);
        if (!scale.isConstant() || bias != null && !bias.isConstant()) {
            throw cx.refuse(n, "Scale or B computed at run time is not supported; convert needs constants");
        }
        int mean = n.outputs().size() > 1 && isRead(cx, n.output(1)) ? cx.tensor(n, n.output(1)) : -1;
        int norm = normalize(e, storedAxes(cx.layoutOf(x), onnxAxes), n.getFloat("epsilon", 1e-5f), mean);
        int scaled = e.binary(BuiltinOperator.MUL, bias == null ? e.out() : e.t(), norm, cx.constantLike(n, scale, x));
        if (bias != null) {
            e.binary(BuiltinOperator.ADD, e.out(), scaled, cx.constantLike(n, bias, x));
        }
    }

    /** (x - mean) / sqrt(var + eps) over the stored axes, a new intermediate; the mean goes to meanOut unless -1. */
    private static int normalize(Emit e, long[] axes, double eps, int meanOut) {
        long[] kept = e.reducedShape(axes);
        int x = e.in(0);
        int mean = e.reduce(BuiltinOperator.MEAN, meanOut >= 0 ? meanOut : e.t(kept), x, axes);
        int d = e.binary(BuiltinOperator.SUB, e.t(), x, mean);
        int var = e.reduce(BuiltinOperator.MEAN, e.t(kept), e.binary(BuiltinOperator.MUL, e.t(), d, d), axes);
        int inv = e.unary(BuiltinOperator.RSQRT, e.t(kept), e.binary(BuiltinOperator.ADD, e.t(kept), var,
                e.scalar(eps)));
        return e.binary(BuiltinOperator.MUL, e.t(), d, inv);
    }

    /** A per-channel constant ([C], or [C, D1, ...] for spatial=0) at ONNX axis 1 of the output, stored like it. */
    private static int perChannel(Node n, LoweringContext cx, String hint, double[] values, long[] paramShape) {
        Value y = n.output(0);
        int rank = y.shape().rank();
        long[] shape = ones(rank - 1);
        System.arraycopy(paramShape, 0, shape, 0, Math.min(paramShape.length, rank - 1));
        float[] f = new float[values.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) values[i];
        }
        return cx.constant(n.name() + "/" + hint, StoredTensors.inLayout(Tensor.ofFloats(shape, f), cx.layoutOf(y)));
    }

    /** n's axis attribute (default dflt) in 0..rank-1; refused outside. */
    static long axis(Node n, LoweringContext cx, int rank, long dflt) {
        long axis = n.getInt("axis", dflt);
        if (axis < -rank || axis >= rank) {
            throw cx.refuse(n, "attribute axis=" + axis + " is outside rank " + rank);
        }
        return axis < 0 ? axis + rank : axis;
    }

    /** The ONNX axes first..rank-1. */
    static long[] axesFrom(long first, int rank) {
        long[] r = new long[(int) (rank - first)];
        for (int i = 0; i < r.length; i++) {
            r[i] = first + i;
        }
        return r;
    }

    static long[] storedAxes(Layout l, long[] onnxAxes) {
        long[] r = new long[onnxAxes.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = l.storedAxis(onnxAxes[i]);
        }
        return r;
    }

    private static boolean isRead(LoweringContext cx, Value v) {
        return !v.name().isEmpty() && (!v.users().isEmpty() || cx.graph().isGraphOutput(v));
    }

    private static long[] ones(int rank) {
        long[] r = new long[rank];
        Arrays.fill(r, 1);
        return r;
    }
}
