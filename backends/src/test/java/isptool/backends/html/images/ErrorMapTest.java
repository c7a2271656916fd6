package isptool.backends.html.images;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;


import isptool.graph.Tensor;
import java.awt.image.Raster;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class ErrorMapTest {

    /** The largest |a - r| over the channels of pixel i. */
    static double pixelError(Tensor r, Tensor a, int i) {
        int c = (int) r.dim(1);
        int plane = (int) (r.dim(2) * r.dim(3));
        double e = 0;
        for (int ch = 0; ch < c; ch++) {
            e = Math.max(e, Math.abs(a.getDouble(ch * plane + i) - r.getDouble(ch * plane + i)));
        }
        return e;
    }

    /** The hot scale written out: black, red, yellow, white at t = 0, 1/3, 2/3, 1. */
    static int[] hot(double t) {
        return new int[] {(int) Math.round(Math.max(0, Math.min(1, 3 * t)) * 255),
                (int) Math.round(Math.max(0, Math.min(1, 3 * t - 1)) * 255),
                (int) Math.round(Math.max(0, Math.min(1, 3 * t - 2)) * 255)};
    }

    static void assertHeat(ErrorMap map, Tensor r, Tensor a) throws IOException {
        Raster px = TensorImagesTest.decoded(map.image());
        int w = (int) r.dim(3);
        assertEquals(w, px.getWidth());
        assertEquals((int) r.dim(2), px.getHeight());
        for (int i = 0; i < w * r.dim(2); i++) {
            double t = Math.min(1, pixelError(r, a, i) / map.fullScale());
            int[] rgb = hot(Math.round(t * 255) / 255.0);
            for (int b = 0; b < 3; b++) {
                assertEquals(rgb[b], px.getSample(i % w, i / w, b), "pixel " + i + " band " + b);
            }
        }
    }

    @Test
    void maxAbsScaleMakesTheWorstPixelWhite() throws IOException {
        Tensor r = TensorImagesTest.random(1, 0, 1, 1, 3, 6, 5);
        Tensor a = TensorImagesTest.random(2, 0, 1, 1, 3, 6, 5);
        ErrorMap map = ErrorMap.of(r, a, new ErrorMap.Scale.MaxAbs());
        double worst = 0;
        for (int i = 0; i < 30; i++) {
            worst = Math.max(worst, pixelError(r, a, i));
        }
        assertEquals(worst, map.maxAbs());
        assertEquals(worst, map.fullScale());
        assertHeat(map, r, a);
        assertEquals(String.format(java.util.Locale.ROOT, "error colour scale: black = 0, white = %.3g or more: the"
                + " largest error", worst), ErrorLegend.caption(map));
    }

    @Test
    void fixedAmplificationSaturatesLargeErrors() throws IOException {
        Tensor r = TensorImagesTest.random(3, 0, 1, 1, 1, 8, 8);
        Tensor a = TensorImagesTest.random(4, 0, 1, 1, 1, 8, 8);
        ErrorMap map = ErrorMap.of(r, a, new ErrorMap.Scale.Amplified(10, PixelRange.UNIT));
        assertEquals(0.1, map.fullScale(), 1e-15);
        assertEquals("error ×10, 1/10 of the pixel range", map.scale());
        assertHeat(map, r, a);
        assertEquals("error colour scale: black = 0, white = 0.100 or more: error ×10, 1/10 of the pixel range",
                ErrorLegend.caption(map));
    }

    @Test
    void legendColumnXIsLevelX() throws IOException {
        Raster px = TensorImagesTest.decoded(ErrorLegend.image());
        assertEquals(256, px.getWidth());
        for (int x = 0; x < 256; x++) {
            int[] rgb = hot(x / 255.0);
            for (int b = 0; b < 3; b++) {
                assertEquals(rgb[b], px.getSample(x, 5, b), "column " + x);
            }
        }
    }

    @Test
    void equalImagesAreBlackAndDifferentShapesAreRefused() throws IOException {
        Tensor r = TensorImagesTest.random(5, 0, 1, 1, 3, 4, 4);
        ErrorMap same = ErrorMap.of(r, r, new ErrorMap.Scale.MaxAbs());
        assertEquals(0, same.maxAbs());
        assertEquals("no difference: every pixel equal", same.scale());
        Raster px = TensorImagesTest.decoded(same.image());
        for (int i = 0; i < 16; i++) {
            assertEquals(0, px.getSample(i % 4, i / 4, 0) + px.getSample(i % 4, i / 4, 1) + px.getSample(i % 4, i / 4, 2));
        }
        assertThrows(IllegalArgumentException.class,
                () -> ErrorMap.of(r, TensorImagesTest.random(5, 0, 1, 1, 3, 4, 5), new ErrorMap.Scale.MaxAbs()));
    }
}
