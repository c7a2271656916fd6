package isptool.backends.quant;

import java.util.regex.Pattern;

/**
 * What convert's quantization options ask for.
 *
 * @param floatOps ONNX node names matching this stay float (mixed precision); null for none
 * @param strictInt8 no automatic float op: an int8 LOGISTIC/TANH output whose fixed scale caps the
 *     output's PSNR stays int8 ({@link FixedScaleOutputs})
 */
public record QuantOptions(Precision precision, IoType ioType, CalibrationMethod method, boolean biasCorrection,
        Pattern floatOps, boolean strictInt8) {
    public QuantOptions(Precision precision, IoType ioType, CalibrationMethod method, boolean biasCorrection,
            Pattern floatOps) {
        this(precision, ioType, method, biasCorrection, floatOps, false);
    }

    /** The same options with other model input/output types. */
    public QuantOptions withIoType(IoType io) {
        return new QuantOptions(precision, io, method, biasCorrection, floatOps, strictInt8);
    }
}
