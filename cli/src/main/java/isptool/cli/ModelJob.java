package isptool.cli;

import isptool.graph.ModelException;
import isptool.graph.io.AtomicFiles;
import isptool.graph.io.TempFiles;
import java.io.IOException;
import isptool.graph.io.OnnxExporter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The files around a command that turns one model into another: the loaded model, the ONNX
 * file to verify against (the input itself, or its opset-7 form when onnxruntime cannot run the
 * input's opset) and the name of a temporary output beside OUT, created only when the result is
 * written. Temporary files are removed however the command ends.
 */
final class ModelJob {
    interface Body {
        int run(ModelLoading.Loaded loaded, Path reference, Path tmp) throws Exception;
    }

    private ModelJob() {
    }

    static int run(Path input, Path output, Path report, List<String> inputShapes, Body body) throws Exception {
        checkOutputs(input, output, report);
        ModelLoading.Loaded loaded = ModelLoading.load(input, inputShapes);
        Path reference = loaded.upgraded() ? TempFiles.beside(output) : input;
        Path tmp = TempFiles.beside(output);
        try {
            if (loaded.upgraded()) {
                OnnxExporter.write(loaded.graph(), reference);
            }
            return body.run(loaded, reference, tmp);
        } finally {
            TempFiles.delete(tmp);
            if (reference != input) {
                TempFiles.delete(reference);
            }
        }
    }

    /**
     * Before any work: neither OUT nor the report may be the input (by any name or link), nor the
     * same file as each other, and both must be writable (folder creatable, a file creatable in it).
     */
    static void checkOutputs(Path input, Path output, Path report) throws IOException {
        checkNotInput(input, output, "-o");
        if (report != null) {
            checkNotInput(input, report, "--report");
        }
        if (report != null && (report.toAbsolutePath().normalize().equals(output.toAbsolutePath().normalize())
                || Files.exists(report) && Files.exists(output) && Files.isSameFile(report, output))) {
            throw new ModelException(report + ": --report names the same file as -o; give the report its own name");
        }
        AtomicFiles.checkWritable(output);
        if (report != null) {
            AtomicFiles.checkWritable(report);
        }
    }

    /** Refuses an output (given with option) that is the input file by any name or link. */
    static void checkNotInput(Path input, Path out, String option) throws IOException {
        if (Files.exists(input) && Files.exists(out) && Files.isSameFile(input, out)) {
            throw new ModelException(out + ": " + option + " names the input model " + input
                    + ", which would be overwritten; write to another file");
        }
    }
}
