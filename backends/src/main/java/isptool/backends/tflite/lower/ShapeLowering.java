package isptool.backends.tflite.lower;

import isptool.backends.layout.Layout;
import isptool.graph.Node;
import isptool.graph.Value;

/**
 * Reshape, Flatten, Squeeze and Unsqueeze become a RESHAPE to the output's stored shape, which is
 * exact only when neither side's stored order moves data: the plan keeps such nodes when their
 * input and output are stored in ONNX's row-major order for the non-unit axes (identity layouts, or
 * relabellings such as NHWC [N,C,1,1] -> [N,C]), and transposes the input to ONNX order before
 * them otherwise. A model Transpose is a relabelling when the stored data does not move, else a
 * TRANSPOSE between the stored layouts.
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
                    + " would move data and the layout plan has no TRANSPOSE for it");
        }
        cx.reshape(n.name(), cx.tensor(n, x), cx.storedShape(n, y), cx.tensor(n, y));
    }

    /** Transpose: stored output axis k holds ONNX output axis ly[k], which is input axis perm[ly[k]]. */
    static void transpose(Node n, LoweringContext cx) {
        Value x = n.input(0);
        Value y = n.output(0);
        Layout lx = cx.layoutOf(x);
        Layout ly = cx.layoutOf(y);
        long[] perm = n.getInts("perm", null);
        int[] stored = new int[ly.rank()];
        boolean moves = false;
        long[] ys = cx.storedShape(n, y);
        int last = -1;
        for (int k = 0; k < stored.length; k++) {
            int a = ly.perm()[k];
            stored[k] = lx.storedAxis(perm == null ? stored.length - 1 - a : perm[a]);
            if (ys[k] != 1) {
                moves |= stored[k] < last;
                last = stored[k];
            }
        }
        if (!moves) {
            cx.alias(n, y, x);
            return;
        }
        long[] p = new long[stored.length];
        for (int k = 0; k < p.length; k++) {
            p[k] = stored[k];
        }
        cx.transpose(n.name(), cx.tensor(n, x), p, cx.tensor(n, y));
    }
}
