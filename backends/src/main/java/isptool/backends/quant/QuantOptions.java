package isptool.backends.quant;

import java.util.regex.Pattern;

/**
 * What convert's quantization options ask for.
 *
 * @param floatOps ONNX node names matching this stay float (mixed precision); null for none
 */
public record QuantOptions(Precision precision, IoType ioType, CalibrationMethod method, boolean biasCorrection,
        Pattern floatOps) {
}
