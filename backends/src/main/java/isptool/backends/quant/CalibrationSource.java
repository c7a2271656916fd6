package isptool.backends.quant;

import isptool.graph.Tensor;
import java.io.IOException;
import java.util.Map;

/**
 * Calibration samples, read one at a time so memory stays bounded: each sample is one float32
 * tensor per graph input, in the ONNX input layout (NCHW), keyed by the input's name.
 */
public interface CalibrationSource {
    /** How many samples there are (at least one). */
    int size();

    /** Sample i (0-based), freshly read. */
    Map<String, Tensor> sample(int i) throws IOException;

    /** Where sample i comes from (a file name), for messages. */
    String describe(int i);
}
