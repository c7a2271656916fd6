package isptool.backends.quant;

import isptool.backends.quant.QModel.Op;
import isptool.backends.quant.QModel.Tens;
import isptool.backends.tflite.TfliteType;
import isptool.graph.Tensor;
import org.tensorflow.lite.schema.BuiltinOperator;
import org.tensorflow.lite.schema.DivOptionsT;
import org.tensorflow.lite.schema.MulOptionsT;

/**
 * Rewrites, before quantizing, float ops without integer kernels into equivalents that have them:
 * DIV by a constant becomes MUL by its reciprocal (computed in double), POW by 2 becomes MUL of
 * the base with itself, and SQRT feeding only a DIV becomes RSQRT feeding a MUL (its output
 * renamed NAME/rsqrt, since it no longer holds the ONNX value NAME). For 16x8, which has no int16
 * PRELU, a PRELU whose constant slopes all lie in [0, 1] becomes MAXIMUM(x, MUL(x, slope)): for
 * x >= 0 the slope can only shrink x, for x < 0 it can only raise it, so the maximum picks the
 * PRELU's branch exactly.
 */
final class FloatRewrites {
    private FloatRewrites() {
    }

    /** Rewrites m in place for integer activations of 16 bits or not; returns how many operators changed. */
    static int apply(QModel m, boolean int16) {
        int changed = 0;
        for (int k = 0; k < m.ops.size(); k++) {
            Op op = m.ops.get(k);
            if (int16 && op.code == BuiltinOperator.PRELU && slopesWithinUnit(m, op.inputs[1])) {
                Tens out = m.tensor(op.outputs[0]);
                int scaled = m.addActivation(out.name + "/times_slope", TfliteType.FLOAT32, out.shape, null);
                m.ops.add(k, new Op(BuiltinOperator.MUL, 1, new MulOptionsT(), new int[] {op.inputs[0], op.inputs[1]},
                        new int[] {scaled}));
                k++;
                op.code = BuiltinOperator.MAXIMUM;
                op.version = 1;
                op.options = null;
                op.inputs = new int[] {op.inputs[0], scaled};
                changed++;
            } else if (op.code == BuiltinOperator.DIV) {
                changed += divide(m, op) ? 1 : 0;
            } else if (op.code == BuiltinOperator.POW && isConstant(m, op.inputs[1], 2.0)) {
                op.code = BuiltinOperator.MUL;
                op.version = 1;
                op.options = new MulOptionsT();
                op.inputs = new int[] {op.inputs[0], op.inputs[0]};
                changed++;
            }
        }
        return changed;
    }

    private static boolean divide(QModel m, Op div) {
        Tens divisor = m.tensor(div.inputs[1]);
        if (divisor.isFloatConstant()) {
            Tensor d = divisor.data;
            double[] r = new double[d.elementCount()];
            for (int i = 0; i < r.length; i++) {
                r[i] = 1.0 / d.getDouble(i);
            }
            int reciprocal = m.addConstant(divisor.name + "/reciprocal", Tensor.ofDoublesAsFloat(d.shape(), r), null);
            toMul(div, div.inputs[0], reciprocal);
            return true;
        }
        int producer = m.producer(div.inputs[1]);
        Op sqrt = producer < 0 ? null : m.ops.get(producer);
        if (sqrt != null && sqrt.code == BuiltinOperator.SQRT && m.uses(div.inputs[1]) == 1) {
            sqrt.code = BuiltinOperator.RSQRT;
            sqrt.version = 1;
            // it no longer holds the ONNX value of that name: calibration and per-layer reports must not pair them
            m.tensor(sqrt.outputs[0]).name += "/rsqrt";
            toMul(div, div.inputs[0], div.inputs[1]);
            return true;
        }
        return false;
    }

    private static void toMul(Op div, int a, int b) {
        MulOptionsT mul = new MulOptionsT();
        if (div.options instanceof DivOptionsT d) {
            mul.setFusedActivationFunction(d.getFusedActivationFunction());
        }
        div.code = BuiltinOperator.MUL;
        div.version = 1;
        div.options = mul;
        div.inputs = new int[] {a, b};
    }

    private static boolean slopesWithinUnit(QModel m, int t) {
        Tens c = t < 0 ? null : m.tensor(t);
        if (c == null || !c.isFloatConstant()) {
            return false;
        }
        for (int i = 0, n = c.data.elementCount(); i < n; i++) {
            double a = c.data.getDouble(i);
            if (a < 0 || a > 1) {
                return false;
            }
        }
        return true;
    }

    private static boolean isConstant(QModel m, int t, double value) {
        Tens c = t < 0 ? null : m.tensor(t);
        return c != null && c.isFloatConstant() && c.data.isUniform(value);
    }
}
