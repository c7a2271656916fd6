package isptool.backends.tflite.lower;

import isptool.backends.layout.Layout;
import isptool.graph.DType;
import isptool.graph.Node;
import isptool.graph.Tensor;
import isptool.graph.Value;
import java.util.Arrays;
import org.tensorflow.lite.schema.BuiltinOperator;
import org.tensorflow.lite.schema.ConcatenationOptionsT;
import org.tensorflow.lite.schema.DepthToSpaceOptionsT;
import org.tensorflow.lite.schema.ReducerOptionsT;

/** Ops with an axis or a spatial meaning: their ONNX axes become the stored axes of the plan's layout. */
final class AxisLowering {
    private AxisLowering() {
    }

    static void globalAveragePool(Node n, LoweringContext cx) {
        int rank = n.input(0).shape().rank();
        long[] axes = new long[rank - 2];
        for (int i = 2; i < rank; i++) {
            axes[i - 2] = i;
        }
        mean(n, cx, axes);
    }

    /** ReduceMean with keepdims: axes from the attribute (opset < 18) or the constant second input. */
    static void reduceMean(Node n, LoweringContext cx) {
        if (n.getInt("keepdims", 1) != 1) {
            throw cx.refuse(n, "keepdims=0 is not supported yet");
        }
        long[] axes = n.getInts("axes", null);
        if (axes == null && n.input(1) != null && !n.input(1).name().isEmpty()) {
            if (!n.input(1).isConstant()) {
                throw cx.refuse(n, "axes computed at run time are not supported");
            }
            axes = n.input(1).constant().toLongs();
        }
        if (axes == null || axes.length == 0) {
            if (n.getInt("noop_with_empty_axes", 0) != 0) {
                throw cx.refuse(n, "noop_with_empty_axes is not supported");
            }
            axes = new long[n.input(0).shape().rank()];
            Arrays.setAll(axes, i -> i);
        }
        mean(n, cx, axes);
    }

    private static void mean(Node n, LoweringContext cx, long[] onnxAxes) {
        Layout l = cx.layoutOf(n.input(0));
        long[] stored = new long[onnxAxes.length];
        for (int i = 0; i < onnxAxes.length; i++) {
            stored[i] = l.storedAxis(onnxAxes[i]);
        }
        Arrays.sort(stored);
        int axes = cx.constant(n.name() + "/axes", Tensor.ofIntegers(DType.INT32, new long[] {stored.length}, stored));
        ReducerOptionsT o = new ReducerOptionsT();
        o.setKeepDims(true);
        cx.builder().addOperator(BuiltinOperator.MEAN, o, new int[] {cx.tensor(n, n.input(0)), axes},
                new int[] {cx.tensor(n, n.output(0))});
    }

    static void depthToSpace(Node n, LoweringContext cx) {
        String mode = n.getString("mode", "DCR");
        if (!mode.equals("DCR")) {
            throw cx.refuse(n, "mode " + mode + " is left after the tflite-prep passes (its producer is not a conv"
                    + " whose channels could be reordered); TFLite's DEPTH_TO_SPACE is DCR only");
        }
        DepthToSpaceOptionsT o = new DepthToSpaceOptionsT();
        o.setBlockSize((int) n.getInt("blocksize", 0));
        cx.builder().addOperator(BuiltinOperator.DEPTH_TO_SPACE, o, new int[] {cx.tensor(n, n.input(0))},
                new int[] {cx.tensor(n, n.output(0))});
    }

    static void concat(Node n, LoweringContext cx) {
        Value out = n.output(0);
        int[] ins = new int[n.inputs().size()];
        for (int i = 0; i < ins.length; i++) {
            Value v = n.input(i);
            ins[i] = v.isConstant() ? cx.constantLike(n, v, out) : cx.tensor(n, v);
        }
        ConcatenationOptionsT o = new ConcatenationOptionsT();
        o.setAxis(cx.layoutOf(out).storedAxis(n.getInt("axis", 0)));
        cx.builder().addOperator(BuiltinOperator.CONCATENATION, o, ins, new int[] {cx.tensor(n, out)});
    }
}
