package isptool.backends.convert;

import isptool.backends.qnn.CorrectedBiases;
import isptool.backends.qnn.OnnxEncodings;
import isptool.backends.qnn.QnnEncodingsJson;
import isptool.backends.tflite.TfliteModel;
import isptool.backends.verify.Verification;
import isptool.graph.Graph;
import isptool.graph.io.OnnxExporter;
import isptool.graph.io.TempFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * convert --backend qnn --encodings-only: NAME.onnx is the graph the conversion lowered (after
 * reparam, tflite-prep and any target swaps, before the TFLite layout), exported and verified
 * against the input in onnxruntime; NAME.encodings.json holds the quantized TFLite model's
 * encodings keyed by that graph's names (OnnxEncodings). It is that graph, not the one before
 * tflite-prep, because tflite-prep renumbers conv channels (a PixelShuffle's CRD DepthToSpace
 * becomes DCR with the producing conv's output channels permuted): the ONNX written holds exactly
 * the weights whose channels the per-channel scales describe, and DCR DepthToSpace is plain ONNX.
 *
 * @param check   the exported ONNX against the input (null when verification is skipped)
 * @param files   NAME.onnx and NAME.encodings.json by file name (empty if it failed)
 * @param failure why it failed, or null
 */
public record EncodingsStage(OnnxEncodings.Result encodings, String encodingsFormat, Verification.Result check,
        CorrectedBiases.Result biases, Map<String, byte[]> files, String failure) {

    /**
     * reference: the file verified against (the input, or its upgraded form); tmpBeside: a file beside
     * which temporary files go; correctBiases: the quantizer corrected biases, so they are carried into
     * the ONNX written (after the export was verified as it stood: the corrected biases move the float
     * graph by the quantization error they compensate, by design).
     */
    static EncodingsStage run(Path reference, Path tflite, Graph g, ConvertRequest.Qnn settings,
            ConvertRequest.Verify verify, Path tmpBeside, boolean correctBiases) throws IOException {
        TfliteModel model = TfliteModel.open(tflite);
        Path onnx = TempFiles.beside(tmpBeside);
        try {
            OnnxExporter.write(g, onnx);
            Verification.Result check = verify.skip() ? null
                    : Verification.compareOnnx(reference, onnx, verify.inputs(), verify.described(), verify.tolerance());
            if (check != null && !check.ok()) {
                return new EncodingsStage(null, settings.encodingsFormat(), check, null, Map.of(),
                        "the exported ONNX graph differs from the input (" + check.worst() + ")");
            }
            CorrectedBiases.Result biases = null;
            if (correctBiases) {
                biases = CorrectedBiases.apply(g, model);
                OnnxExporter.write(g, onnx);
            }
            OnnxEncodings.Result enc = OnnxEncodings.of(g, model);
            Map<String, byte[]> files = new LinkedHashMap<>();
            files.put(settings.name() + ".onnx", Files.readAllBytes(onnx));
            files.put(settings.name() + ".encodings.json", QnnEncodingsJson.write(enc.activations(), enc.params(),
                    settings.format()).getBytes(StandardCharsets.UTF_8));
            return new EncodingsStage(enc, settings.encodingsFormat(), check, biases, files, null);
        } finally {
            TempFiles.delete(onnx);
        }
    }

    public Map<String, Object> toJson() {
        Map<String, Object> json = new LinkedHashMap<>(encodings == null ? Map.of() : encodings.toJson());
        json.put("encodings_format", encodingsFormat);
        json.put("onnx_verification", check == null ? "skipped" : check.toJson());
        if (biases != null) {
            json.put("corrected_biases", biases.toJson());
        }
        return json;
    }
}
