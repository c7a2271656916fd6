package isptool.cli;

import isptool.backends.qnn.OnnxEncodings;
import isptool.backends.qnn.QnnEncodingsJson;
import isptool.backends.qnn.QnnFiles;
import isptool.backends.tflite.TfliteModel;
import isptool.graph.Graph;
import isptool.graph.io.OnnxExporter;
import isptool.graph.io.TempFiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * convert --backend qnn --encodings-only: OUT.onnx is the graph convert lowered (after reparam,
 * tflite-prep and any target swaps, before the TFLite layout), exported and verified against IN in
 * onnxruntime; OUT.encodings.json holds the quantized TFLite model's encodings keyed by that
 * graph's names (OnnxEncodings). It is that graph, not the one before tflite-prep, because
 * tflite-prep renumbers conv channels (a PixelShuffle's CRD DepthToSpace becomes DCR with the
 * producing conv's output channels permuted): the ONNX written holds exactly the weights whose
 * channels the per-channel scales describe, and DCR DepthToSpace is plain ONNX.
 */
final class QnnEncodingsOnly {
    /** The two files (null if the graph failed verification), the JSON for --report, the failure (null if none). */
    record Outcome(Map<String, byte[]> files, Map<String, Object> json, String failure) {
    }

    private QnnEncodingsOnly() {
    }

    /** input: IN as the user named it (for messages); reference: the file verified against (IN, or IN upgraded). */
    static Outcome run(Path input, Path reference, Path tflite, Graph g, Path output, QnnOptions options,
            VerifyOptions verify, long seed, PrintWriter out) throws IOException {
        String name = output.getFileName().toString();
        OnnxEncodings.Result enc = OnnxEncodings.of(g, TfliteModel.open(tflite));
        Path onnx = TempFiles.beside(output);
        try {
            OnnxExporter.write(g, onnx);
            Verification.Result check = verify.skip ? null : Verification.compareOnnx(reference, onnx, g, verify, seed);
            out.printf("  qnn encodings: %d activations, %d params (encodings %s); left out: %d TFLite-only tensors,"
                    + " %d ONNX values without a quantized tensor, %d float params%n", enc.activations().size(),
                    enc.params().size(), options.encodingsFormat, enc.tfliteOnly(), enc.onnxUnquantized(),
                    enc.floatParams());
            if (check != null) {
                out.printf("  %s against %s:%n", output.resolveSibling(name + ".onnx"), input);
                Reports.printVerification(out, check);
            }
            Map<String, Object> json = new LinkedHashMap<>(enc.toJson());
            json.put("encodings_format", options.encodingsFormat);
            json.put("onnx_verification", check == null ? "skipped" : check.toJson());
            if (check != null && !check.ok()) {
                return new Outcome(null, json, "the exported ONNX graph differs from the input (" + check.worst() + ")");
            }
            Map<String, byte[]> files = new LinkedHashMap<>();
            files.put(name + ".onnx", Files.readAllBytes(onnx));
            files.put(name + ".encodings.json", QnnEncodingsJson.write(enc.activations(), enc.params(),
                    options.format()).getBytes(StandardCharsets.UTF_8));
            return new Outcome(files, json, null);
        } finally {
            TempFiles.delete(onnx);
        }
    }

    /** Writes the files beside output, all or none; prints what was written. */
    static void write(Map<String, byte[]> files, Path output, PrintWriter out) throws IOException {
        for (Path p : QnnFiles.writeAll(output.toAbsolutePath().getParent(), files)) {
            out.printf("  wrote %s (%s)%n", output.resolveSibling(p.getFileName()), Reports.size(Files.size(p)));
        }
    }
}
