package isptool.backends.html.images;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import isptool.graph.Tensor;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class TensorImagesTest {

    static Tensor random(long seed, double lo, double hi, long... shape) {
        Random r = new Random(seed);
        int n = 1;
        for (long d : shape) {
            n *= (int) d;
        }
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (lo + (hi - lo) * r.nextDouble());
        }
        return Tensor.ofFloats(shape, v);
    }

    /** The PNG's pixels as the browser gets them: encoded, then decoded by ImageIO. */
    static Raster decoded(BufferedImage img) throws IOException {
        BufferedImage back = ImageIO.read(new ByteArrayInputStream(Png.bytes(img)));
        return back.getRaster();
    }

    /** The quantization rule, written out: round(clamp((v - lo) / (hi - lo), 0, 1) * 255). */
    static int expected(double v, double lo, double hi) {
        double x = Math.max(0, Math.min(1, (v - lo) / (hi - lo)));
        return (int) Math.round(x * 255);
    }

    @Test
    void greyRgbAndRgbaPixelsAreTheTensorsQuantizedInOneRange() throws IOException {
        for (int c : new int[] {1, 3, 4}) {
            Tensor t = random(c, -0.02, 1.02, 2, c, 5, 7); // batch 1 differs and must not show
            PixelRange range = PixelRange.of(t);
            assertEquals(PixelRange.UNIT, range, "a [0, 1] image with a small overshoot is clamped, not stretched");
            Raster px = decoded(TensorImages.image(t));
            assertEquals(7, px.getWidth());
            assertEquals(5, px.getHeight());
            assertEquals(c, px.getNumBands());
            int clamped = 0;
            for (int ch = 0; ch < c; ch++) {
                for (int y = 0; y < 5; y++) {
                    for (int x = 0; x < 7; x++) {
                        double v = t.getDouble((ch * 5 + y) * 7 + x);
                        assertEquals(expected(v, 0, 1), px.getSample(x, y, ch), c + " channels at " + ch + "," + y + "," + x);
                        clamped += v < 0 || v > 1 ? 1 : 0;
                    }
                }
            }
            assertTrue(clamped > 0, "the sample overshoots somewhere");
        }
    }

    @Test
    void valuesClearlyOutsideZeroOneAreStretchedFromMinToMax() throws IOException {
        Tensor t = random(7, -0.4, 0.35, 1, 3, 4, 6);
        PixelRange range = PixelRange.of(t);
        assertTrue(range.stretched());
        double[] all = t.toDoubles();
        double min = java.util.Arrays.stream(all).min().orElseThrow();
        double max = java.util.Arrays.stream(all).max().orElseThrow();
        assertEquals(min, range.lo());
        assertEquals(max, range.hi());
        assertTrue(range.describe().contains("stretched"), range.describe());
        Raster px = decoded(TensorImages.image(t, range));
        int black = 0;
        int white = 0;
        for (int ch = 0; ch < 3; ch++) {
            for (int i = 0; i < 24; i++) {
                int s = px.getSample(i % 6, i / 6, ch);
                assertEquals(expected(t.getDouble(ch * 24 + i), min, max), s);
                black += s == 0 ? 1 : 0;
                white += s == 255 ? 1 : 0;
            }
        }
        assertEquals(1, black, "only the minimum is black");
        assertEquals(1, white, "only the maximum is white");
        assertEquals("values in [0, 1], clamped", PixelRange.of(Tensor.ofFloats(new long[] {1, 1, 1, 2},
                new float[] {0.5f, 0.5f})).describe(), "a flat image is shown as [0, 1]");
    }

    @Test
    void shapesThatAreNotImagesAreRefusedWithTheShape() {
        assertFalse(TensorImages.isImage(new long[] {1, 2, 4, 4}));
        assertFalse(TensorImages.isImage(new long[] {3, 4, 4}));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TensorImages.image(random(1, 0, 1, 1, 2, 3, 3)));
        assertTrue(e.getMessage().startsWith("tensor of shape [1,2,3,3] is not an image"), e.getMessage());
    }
}
