package isptool.backends.quant;

/** The number formats convert can write: float32, float16 weights, full int8, int16 activations with int8 weights. */
public enum Precision {
    FP32, FP16, INT8, INT16X8;

    /** True for the integer formats, which need calibration data. */
    public boolean isInteger() {
        return this == INT8 || this == INT16X8;
    }
}
