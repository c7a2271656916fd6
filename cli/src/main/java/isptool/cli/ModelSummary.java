package isptool.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code isptool inspect} tells about a model of either format: inputs and outputs with
 * types and shapes, op histogram, parameters, convolution MACs and transposes; {@code extra}
 * holds what only one format has (TFLite tensor types, quantization).
 */
record ModelSummary(String format, List<String> inputs, List<String> outputs, Map<String, Integer> ops,
        long parameters, long parameterBytes, long convMacs, int convsWithUnknownShape, int transposes,
        Map<String, Object> extra) {

    Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", format);
        m.put("inputs", inputs);
        m.put("outputs", outputs);
        m.put("ops", ops);
        m.put("parameters", parameters);
        m.put("parameter_bytes", parameterBytes);
        m.put("conv_macs", convMacs);
        m.put("convs_with_unknown_shape", convsWithUnknownShape);
        m.put("transposes", transposes);
        m.putAll(extra);
        return m;
    }
}
