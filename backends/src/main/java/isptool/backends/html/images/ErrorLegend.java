package isptool.backends.html.images;

import java.awt.image.BufferedImage;
import java.util.Locale;

/**
 * The colour bar under an error map: the {@link HeatScale}'s 256 levels left to right (column x is
 * level x), with a caption saying what black and white stand for.
 */
public final class ErrorLegend {
    public static final int WIDTH = 256;
    public static final int HEIGHT = 12;

    private ErrorLegend() {
    }

    public static BufferedImage image() {
        BufferedImage img = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        for (int x = 0; x < WIDTH; x++) {
            for (int y = 0; y < HEIGHT; y++) {
                img.setRGB(x, y, HeatScale.rgb(x));
            }
        }
        return img;
    }

    /** E.g. "error colour scale: black = 0, white = 0.0123 or more: the largest error". */
    public static String caption(ErrorMap map) {
        if (map.fullScale() == 0) {
            return "error colour scale: " + map.scale() + " (all black)";
        }
        return String.format(Locale.ROOT, "error colour scale: black = 0, white = %.3g or more: %s", map.fullScale(),
                map.scale());
    }
}
