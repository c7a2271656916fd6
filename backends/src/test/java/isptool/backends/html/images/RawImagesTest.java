package isptool.backends.html.images;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import isptool.backends.calib.BayerPattern;
import isptool.graph.Tensor;
import java.awt.image.Raster;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class RawImagesTest {

    @Test
    void mosaicPutsEachPlaneBackAtItsPlaceInTheTwoByTwoBlock() throws IOException {
        // plane c holds 0.1 * (c + 1) + 0.01 * (y * W + x): its level says which plane and which pixel
        int h = 3;
        int w = 4;
        float[] v = new float[4 * h * w];
        for (int c = 0; c < 4; c++) {
            for (int i = 0; i < h * w; i++) {
                v[c * h * w + i] = (float) (0.1 * (c + 1) + 0.01 * i);
            }
        }
        Tensor raw = Tensor.ofFloats(new long[] {1, 4, h, w}, v);
        // RGGB: R G1 / G2 B; BGGR: B G2 / G1 R (packing keeps R, G1, G2, B order)
        int[][] planeAt = {{0, 1, 2, 3}, {3, 2, 1, 0}};
        BayerPattern[] patterns = {BayerPattern.RGGB, BayerPattern.BGGR};
        for (int p = 0; p < 2; p++) {
            Raster px = TensorImagesTest.decoded(RawImages.mosaic(raw, patterns[p], PixelRange.UNIT));
            assertEquals(2 * w, px.getWidth());
            assertEquals(2 * h, px.getHeight());
            assertEquals(1, px.getNumBands());
            for (int y = 0; y < 2 * h; y++) {
                for (int x = 0; x < 2 * w; x++) {
                    int plane = planeAt[p][(y % 2) * 2 + x % 2];
                    double value = v[(plane * h + y / 2) * w + x / 2];
                    assertEquals(TensorImagesTest.expected(value, 0, 1), px.getSample(x, y, 0),
                            patterns[p] + " at " + x + "," + y);
                }
            }
        }
    }

    @Test
    void previewIsRedTheMeanOfBothGreensAndBlue() throws IOException {
        Tensor raw = TensorImagesTest.random(3, 0, 1, 1, 4, 5, 6);
        Raster px = TensorImagesTest.decoded(RawImages.preview(raw, PixelRange.of(raw)));
        assertEquals(6, px.getWidth());
        assertEquals(5, px.getHeight());
        for (int i = 0; i < 30; i++) {
            int x = i % 6;
            int y = i / 6;
            assertEquals(TensorImagesTest.expected(raw.getDouble(i), 0, 1), px.getSample(x, y, 0));
            double green = (raw.getDouble(30 + i) + raw.getDouble(60 + i)) / 2;
            assertEquals(TensorImagesTest.expected(green, 0, 1), px.getSample(x, y, 1));
            assertEquals(TensorImagesTest.expected(raw.getDouble(90 + i), 0, 1), px.getSample(x, y, 2));
        }
    }

    @Test
    void onlyFourPlanesArePackedRaw() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RawImages.preview(TensorImagesTest.random(1, 0, 1, 1, 3, 2, 2), PixelRange.UNIT));
        assertEquals("tensor of shape [1,3,2,2] is not a packed RAW image: give [N, 4, H, W] (planes R, G1, G2, B)",
                e.getMessage());
    }
}
