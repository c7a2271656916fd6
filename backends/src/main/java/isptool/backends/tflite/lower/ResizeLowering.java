package isptool.backends.tflite.lower;

import isptool.graph.Node;
import isptool.graph.Value;
import org.tensorflow.lite.schema.BuiltinOperator;
import org.tensorflow.lite.schema.ResizeBilinearOptionsT;
import org.tensorflow.lite.schema.ResizeNearestNeighborOptionsT;

/**
 * 2-D Resize (N and C kept) to RESIZE_BILINEAR / RESIZE_NEAREST_NEIGHBOR with the output's static H
 * and W as the size. TFLite maps with the ratio in / out; ONNX with the given scale, so constant
 * scales must give the output size exactly (sizes always do). linear: half_pixel and
 * pytorch_half_pixel (output > 1) are half_pixel_centers, align_corners is align_corners,
 * asymmetric is neither; nearest: asymmetric with floor only. Everything else is refused.
 * Upsample (opsets 7-9) is such a Resize with asymmetric coordinates.
 */
final class ResizeLowering {
    private ResizeLowering() {
    }

    static void lower(Node n, LoweringContext cx) {
        Value x = n.input(0);
        Value y = n.output(0);
        if (x.shape() == null || x.shape().rank() != 4 || !x.shape().isStatic() || y.shape() == null
                || !y.shape().isStatic()) {
            throw cx.refuse(n, "only 2-D resizes with static shapes are lowered, input is " + x.shape());
        }
        long[] xs = x.shape().dims();
        long[] ys = y.shape().dims();
        if (xs[0] != ys[0] || xs[1] != ys[1]) {
            throw cx.refuse(n, "resizing N or C is not supported; TFLite resizes H and W only");
        }
        if (cx.graph().opset() < 11) {
            throw cx.refuse(n, "Resize of opset " + cx.graph().opset() + " (before coordinate_transformation_mode)"
                    + " is not supported; upgrade the model to opset 11 or later");
        }
        if (n.getInt("antialias", 0) != 0) {
            throw cx.refuse(n, "antialias=1 is not supported");
        }
        Value scales = n.inputs().size() > 2 ? n.input(2) : null;
        if (scales != null && !scales.name().isEmpty()) {
            if (!scales.isConstant()) {
                throw cx.refuse(n, "scales computed at run time are not supported; give sizes or constant scales");
            }
            checkScales(n, cx, scales.constant().toFloats(), xs, ys);
        }
        emit(n, cx, n.getString("mode", "nearest"), n.getString("coordinate_transformation_mode", "half_pixel"),
                n.getString("nearest_mode", "round_prefer_floor"), ys);
    }

    /**
     * Upsample (opsets 7-9; scales as attribute, then input 1): Resize with asymmetric coordinates,
     * floor for nearest.
     */
    static void upsample(Node n, LoweringContext cx) {
        Value x = n.input(0);
        Value y = n.output(0);
        long[] xs = cx.dims(n, x);
        long[] ys = cx.dims(n, y);
        if (xs.length != 4 || xs[0] != ys[0] || xs[1] != ys[1]) {
            throw cx.refuse(n, "only 2-D upsampling of H and W is lowered, input " + x.shape() + " output " + y.shape());
        }
        float[] sc = n.getFloats("scales", null);
        if (sc == null) {
            if (n.input(1) == null || !n.input(1).isConstant()) {
                throw cx.refuse(n, "scales computed at run time are not supported");
            }
            sc = n.input(1).constant().toFloats();
        }
        checkScales(n, cx, sc, xs, ys);
        String mode = n.getString("mode", "nearest");
        emit(n, cx, mode.equals("bilinear") ? "linear" : mode, "asymmetric", "floor", ys);
    }

    private static void checkScales(Node n, LoweringContext cx, float[] sc, long[] xs, long[] ys) {
        for (int a = 0; sc.length == 4 && a < 2; a++) {
            if ((double) xs[a + 2] * sc[a + 2] != ys[a + 2]) {
                throw cx.refuse(n, "scale " + sc[a + 2] + " on axis " + (a + 2) + " is not " + ys[a + 2] + "/"
                        + xs[a + 2] + "; TFLite maps coordinates with the size ratio");
            }
        }
    }

    /** RESIZE_BILINEAR / RESIZE_NEAREST_NEIGHBOR to the output's H and W with ONNX's coordinate modes. */
    private static void emit(Node n, LoweringContext cx, String mode, String ctm, String nearest, long[] ys) {
        Value x = n.input(0);
        Value y = n.output(0);
        int in = cx.tensor(n, x);
        int out = cx.tensor(n, y);
        int size = cx.int32(n.name() + "/size", false, ys[2], ys[3]);
        if (mode.equals("linear")) {
            ResizeBilinearOptionsT o = new ResizeBilinearOptionsT();
            switch (ctm) {
                case "half_pixel" -> o.setHalfPixelCenters(true);
                case "pytorch_half_pixel" -> {
                    if (ys[2] == 1 || ys[3] == 1) {
                        throw cx.refuse(n, "pytorch_half_pixel with an output of size 1 is not TFLite's half_pixel");
                    }
                    o.setHalfPixelCenters(true);
                }
                case "align_corners" -> o.setAlignCorners(true);
                case "asymmetric" -> {
                }
                default -> throw cx.refuse(n, "linear with coordinate_transformation_mode " + ctm
                        + " is not supported (half_pixel, pytorch_half_pixel, align_corners, asymmetric)");
            }
            cx.builder().addOperator(BuiltinOperator.RESIZE_BILINEAR, o, new int[] {in, size}, new int[] {out});
        } else if (mode.equals("nearest")) {
            if (!ctm.equals("asymmetric") || !nearest.equals("floor")) {
                throw cx.refuse(n, "nearest with " + ctm + " and nearest_mode " + nearest
                        + " is not supported (only asymmetric with floor, which is TFLite's RESIZE_NEAREST_NEIGHBOR)");
            }
            cx.builder().addOperator(BuiltinOperator.RESIZE_NEAREST_NEIGHBOR, new ResizeNearestNeighborOptionsT(),
                    new int[] {in, size}, new int[] {out});
        } else {
            throw cx.refuse(n, "mode " + mode + " is not supported (linear, nearest)");
        }
    }
}
