package isptool.backends.html.images;

/**
 * The colour scale of error maps, black → red → yellow → white ("hot"): for t = level / 255,
 * red = clamp(3t), green = clamp(3t - 1), blue = clamp(3t - 2), each rounded to 8 bits. Linear
 * between the stops at t = 0, 1/3, 2/3 and 1, so an SVG gradient with those stops draws its legend.
 */
public final class HeatScale {
    /** The gradient's stops as (offset, #rrggbb). */
    public static final String[][] STOPS = {{"0", "#000000"}, {"0.3333", "#ff0000"}, {"0.6667", "#ffff00"},
            {"1", "#ffffff"}};

    private HeatScale() {
    }

    /** The 0xRRGGBB colour of an 8-bit level. */
    public static int rgb(int level) {
        double t = level / 255.0;
        return channel(3 * t) << 16 | channel(3 * t - 1) << 8 | channel(3 * t - 2);
    }

    private static int channel(double x) {
        return (int) Math.round(Math.max(0, Math.min(1, x)) * 255);
    }
}
