package isptool.backends.html.images;

import isptool.graph.Shape;
import isptool.graph.Tensor;
import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.Locale;

/**
 * The absolute error between two image tensors of one shape, amplified into a heat map: a pixel's
 * error is the largest |actual - reference| over its channels (batch 0); its {@link HeatScale}
 * level is {@code round(min(1, error / fullScale) * 255)}, so white means the full scale or more.
 * A non-finite value on either side, where the other differs, shows white.
 *
 * @param fullScale the error drawn white
 * @param maxAbs the largest error of the map
 * @param scale what the full scale is, for the legend ("the largest error", "error ×10, 1/10 of the pixel range")
 */
public record ErrorMap(BufferedImage image, double fullScale, double maxAbs, String scale) {

    /** Full scale: the map's own largest error (the worst pixel is white), or a fixed error value. */
    public sealed interface Scale {
        /** The worst pixel white: where the error is, whatever its size. */
        record MaxAbs() implements Scale {
        }

        /** A fixed amplification: an error of 1/factor of the pixel range is white. */
        record Amplified(double factor, PixelRange range) implements Scale {
        }
    }

    public static ErrorMap of(Tensor reference, Tensor actual, Scale scale) {
        if (!Arrays.equals(reference.shape(), actual.shape()) || !TensorImages.isImage(reference.shape())) {
            throw new IllegalArgumentException("error map of shapes " + Shape.of(reference.shape()) + " and "
                    + Shape.of(actual.shape()) + ": give two image tensors [N, 1|3|4, H, W] of one shape");
        }
        int c = (int) reference.dim(1);
        int h = (int) reference.dim(2);
        int w = (int) reference.dim(3);
        double[] error = new double[h * w];
        double maxAbs = 0;
        for (int ch = 0; ch < c; ch++) {
            for (int i = 0; i < error.length; i++) {
                double a = actual.getDouble(ch * h * w + i);
                double r = reference.getDouble(ch * h * w + i);
                double e = Double.compare(a, r) == 0 ? 0 : Math.abs(a - r);
                e = Double.isNaN(e) ? Double.POSITIVE_INFINITY : e;
                error[i] = Math.max(error[i], e);
            }
        }
        for (double e : error) {
            maxAbs = Double.isFinite(e) ? Math.max(maxAbs, e) : maxAbs;
        }
        double full;
        String note;
        if (scale instanceof Scale.Amplified amp) {
            full = (amp.range().hi() - amp.range().lo()) / amp.factor();
            note = String.format(Locale.ROOT, "error ×%s, 1/%s of the pixel range", trim(amp.factor()),
                    trim(amp.factor()));
        } else {
            full = maxAbs;
            note = maxAbs == 0 ? "no difference: every pixel equal" : "the largest error";
        }
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int i = 0; i < error.length; i++) {
            img.setRGB(i % w, i / w, HeatScale.rgb(level(error[i], full)));
        }
        return new ErrorMap(img, full, maxAbs, note);
    }

    /** The heat level of an error at a full scale (an error where the full scale is 0 is white). */
    public static int level(double error, double fullScale) {
        if (error == 0) {
            return 0;
        }
        if (!(fullScale > 0) || !Double.isFinite(error)) {
            return 255;
        }
        return (int) Math.round(Math.min(1, error / fullScale) * 255);
    }

    private static String trim(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }
}
