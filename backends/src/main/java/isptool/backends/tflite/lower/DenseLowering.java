package isptool.backends.tflite.lower;

import isptool.graph.DType;
import isptool.graph.Node;
import isptool.graph.Tensor;
import isptool.graph.Value;
import org.tensorflow.lite.schema.ActivationFunctionType;
import org.tensorflow.lite.schema.BuiltinOperator;
import org.tensorflow.lite.schema.FullyConnectedOptionsT;

/**
 * Gemm (transA=0, alpha=beta=1, constant B and C) and MatMul with a constant 2-D weight become
 * FULLY_CONNECTED: weights [out, in] (B as is with transB=1, transposed otherwise), bias [out]
 * (zeros if none). The activation must be stored in ONNX order; the product runs over its last axis.
 */
final class DenseLowering {
    private DenseLowering() {
    }

    static void gemm(Node n, LoweringContext cx) {
        if (n.getInt("transA", 0) != 0) {
            throw cx.refuse(n, "transA=1 is not supported; FULLY_CONNECTED multiplies rows of the activation");
        }
        if (n.getFloat("alpha", 1f) != 1f || n.getFloat("beta", 1f) != 1f) {
            throw cx.refuse(n, "alpha " + n.getFloat("alpha", 1f) + ", beta " + n.getFloat("beta", 1f)
                    + " are not supported (only 1, 1)");
        }
        Value c = n.inputs().size() > 2 ? n.input(2) : null;
        if (c != null && c.name().isEmpty()) {
            c = null;
        }
        fullyConnected(n, cx, n.input(1), n.getInt("transB", 0) != 0, c);
    }

    static void matMul(Node n, LoweringContext cx) {
        fullyConnected(n, cx, n.input(1), false, null);
    }

    private static void fullyConnected(Node n, LoweringContext cx, Value b, boolean transB, Value c) {
        Value a = n.input(0);
        Value y = n.output(0);
        if (!b.isConstant() || b.constant().rank() != 2) {
            throw cx.refuse(n, "the weight \"" + b.name() + "\" must be a constant 2-D matrix for FULLY_CONNECTED");
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
                    + "; FULLY_CONNECTED needs ONNX's axis order (a TRANSPOSE convert does not emit yet)");
        }
        Tensor w = b.constant().cast(DType.FLOAT);
        if (!transB) {
            w = StoredTensors.transpose(w, new int[] {1, 0});
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
            Tensor ct = c.constant().cast(DType.FLOAT);
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
}
