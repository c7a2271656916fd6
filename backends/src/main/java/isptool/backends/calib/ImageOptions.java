package isptool.backends.calib;

import isptool.graph.ModelException;

/**
 * How image pixels become the network's input values: each sample times scale, then per channel
 * {@code (x - mean[c]) / std[c]}, after optional Bayer packing. Does not apply to .npy tensors,
 * which are taken as they are.
 *
 * @param scale factor applied to the integer samples; null for 1 / (2^bits - 1) (1/255 for 8-bit, 1/65535 for 16-bit)
 * @param mean one value for every channel, or one per channel; null for 0
 * @param std one value for every channel, or one per channel; null for 1
 * @param bayer pack a single-channel RAW mosaic into R, G1, G2, B half-resolution planes; null for none
 */
public record ImageOptions(Double scale, double[] mean, double[] std, BayerPattern bayer) {
    /** Plain images scaled to [0, 1]. */
    public static final ImageOptions DEFAULT = new ImageOptions(null, null, null, null);

    /** The scale for samples of the given bit depth. */
    double scaleFor(int bits) {
        return scale != null ? scale : 1.0 / ((1L << bits) - 1);
    }

    /** mean[c] for a channel of an image with the given number of channels (checked by {@link #check}). */
    double meanOf(int c) {
        return mean == null ? 0 : mean[mean.length == 1 ? 0 : c];
    }

    double stdOf(int c) {
        return std == null ? 1 : std[std.length == 1 ? 0 : c];
    }

    /** Refuses a mean or std whose length is neither 1 nor the channel count, a zero std, a non-positive scale. */
    void check(int channels, String input) {
        if (scale != null && !(scale > 0 && Double.isFinite(scale))) {
            throw new ModelException("--calib-scale must be a positive number, not " + scale);
        }
        for (double[] v : new double[][] {mean, std}) {
            if (v != null && v.length != 1 && v.length != channels) {
                throw new ModelException((v == mean ? "--mean" : "--std") + " gives " + v.length
                        + " values but input \"" + input + "\" has " + channels + " channels; give 1 or " + channels);
            }
        }
        if (std != null) {
            for (double s : std) {
                if (s == 0 || !Double.isFinite(s)) {
                    throw new ModelException("--std values must be finite and non-zero, not " + s);
                }
            }
        }
    }
}
