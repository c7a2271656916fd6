package isptool.backends.quant;

import java.util.regex.Pattern;

/**
 * What convert's quantization options ask for.
 *
 * @param floatOps ONNX node names matching this stay float (mixed precision); null for none
 * @param strictInt8 no automatic float op: an int8 LOGISTIC/TANH output whose fixed scale caps the
 *     output's PSNR stays int8 ({@link FixedScaleOutputs})
 * @param equalize cross-layer equalization of the graph before an integer quantization (--cle)
 * @param adaround weight rounding chosen per layer on the calibration activations (--adaround)
 * @param int16Ops in an int8 model, ONNX node names matching this get int16 activations (16x8
 *     kernels); null for none
 */
public record QuantOptions(Precision precision, IoType ioType, CalibrationMethod method, boolean biasCorrection,
        Pattern floatOps, boolean strictInt8, boolean equalize, boolean adaround, Pattern int16Ops) {
    public QuantOptions(Precision precision, IoType ioType, CalibrationMethod method, boolean biasCorrection,
            Pattern floatOps, boolean strictInt8) {
        this(precision, ioType, method, biasCorrection, floatOps, strictInt8, false, false, null);
    }

    public QuantOptions(Precision precision, IoType ioType, CalibrationMethod method, boolean biasCorrection,
            Pattern floatOps) {
        this(precision, ioType, method, biasCorrection, floatOps, false);
    }

    /** The same options with another precision, I/O type, float nodes and int16 nodes (what --precision auto varies). */
    public QuantOptions with(Precision p, IoType io, Pattern floats, Pattern int16s) {
        return new QuantOptions(p, io, method, biasCorrection, floats, strictInt8, equalize, adaround, int16s);
    }

    /** The same options with another I/O type. */
    public QuantOptions withIoType(IoType io) {
        return with(precision, io, floatOps, int16Ops);
    }

    /** The same options with cross-layer equalization and AdaRound switched as given. */
    public QuantOptions withTechniques(boolean cle, boolean ada) {
        return new QuantOptions(precision, ioType, method, biasCorrection, floatOps, strictInt8, cle, ada, int16Ops);
    }
}
