package isptool.backends.tflite.lower;

import java.util.Map;

/** Elementwise math, activations and normalizations beyond the core table (decomposed where TFLite has no single builtin). */
final class MathLowerings {
    static final Map<String, Lowering> TABLE = Map.of();

    private MathLowerings() {
    }
}
