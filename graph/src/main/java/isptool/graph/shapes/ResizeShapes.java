package isptool.graph.shapes;

import isptool.graph.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Resize and Upsample. With scales, out = floor(in * scale), the product taken in float32 as
 * onnxruntime does; with sizes (Resize 11+), out = sizes, or under keep_aspect_ratio_policy
 * not_larger/not_smaller (opset 18) one common scale s = min/max(sizes / in) and out = floor(s * in + 0.5).
 */
final class ResizeShapes {
    private ResizeShapes() {
    }

    /** Resize: inputs (X, scales) in opset 10, (X, roi, scales, sizes) from 11; opset 18 adds the axes attribute. */
    static void resize(InferContext c) {
        List<Dim> x = c.dims(0);
        if (x == null) {
            c.set(0, c.dtype(0), (List<Dim>) null);
            return;
        }
        int scalesInput = c.opset() < 11 ? 1 : 2;
        Tensor scales = nonEmpty(c.constant(scalesInput));
        Tensor sizes = c.opset() < 11 ? null : nonEmpty(c.constant(3));
        if (scales == null && sizes == null) { // computed at run time (or missing)
            c.set(0, c.dtype(0), Dim.unknown(x.size()));
            return;
        }
        long[] axesAttr = c.node.getInts("axes", null);
        int[] axes = axesAttr == null ? allAxes(x.size()) : c.axes(axesAttr, x.size(), "axes");
        List<Dim> out = new ArrayList<>(x);
        if (sizes != null) {
            long[] s = sizes.toLongs();
            if (s.length != axes.length) {
                throw c.fail("sizes " + Arrays.toString(s) + " has " + s.length + " values for " + axes.length + " axes");
            }
            String policy = c.node.getString("keep_aspect_ratio_policy", "stretch");
            if (policy.equals("stretch")) {
                for (int i = 0; i < axes.length; i++) {
                    out.set(axes[i], Dim.of(s[i]));
                }
            } else {
                keepAspect(c, x, axes, s, policy, out);
            }
        } else {
            float[] f = scales.toFloats();
            if (f.length != axes.length) {
                throw c.fail("scales " + Arrays.toString(f) + " has " + f.length + " values for " + axes.length + " axes");
            }
            float[] roi = cropRoi(c, axes.length);
            for (int i = 0; i < axes.length; i++) {
                float scale = roi == null ? f[i] : f[i] * (roi[i + axes.length] - roi[i]);
                out.set(axes[i], scaled(c, x.get(axes[i]), scale));
            }
        }
        c.set(0, c.dtype(0), out);
    }

    /** Upsample: scales as attribute (opset 7, 8) or input 1 (opset 9). */
    static void upsample(InferContext c) {
        List<Dim> x = c.dims(0);
        float[] scales = c.node.has("scales") ? c.node.getFloats("scales", null)
                : c.constant(1) != null ? c.constant(1).toFloats() : null;
        if (x == null || scales == null) {
            c.set(0, c.dtype(0), x == null ? null : Dim.unknown(x.size()));
            return;
        }
        if (scales.length != x.size()) {
            throw c.fail("scales " + Arrays.toString(scales) + " has " + scales.length + " values for input rank " + x.size());
        }
        List<Dim> out = new ArrayList<>();
        for (int i = 0; i < scales.length; i++) {
            out.add(scaled(c, x.get(i), scales[i]));
        }
        c.set(0, c.dtype(0), out);
    }

    private static Dim scaled(InferContext c, Dim in, float scale) {
        if (!(scale > 0)) {
            throw c.fail("scale " + scale + " is not positive");
        }
        return scale == 1f ? in : in.map(v -> (long) Math.floor((float) v * scale));
    }

    private static void keepAspect(InferContext c, List<Dim> x, int[] axes, long[] sizes, String policy, List<Dim> out) {
        double scale = policy.equals("not_larger") ? Double.MAX_VALUE : 0;
        for (int i = 0; i < axes.length; i++) {
            Dim in = x.get(axes[i]);
            if (!in.known()) {
                for (int a : axes) {
                    out.set(a, Dim.UNKNOWN);
                }
                return;
            }
            double s = (double) sizes[i] / in.size();
            scale = switch (policy) {
                case "not_larger" -> Math.min(scale, s);
                case "not_smaller" -> Math.max(scale, s);
                default -> throw c.fail("keep_aspect_ratio_policy \"" + policy + "\" is not stretch, not_larger or not_smaller");
            };
        }
        for (int a : axes) {
            double s = scale;
            out.set(a, x.get(a).map(v -> (long) (s * v + 0.5)));
        }
    }

    /** tf_crop_and_resize scales the region of interest, not the whole axis. */
    private static float[] cropRoi(InferContext c, int n) {
        if (!c.node.getString("coordinate_transformation_mode", "").equals("tf_crop_and_resize")) {
            return null;
        }
        Tensor roi = c.constant(1);
        return roi != null && roi.elementCount() == 2 * n ? roi.toFloats() : null;
    }

    private static Tensor nonEmpty(Tensor t) {
        return t == null || t.elementCount() == 0 ? null : t;
    }

    private static int[] allAxes(int rank) {
        int[] r = new int[rank];
        for (int i = 0; i < rank; i++) {
            r[i] = i;
        }
        return r;
    }
}
