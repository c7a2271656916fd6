package isptool.backends.tflite.lower;

import isptool.backends.layout.Layout;
import isptool.graph.Node;
import isptool.graph.Value;
import java.util.Arrays;
import org.tensorflow.lite.schema.BuiltinOperator;
import org.tensorflow.lite.schema.SplitOptionsT;
import org.tensorflow.lite.schema.SplitVOptionsT;
import org.tensorflow.lite.schema.StridedSliceOptionsT;

/**
 * Slice to STRIDED_SLICE and Split to SPLIT (equal parts) or SPLIT_V, on the stored axes. Slice
 * bounds (attributes before opset 10, constant inputs after) are clamped as ONNX does; a negative
 * step that runs to the first element uses the end mask, since TFLite reads an end of -1 as the last.
 */
final class SliceLowering {
    private SliceLowering() {
    }

    static void slice(Node n, LoweringContext cx) {
        Value x = n.input(0);
        long[] dims = cx.dims(n, x);
        long[] starts = cx.ints(n, "starts", 1);
        long[] ends = cx.ints(n, "ends", 2);
        long[] axes = cx.ints(n, "axes", 3);
        long[] steps = cx.ints(n, null, 4);
        if (starts == null || ends == null || starts.length != ends.length) {
            throw cx.refuse(n, "starts and ends must be given, with one entry per axis");
        }
        int rank = dims.length;
        long[] begin = new long[rank];
        long[] end = dims.clone();
        long[] stride = new long[rank];
        Arrays.fill(stride, 1);
        boolean[] toFirst = new boolean[rank];
        for (int i = 0; i < starts.length; i++) {
            int a = (int) (axes == null ? i : axes[i] < 0 ? axes[i] + rank : axes[i]);
            long d = dims[a];
            long step = steps == null ? 1 : steps[i];
            if (step == 0) {
                throw cx.refuse(n, "step 0 on axis " + a + " is invalid");
            }
            long s = starts[i] < 0 ? starts[i] + d : starts[i];
            long e = ends[i] < 0 ? ends[i] + d : ends[i];
            begin[a] = step > 0 ? clamp(s, 0, d) : clamp(s, 0, d - 1);
            end[a] = step > 0 ? clamp(e, 0, d) : clamp(e, -1, d - 1);
            stride[a] = step;
            toFirst[a] = step < 0 && end[a] == -1;
        }
        if (Arrays.stream(cx.dims(n, n.output(0))).anyMatch(d -> d == 0)) {
            throw cx.refuse(n, "the slice is empty; TFLite has no empty tensors");
        }
        Layout l = cx.layoutOf(x);
        int endMask = 0;
        for (int j = 0; j < rank; j++) {
            if (toFirst[l.perm()[j]]) {
                endMask |= 1 << j;
            }
        }
        StridedSliceOptionsT o = new StridedSliceOptionsT();
        o.setEndMask(endMask);
        cx.builder().addOperator(BuiltinOperator.STRIDED_SLICE, o, new int[] {cx.tensor(n, x),
            cx.int32(n.name() + "/begin", false, l.stored(begin)), cx.int32(n.name() + "/end", false, l.stored(end)),
            cx.int32(n.name() + "/strides", false, l.stored(stride))}, new int[] {cx.tensor(n, n.output(0))});
    }

    private static long clamp(long v, long lo, long hi) {
        return Math.max(lo, Math.min(hi, v));
    }

    /** Split: the part sizes are the outputs' sizes on the axis, which shape inference took from split/num_outputs. */
    static void split(Node n, LoweringContext cx) {
        Value x = n.input(0);
        int rank = cx.dims(n, x).length;
        long axis = n.getInt("axis", 0);
        int onnxAxis = (int) (axis < 0 ? axis + rank : axis);
        int count = n.outputs().size();
        long[] sizes = new long[count];
        int[] outs = new int[count];
        boolean equal = true;
        for (int i = 0; i < count; i++) {
            sizes[i] = cx.dims(n, n.output(i))[onnxAxis];
            outs[i] = cx.tensor(n, n.output(i));
            equal &= sizes[i] == sizes[0];
        }
        int stored = cx.layoutOf(x).storedAxis(onnxAxis);
        int axisTensor = cx.int32(n.name() + "/axis", true, stored);
        if (equal) {
            SplitOptionsT o = new SplitOptionsT();
            o.setNumSplits(count);
            cx.builder().addOperator(BuiltinOperator.SPLIT, o, new int[] {axisTensor, cx.tensor(n, x)}, outs);
        } else {
            SplitVOptionsT o = new SplitVOptionsT();
            o.setNumSplits(count);
            cx.builder().addOperator(BuiltinOperator.SPLIT_V, o, new int[] {cx.tensor(n, x),
                cx.int32(n.name() + "/sizes", false, sizes), axisTensor}, outs);
        }
    }
}
