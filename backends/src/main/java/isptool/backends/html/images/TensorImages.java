package isptool.backends.html.images;

import isptool.graph.Tensor;
import isptool.graph.Shape;
import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;

/**
 * Pictures of image tensors: a rank-4 NCHW tensor with 1, 3 or 4 channels (batch 0) as a grey,
 * RGB or RGBA image, every channel through the same {@link PixelRange} so that colours keep their
 * balance.
 */
public final class TensorImages {
    private TensorImages() {
    }

    /** True for a tensor shape this class draws: [N, 1|3|4, H, W] with N, H, W at least 1. */
    public static boolean isImage(long[] shape) {
        return shape.length == 4 && shape[0] >= 1 && (shape[1] == 1 || shape[1] == 3 || shape[1] == 4)
                && shape[2] >= 1 && shape[3] >= 1 && shape[2] * shape[3] <= Integer.MAX_VALUE;
    }

    /** Batch 0 of t in the range the values call for ({@link PixelRange#of}). */
    public static BufferedImage image(Tensor t) {
        return image(t, PixelRange.of(t));
    }

    /** Batch 0 of t, values mapped to 8 bits by range. */
    public static BufferedImage image(Tensor t, PixelRange range) {
        if (!isImage(t.shape())) {
            throw new IllegalArgumentException("tensor of shape " + Shape.of(t.shape())
                    + " is not an image: give [N, 1|3|4, H, W]");
        }
        int c = (int) t.dim(1);
        int h = (int) t.dim(2);
        int w = (int) t.dim(3);
        int type = c == 1 ? BufferedImage.TYPE_BYTE_GRAY : c == 3 ? BufferedImage.TYPE_INT_RGB
                : BufferedImage.TYPE_INT_ARGB;
        BufferedImage img = new BufferedImage(w, h, type);
        WritableRaster raster = img.getRaster();
        for (int ch = 0; ch < c; ch++) {
            int base = ch * h * w;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    raster.setSample(x, y, ch, range.level(t.getDouble(base + y * w + x)));
                }
            }
        }
        return img;
    }
}
