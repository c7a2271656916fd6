package isptool.cli;

import isptool.graph.io.AtomicFiles;
import isptool.graph.io.OnnxExporter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The files around a command that turns one model into another: the loaded model, the ONNX
 * file to verify against (the input itself, or its opset-7 form when onnxruntime cannot run the
 * input's opset) and a temporary output beside OUT. Temporary files are removed however the
 * command ends.
 */
final class ModelJob {
    interface Body {
        int run(ModelLoading.Loaded loaded, Path reference, Path tmp) throws Exception;
    }

    private ModelJob() {
    }

    static int run(Path input, Path output, List<String> inputShapes, Body body) throws Exception {
        ModelLoading.Loaded loaded = ModelLoading.load(input, inputShapes);
        Path reference = loaded.upgraded() ? AtomicFiles.temporaryBeside(output) : input;
        Path tmp = AtomicFiles.temporaryBeside(output);
        try {
            if (loaded.upgraded()) {
                OnnxExporter.write(loaded.graph(), reference);
            }
            return body.run(loaded, reference, tmp);
        } finally {
            Files.deleteIfExists(tmp);
            if (reference != input) {
                Files.deleteIfExists(reference);
            }
        }
    }
}
