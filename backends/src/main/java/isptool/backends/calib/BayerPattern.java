package isptool.backends.calib;

/**
 * The colour filter layout of a RAW sensor image, named by its top-left 2x2 block read row by row.
 * Packing turns an H x W mosaic into four H/2 x W/2 planes, always in the order R, G1, G2, B
 * whatever the pattern: G1 is the green on the red pixels' rows, G2 the green on the blue pixels' rows.
 */
public enum BayerPattern {
    RGGB(0, 0, 0, 1, 1, 0, 1, 1),
    BGGR(1, 1, 1, 0, 0, 1, 0, 0),
    GRBG(0, 1, 0, 0, 1, 1, 1, 0),
    GBRG(1, 0, 1, 1, 0, 0, 0, 1);

    /** Row and column inside the 2x2 block of R, G1, G2 and B, in that order: {r0, c0, r1, c1, ...}. */
    private final int[] offsets;

    BayerPattern(int... offsets) {
        this.offsets = offsets;
    }

    /** Row (0 or 1) inside the 2x2 block of packed channel c (0 R, 1 G1, 2 G2, 3 B). */
    public int row(int c) {
        return offsets[2 * c];
    }

    /** Column (0 or 1) inside the 2x2 block of packed channel c (0 R, 1 G1, 2 G2, 3 B). */
    public int column(int c) {
        return offsets[2 * c + 1];
    }

    /**
     * Packs a single-plane mosaic (row-major, height x width, both even) into planes R, G1, G2, B of
     * height/2 x width/2 each, concatenated channel-first.
     */
    public int[] pack(int[] mosaic, int height, int width) {
        int h = height / 2;
        int w = width / 2;
        int[] out = new int[4 * h * w];
        for (int c = 0; c < 4; c++) {
            int dy = row(c);
            int dx = column(c);
            for (int y = 0; y < h; y++) {
                int src = (2 * y + dy) * width + dx;
                int dst = (c * h + y) * w;
                for (int x = 0; x < w; x++) {
                    out[dst + x] = mosaic[src + 2 * x];
                }
            }
        }
        return out;
    }
}
