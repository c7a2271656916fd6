package isptool.backends.convert;

import isptool.backends.calib.CalibrationInputs;
import isptool.backends.qnn.QnnEncodingsJson;
import isptool.backends.quant.QuantOptions;
import isptool.graph.Tensor;
import isptool.passes.target.TargetCaps;
import java.nio.file.Path;
import java.util.Map;

/**
 * What one conversion is asked to do (the options of {@code isptool convert}, parsed and checked).
 *
 * @param input        the model as the user named it (for messages)
 * @param reference    the ONNX file onnxruntime runs as the reference: the input, or its upgraded form
 * @param reparam      fold re-parameterizable blocks first
 * @param nhwcIo       rank-4 inputs and outputs in NHWC (else NCHW with a TRANSPOSE at each)
 * @param caps         the target whose swaps to make and whose rules to check, or null
 * @param quant        precision and quantization options (fp32: no quantization)
 * @param ioTypeGiven  the user chose the I/O type (a target does not change it then)
 * @param auto         choose the precision plan (--precision auto) reaching minPsnr
 * @param minPsnr      the PSNR floor of every output (NaN: none)
 * @param calibration  calibration samples, or null
 * @param verify       the input the float model is verified on (within tolerance)
 * @param heldOut      the input a quantized model's quality is measured and gated on: the verification
 *                     input, or a calibration sample held out of the calibration
 * @param perLayer     per-layer quality rows
 * @param backend      what is written
 * @param qnn          the QNN files' settings (with the QNN backends)
 */
public record ConvertRequest(Path input, Path reference, boolean reparam, boolean nhwcIo, TargetCaps caps,
        QuantOptions quant, boolean ioTypeGiven, boolean auto, double minPsnr, CalibrationInputs calibration,
        Verify verify, HeldOut heldOut, boolean perLayer, Backend backend, Qnn qnn) {

    /** What the conversion writes. */
    public enum Backend {
        /** OUT.tflite. */
        TFLITE,
        /** NAME.cpp, NAME.bin, NAME_net.json, NAME.encodings.json. */
        QNN,
        /** NAME.onnx and NAME.encodings.json for Qualcomm's own converter. */
        QNN_ENCODINGS
    }

    /**
     * The held-out input: the float model is verified on it against onnxruntime within tolerance
     * (unless skip) and a quantized model's quality is measured on it.
     */
    public record Verify(Map<String, Tensor> inputs, String described, double tolerance, boolean skip) {
    }

    /**
     * The input a quantized model is measured on, what it is ("calibration sample x.png, held out"),
     * and whether it was taken out of the calibration samples (else it is the verification input).
     */
    public record HeldOut(Map<String, Tensor> inputs, String described, boolean fromCalibration) {
    }

    /** The QNN files: their stem, tensor version, encodings format (1.0.0|legacy), the command that made them. */
    public record Qnn(String name, int tensorVersion, String encodingsFormat, String commandLine) {
        QnnEncodingsJson.Format format() {
            return QnnStage.format(encodingsFormat);
        }
    }
}
