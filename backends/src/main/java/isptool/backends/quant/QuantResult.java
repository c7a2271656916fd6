package isptool.backends.quant;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What the quantizer made.
 *
 * @param model the quantized model, written on demand (atomically, by rename: a file it replaces
 *     may still be mapped); FP16 models are assembled in a file mapping, not on the heap
 * @param floatNodes ONNX node names kept in float (--float-ops or no integer kernel)
 * @param summary JSON-ready facts (precision, method, tensors quantized, ops by type, ranges chosen, ...)
 */
public record QuantResult(Model model, List<String> floatNodes, Map<String, Object> summary) {
    /** A quantized .tflite model waiting to be written. */
    @FunctionalInterface
    public interface Model {
        void write(Path target) throws IOException;
    }
}
