package isptool.backends.quant;

/** How an activation's observed values become its quantization range. */
public enum CalibrationMethod {
    /** The smallest and largest value seen. */
    MINMAX,
    /** A high percentile of |x| (outliers clipped). */
    PERCENTILE,
    /** The clipping range that minimises the expected squared quantization error over the observed histogram. */
    MSE
}
