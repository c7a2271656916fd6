package isptool.backends.tflite.lower;

import java.util.Map;

/** Ops that slice, split, pad, reduce or rearrange tensors along axes, beyond the core table. */
final class TensorLowerings {
    static final Map<String, Lowering> TABLE = Map.of();

    private TensorLowerings() {
    }
}
