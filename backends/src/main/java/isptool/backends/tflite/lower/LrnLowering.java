package isptool.backends.tflite.lower;

import isptool.graph.Node;
import org.tensorflow.lite.schema.BuiltinOperator;
import org.tensorflow.lite.schema.LocalResponseNormalizationOptionsT;

/**
 * LRN across channels, which NHWC stores last: ONNX divides by (bias + alpha/size * sum of x^2
 * over the window) ^ beta, the window running from c - floor((size-1)/2) to c + ceil((size-1)/2);
 * TFLite's LOCAL_RESPONSE_NORMALIZATION sums over c - radius .. c + radius and scales by alpha
 * itself. So an odd size maps exactly with radius (size-1)/2 and alpha/size; an even size has a
 * lopsided window TFLite cannot express and is refused.
 */
final class LrnLowering {
    private LrnLowering() {
    }

    static void lower(Node n, LoweringContext cx) {
        long size = n.getInt("size", 0);
        if (size < 1 || size % 2 == 0) {
            throw cx.refuse(n, "size=" + size + " makes a lopsided window; TFLite's LOCAL_RESPONSE_NORMALIZATION"
                    + " sums over a centred odd window only");
        }
        if (n.input(0).shape() == null || n.input(0).shape().rank() != 4
                || cx.layoutOf(n.input(0)).storedAxis(1) != 3) {
            throw cx.refuse(n, "LRN needs a 4-D input with its channels stored last (NHWC)");
        }
        LocalResponseNormalizationOptionsT o = new LocalResponseNormalizationOptionsT();
        o.setRadius((int) (size - 1) / 2);
        o.setBias(n.getFloat("bias", 1f));
        o.setAlpha((float) (n.getFloat("alpha", 1e-4f) / (double) size));
        o.setBeta(n.getFloat("beta", 0.75f));
        cx.builder().addOperator(BuiltinOperator.LOCAL_RESPONSE_NORMALIZATION, o,
                new int[] {cx.tensor(n, n.input(0))}, new int[] {cx.tensor(n, n.output(0))});
    }
}
