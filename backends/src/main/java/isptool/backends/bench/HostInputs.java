package isptool.backends.bench;

import isptool.backends.ort.Inputs;
import isptool.backends.tflite.TfliteModel.TensorInfo;
import isptool.graph.ModelException;
import isptool.graph.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Seeded random inputs of a TFLite model's input shapes and types, as benchmark_model feeds:
 * floats uniform in [0, 1) (image-like), 8-bit integers over their whole range, other integers
 * 0..9, bools 0 or 1. Same model and seed, same tensors.
 */
final class HostInputs {
    private HostInputs() {
    }

    static Map<String, Tensor> random(String label, List<TensorInfo> inputs, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        Map<String, Tensor> r = new LinkedHashMap<>();
        for (TensorInfo in : inputs) {
            if (in.isDynamic()) {
                throw new ModelException(label + ": input \"" + in.name() + "\" is " + in.describe() + ", with dynamic"
                        + " dims; bench needs fixed shapes: convert with --input-shape " + in.name() + ":...");
            }
            if (!in.type().hasDType()) {
                throw new ModelException(label + ": input \"" + in.name() + "\" is " + in.describe()
                        + ", a type isptool cannot generate; bench a model with numeric inputs");
            }
            r.put(in.name(), Inputs.randomTensor(in.type().dtype(), in.shape(), rng.split(), true));
        }
        return r;
    }
}
