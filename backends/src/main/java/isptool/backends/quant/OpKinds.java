package isptool.backends.quant;

import isptool.backends.tflite.Quantization;
import isptool.backends.tflite.TfliteOpTable;
import isptool.backends.tflite.TfliteOpTable.QuantKind;
import isptool.graph.DType;

/**
 * What the TFLite integer kernels expect of each op, read from {@link TfliteOpTable}: ops with
 * per-channel weights, ops whose output must share the input's scale and zero point, ops with
 * fixed output parameters, ops free to choose their own output parameters; any other op has no
 * integer kernel.
 */
final class OpKinds {
    private OpKinds() {
    }

    static TfliteOpTable.Weighted weighted(String op) {
        TfliteOpTable.Row r = TfliteOpTable.find(op);
        return r == null ? null : r.weighted();
    }

    static boolean sameAsInput(String op) {
        return TfliteOpTable.quant(op) == QuantKind.SAME_AS_INPUT;
    }

    static boolean allSame(String op) {
        return TfliteOpTable.quant(op) == QuantKind.ALL_SAME;
    }

    /** True when TFLite has an integer kernel for op at this activation type. */
    static boolean hasIntegerKernel(String op, DType activations) {
        TfliteOpTable.Row r = TfliteOpTable.find(op);
        return r != null && r.quant() != QuantKind.NONE && (activations == DType.INT8 || r.int16Kernel());
    }

    /** The output params TFLite's kernels require for op, or null when the op chooses freely. */
    static Quantization fixedOutput(String op, DType activations) {
        if (TfliteOpTable.quant(op) != QuantKind.FIXED) {
            return null;
        }
        if (activations == DType.INT16) {
            return Quantization.perTensor(1.0 / 32768, 0);
        }
        return op.equals("TANH") ? Quantization.perTensor(1.0 / 128, 0) : Quantization.perTensor(1.0 / 256, -128);
    }

    /** The operator version of op's integer form, at least its float version. */
    static int version(String op, DType activations, int floatVersion) {
        TfliteOpTable.Row r = TfliteOpTable.find(op);
        int v = r == null ? 1 : activations == DType.INT16 ? r.int16Version() : r.int8Version();
        return Math.max(v, floatVersion);
    }
}
