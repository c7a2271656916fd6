package isptool.cli;

import isptool.backends.quant.Precision;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** convert's backend choice and the QNN backend's file options. */
final class QnnOptions {
    @Option(names = "--backend", defaultValue = "tflite", paramLabel = "tflite|qnn",
            description = "What to write: tflite (default, OUT.tflite) or qnn (OUT names the files OUT.cpp, OUT.bin,"
                    + " OUT_net.json and OUT.encodings.json for Qualcomm's model-library generator, checked in a"
                    + " quantization simulator).")
    String backend;

    @Option(names = "--qnn-tensor-version", defaultValue = "1", paramLabel = "1|2",
            description = "Qnn_Tensor_t version in OUT.cpp: 1 (default, the widest SDK range) or 2 (newer SDKs).")
    int tensorVersion;

    @Option(names = "--encodings-format", defaultValue = "1.0.0", paramLabel = "1.0.0|legacy",
            description = "Format of OUT.encodings.json: 1.0.0 (default) or legacy (older converters).")
    String encodingsFormat;

    @Option(names = "--encodings-only", description = "With --backend qnn and --precision int8 or int16x8: write"
            + " OUT.onnx (the folded graph that was quantized, verified against IN in onnxruntime) and"
            + " OUT.encodings.json keyed by its tensor names, for qnn-onnx-converter --quantization_overrides,"
            + " instead of the QNN model files.")
    boolean encodingsOnly;

    boolean isQnn() {
        return backend.equals("qnn");
    }

    void check(CommandLine cl) {
        if (!backend.equals("tflite") && !backend.equals("qnn")) {
            throw new CommandLine.ParameterException(cl, "--backend must be tflite or qnn, not \"" + backend + "\"");
        }
        if (tensorVersion != 1 && tensorVersion != 2) {
            throw new CommandLine.ParameterException(cl, "--qnn-tensor-version must be 1 or 2, not " + tensorVersion);
        }
        if (!encodingsFormat.equals("1.0.0") && !encodingsFormat.equals("legacy")) {
            throw new CommandLine.ParameterException(cl, "--encodings-format must be 1.0.0 or legacy, not \""
                    + encodingsFormat + "\"");
        }
    }

    /**
     * --encodings-only needs --backend qnn and an integer precision; options that shape files it
     * does not write (--qnn-tensor-version, --io-layout) are refused rather than ignored.
     */
    void checkEncodingsOnly(CommandLine cl, Precision precision, boolean auto) {
        if (!encodingsOnly) {
            return;
        }
        if (!isQnn()) {
            throw new CommandLine.ParameterException(cl, "--encodings-only needs --backend qnn");
        }
        if (auto || precision != Precision.INT8 && precision != Precision.INT16X8) {
            throw new CommandLine.ParameterException(cl, "--encodings-only needs --precision int8 or int16x8 (the"
                    + " encodings are integer ones)");
        }
        for (String option : new String[] {"--qnn-tensor-version", "--io-layout", "--io-type"}) {
            if (cl.getParseResult().hasMatchedOption(option)) {
                throw new CommandLine.ParameterException(cl, option + " shapes files --encodings-only does not"
                        + " write (it writes OUT.onnx and OUT.encodings.json); drop it");
            }
        }
    }
}
