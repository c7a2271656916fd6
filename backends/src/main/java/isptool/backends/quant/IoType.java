package isptool.backends.quant;

/** The type of an integer model's inputs and outputs. */
public enum IoType {
    /** Float inputs and outputs: a QUANTIZE after each input, a DEQUANTIZE before each output. */
    FLOAT32,
    INT8,
    UINT8
}
