package isptool.backends.tflite.lower;

import isptool.backends.layout.Layout;
import isptool.graph.DType;
import isptool.graph.Node;
import isptool.graph.Tensor;
import isptool.graph.Value;
import org.tensorflow.lite.schema.BuiltinOperator;

/**
 * Reshape, Flatten, Squeeze and Unsqueeze become a RESHAPE to the output's stored shape, which is
 * exact only when neither side's stored order moves data: the plan keeps such nodes when their
 * input and output are stored in ONNX's row-major order for the non-unit axes (identity layouts, or
 * relabellings such as NHWC [N,C,1,1] -> [N,C]); otherwise it would need a transpose and is refused.
 */
final class ShapeLowering {
    private ShapeLowering() {
    }

    static void reshape(Node n, LoweringContext cx) {
        Value x = n.input(0);
        Value y = n.output(0);
        long[] xs = x.shape() != null && x.shape().isStatic() ? x.shape().dims() : null;
        long[] ys = y.shape() != null && y.shape().isStatic() ? y.shape().dims() : null;
        if (xs == null || ys == null) {
            throw cx.refuse(n, "\"" + (xs == null ? x : y).name() + "\" has no static shape; TFLite needs static"
                    + " shapes, give them with --input-shape NAME:D0,D1,...");
        }
        Layout lx = cx.layoutOf(x);
        Layout ly = cx.layoutOf(y);
        if (!lx.isRowMajorFor(xs) || !ly.isRowMajorFor(ys)) {
            throw cx.refuse(n, "\"" + x.name() + "\" stored " + lx + " -> \"" + y.name() + "\" stored " + ly
                    + " would move data (needs a TRANSPOSE); convert does not emit TRANSPOSE yet");
        }
        long[] stored = cx.storedShape(n, y);
        int shape = cx.constant(n.name() + "/shape", Tensor.ofIntegers(DType.INT32, new long[] {stored.length}, stored));
        cx.builder().addOperator(BuiltinOperator.RESHAPE, null, new int[] {cx.tensor(n, x), shape},
                new int[] {cx.tensor(n, y)});
    }
}
