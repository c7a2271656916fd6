package isptool.backends.tflite.lower;

import isptool.graph.DType;
import isptool.graph.Node;
import isptool.graph.Tensor;
import isptool.graph.Value;
import org.tensorflow.lite.schema.ActivationFunctionType;
import org.tensorflow.lite.schema.AddOptionsT;
import org.tensorflow.lite.schema.BatchMatMulOptionsT;
import org.tensorflow.lite.schema.BuiltinOperator;
import org.tensorflow.lite.schema.FullyConnectedOptionsT;

/**
 * Gemm (transA=0; alpha and beta folded into constant B and C, beta=0 dropping C) and MatMul with
 * a constant 2-D weight become FULLY_CONNECTED: weights [out, in] (B as is with transB=1,
 * transposed otherwise), bias [out] (zeros if none). The activation must be stored in ONNX order;
 * the product runs over its last axis. A computed B (alpha = beta = 1) is a BATCH_MATMUL, plus an
 * ADD of C if there is one.
 */
final class DenseLowering {
    private DenseLowering() {
    }

    static void gemm(Node n, LoweringContext cx) {
        if (n.getInt("transA", 0) != 0) {
            throw cx.refuse(n, "transA=1 is not supported; FULLY_CONNECTED multiplies rows of the activation");
        }
        Value c = n.inputs().size() > 2 ? n.input(2) : null;
        double beta = n.getFloat("beta", 1f);
        if (c != null && (c.name().isEmpty() || beta == 0)) {
            c = null; // beta = 0: C is not read
        }
        fullyConnected(n, cx, n.input(1), n.getInt("transB", 0) != 0, c, n.getFloat("alpha", 1f), beta);
    }

    static void matMul(Node n, LoweringContext cx) {
        fullyConnected(n, cx, n.input(1), false, null, 1, 1);
    }

    /** y = alpha * A B + beta * C, with alpha and beta folded (in double) into the constant weights and bias. */
    private static void fullyConnected(Node n, LoweringContext cx, Value b, boolean transB, Value c, double alpha,
            double beta) {
        Value a = n.input(0);
        Value y = n.output(0);
        if (!b.isConstant() && alpha == 1 && (beta == 1 || c == null) && rank(a) >= 2 && rank(a) == rank(b)
                && cx.layoutOf(a).isIdentity() && cx.layoutOf(b).isIdentity() && cx.layoutOf(y).isIdentity()) {
            BatchMatMulOptionsT o = new BatchMatMulOptionsT();
            o.setAdjY(transB);
            int product = c == null ? cx.tensor(n, y) : cx.scratch(n.name() + "/product", cx.storedShape(n, y));
            cx.builder().addOperator(BuiltinOperator.BATCH_MATMUL, o, new int[] {cx.tensor(n, a), cx.tensor(n, b)},
                    new int[] {product});
            if (c != null) {
                cx.builder().addOperator(BuiltinOperator.ADD, new AddOptionsT(), new int[] {product,
                    ElementwiseLowering.operand(n, cx, c)}, new int[] {cx.tensor(n, y)});
            }
            return;
        }
        if (!b.isConstant() || b.constant().rank() != 2) {
            throw cx.refuse(n, "the weight \"" + b.name() + "\" must be a constant 2-D matrix for FULLY_CONNECTED"
                    + " (a computed one is a BATCH_MATMUL only without alpha, C or a layout change)");
        }
        if (c != null && !c.isConstant()) {
            throw cx.refuse(n, "a bias computed at run time is not supported");
        }
        if (a.shape() == null || !a.shape().isStatic() || a.shape().rank() < 2) {
            throw cx.refuse(n, "the activation \"" + a.name() + "\" needs a static shape of rank >= 2, it is "
                    + a.shape());
        }
        if (!cx.layoutOf(a).isIdentity() || !cx.layoutOf(y).isIdentity()) {
            throw cx.refuse(n, "\"" + a.name() + "\" is stored " + cx.layoutOf(a)
                    + "; FULLY_CONNECTED needs ONNX's axis order");
        }
        Tensor w = scaled(b.constant(), alpha);
        if (!transB) {
            w = StoredTensors.transpose(w, WeightLayout.DENSE_TRANSPOSED);
        }
        long out = w.dim(0);
        long in = w.dim(1);
        long[] as = a.shape().dims();
        if (as[as.length - 1] != in) {
            throw cx.refuse(n, "the activation's last axis " + as[as.length - 1] + " does not match the weight's " + in);
        }
        Tensor bias;
        if (c == null) {
            bias = Tensor.ofFloats(new long[] {out}, new float[(int) out]);
        } else {
            Tensor ct = scaled(c.constant(), beta);
            float[] v = ct.toFloats();
            if (v.length == out) {
                bias = Tensor.ofFloats(new long[] {out}, v);
            } else if (v.length == 1) {
                float[] r = new float[(int) out];
                java.util.Arrays.fill(r, v[0]);
                bias = Tensor.ofFloats(new long[] {out}, r);
            } else {
                throw cx.refuse(n, "bias \"" + c.name() + "\" of shape " + java.util.Arrays.toString(ct.shape())
                        + " is not per output (only [out], [1, out] or a scalar)");
            }
        }
        int wt = cx.constant(n.name() + "/weights", w);
        int bt = cx.constant(n.name() + "/bias", bias);
        FullyConnectedOptionsT o = new FullyConnectedOptionsT();
        o.setFusedActivationFunction(ActivationFunctionType.NONE);
        o.setKeepNumDims(as.length > 2);
        cx.builder().addOperator(BuiltinOperator.FULLY_CONNECTED, o, new int[] {cx.tensor(n, a), wt, bt},
                new int[] {cx.tensor(n, y)});
    }

    private static int rank(Value v) {
        return v.shape() == null ? -1 : v.shape().rank();
    }

    private static Tensor scaled(Tensor t, double factor) {
        if (factor == 1) {
            return t.cast(DType.FLOAT);
        }
        double[] v = t.toDoubles();
        for (int i = 0; i < v.length; i++) {
            v[i] *= factor;
        }
        return Tensor.of(DType.FLOAT, t.shape(), v);
    }
}
