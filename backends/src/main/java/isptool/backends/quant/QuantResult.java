package isptool.backends.quant;

import java.util.List;
import java.util.Map;

/**
 * What the quantizer made.
 *
 * @param model the quantized .tflite bytes
 * @param floatNodes ONNX node names kept in float (--float-ops or no integer kernel)
 * @param summary JSON-ready facts (precision, method, tensors quantized, ops by type, ranges chosen, ...)
 */
public record QuantResult(byte[] model, List<String> floatNodes, Map<String, Object> summary) {
}
