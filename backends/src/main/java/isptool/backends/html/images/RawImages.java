package isptool.backends.html.images;

import isptool.backends.calib.BayerPattern;
import isptool.graph.Shape;
import isptool.graph.Tensor;
import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;

/**
 * Pictures of a packed RAW input [N, 4, H, W] (planes R, G1, G2, B, as {@link BayerPattern}
 * packs them): the sensor's mosaic, 2H x 2W grey with each plane back at its place in the 2x2
 * block, and an H x W RGB preview (R, (G1 + G2) / 2, B).
 */
public final class RawImages {
    private RawImages() {
    }

    /** True for [N, 4, H, W], the packed planes of a Bayer mosaic. */
    public static boolean isPackedRaw(long[] shape) {
        return TensorImages.isImage(shape) && shape[1] == 4;
    }

    /** The 2H x 2W grey mosaic of batch 0: plane c at row 2y + pattern.row(c), column 2x + pattern.column(c). */
    public static BufferedImage mosaic(Tensor raw, BayerPattern pattern, PixelRange range) {
        check(raw);
        int h = (int) raw.dim(2);
        int w = (int) raw.dim(3);
        BufferedImage img = new BufferedImage(2 * w, 2 * h, BufferedImage.TYPE_BYTE_GRAY);
        WritableRaster raster = img.getRaster();
        for (int c = 0; c < 4; c++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    double v = raw.getDouble((c * h + y) * w + x);
                    raster.setSample(2 * x + pattern.column(c), 2 * y + pattern.row(c), 0, range.level(v));
                }
            }
        }
        return img;
    }

    /** The H x W RGB preview of batch 0: R, the mean of both greens, B. */
    public static BufferedImage preview(Tensor raw, PixelRange range) {
        check(raw);
        int h = (int) raw.dim(2);
        int w = (int) raw.dim(3);
        int plane = h * w;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        WritableRaster raster = img.getRaster();
        for (int i = 0; i < plane; i++) {
            int x = i % w;
            int y = i / w;
            raster.setSample(x, y, 0, range.level(raw.getDouble(i)));
            raster.setSample(x, y, 1, range.level((raw.getDouble(plane + i) + raw.getDouble(2 * plane + i)) / 2));
            raster.setSample(x, y, 2, range.level(raw.getDouble(3 * plane + i)));
        }
        return img;
    }

    private static void check(Tensor raw) {
        if (!isPackedRaw(raw.shape())) {
            throw new IllegalArgumentException("tensor of shape " + Shape.of(raw.shape())
                    + " is not a packed RAW image: give [N, 4, H, W] (planes R, G1, G2, B)");
        }
    }
}
