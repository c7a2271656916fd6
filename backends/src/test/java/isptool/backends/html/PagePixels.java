package isptool.backends.html;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import isptool.backends.calib.BayerPattern;
import isptool.backends.html.images.HeatScale;
import isptool.backends.html.images.PixelRange;
import isptool.graph.Tensor;
import java.util.List;

/**
 * What the images of a page must hold, pixel for pixel, given the tensors they show: the RGBA
 * bytes {@link Browser#pixels} read back from the browser against the rules the page draws by,
 * restated here from their definitions.
 */
public final class PagePixels {
    private PagePixels() {
    }

    /** Batch 0 of t, each channel's value at {@code round(clamp((v - lo) / (hi - lo), 0, 1) * 255)}. */
    public static void assertPixels(int[] rgba, Tensor t, PixelRange r) {
        int c = (int) t.dim(1);
        int plane = (int) (t.dim(2) * t.dim(3));
        assertEquals(4 * plane, rgba.length);
        for (int ch = 0; ch < c; ch++) {
            for (int i = 0; i < plane; i++) {
                double x = Math.max(0, Math.min(1, (t.getDouble(ch * plane + i) - r.lo()) / (r.hi() - r.lo())));
                assertEquals((int) Math.round(x * 255), rgba[4 * i + ch], "channel " + ch + " pixel " + i);
            }
        }
    }

    /** A packed RAW input [1, 4, H, W] in [0, 1]: plane c at row 2y + row(c), column 2x + column(c) of the grey mosaic. */
    public static void assertMosaic(int[] rgba, Tensor raw, BayerPattern pattern) {
        int h = (int) raw.dim(2);
        int w = (int) raw.dim(3);
        assertEquals(4 * 4 * h * w, rgba.length);
        for (int c = 0; c < 4; c++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int at = 4 * ((2 * y + pattern.row(c)) * 2 * w + 2 * x + pattern.column(c));
                    double v = Math.max(0, Math.min(1, raw.getDouble((c * h + y) * w + x)));
                    assertEquals((int) Math.round(v * 255), rgba[at], "plane " + c);
                }
            }
        }
    }

    /** The heat colour of each pixel's largest channel error, full = white (an error of 0 black). */
    public static void assertErrorMap(int[] rgba, Tensor reference, Tensor actual, double full) {
        int c = (int) reference.dim(1);
        int plane = (int) (reference.dim(2) * reference.dim(3));
        double[] error = new double[plane];
        for (int ch = 0; ch < c; ch++) {
            for (int i = 0; i < plane; i++) {
                error[i] = Math.max(error[i], Math.abs(actual.getDouble(ch * plane + i) - reference.getDouble(ch * plane + i)));
            }
        }
        assertTrue(full > 0);
        for (int i = 0; i < plane; i++) {
            int rgb = HeatScale.rgb(error[i] == 0 ? 0 : (int) Math.round(Math.min(1, error[i] / full) * 255));
            assertEquals(List.of(rgb >> 16 & 0xff, rgb >> 8 & 0xff, rgb & 0xff),
                    List.of(rgba[4 * i], rgba[4 * i + 1], rgba[4 * i + 2]), "error pixel " + i);
        }
    }

    /** The largest |actual - reference| over all elements. */
    public static double maxAbs(Tensor reference, Tensor actual) {
        double max = 0;
        for (int i = 0; i < reference.elementCount(); i++) {
            max = Math.max(max, Math.abs(actual.getDouble(i) - reference.getDouble(i)));
        }
        return max;
    }
}
