package isptool.backends.tflite.lower;

import static java.util.Map.entry;

import java.util.Map;
import org.tensorflow.lite.schema.BuiltinOperator;

/** Elementwise math, activations and normalizations beyond the core table (decomposed where TFLite has no single builtin). */
final class MathLowerings {
    static final Map<String, Lowering> TABLE = Map.ofEntries(
            entry("Exp", ElementwiseLowering.unary(BuiltinOperator.EXP)),
            entry("Log", ElementwiseLowering.unary(BuiltinOperator.LOG)),
            entry("Abs", ElementwiseLowering.unary(BuiltinOperator.ABS)),
            entry("Neg", ElementwiseLowering.unary(BuiltinOperator.NEG)),
            entry("Floor", ElementwiseLowering.unary(BuiltinOperator.FLOOR)),
            entry("Ceil", ElementwiseLowering.unary(BuiltinOperator.CEIL)),
            entry("Sign", ElementwiseLowering.unary(BuiltinOperator.SIGN)),
            entry("HardSwish", ElementwiseLowering.unary(BuiltinOperator.HARD_SWISH)),
            entry("Reciprocal", ActivationLowerings::reciprocal),
            entry("HardSigmoid", ActivationLowerings::hardSigmoid),
            entry("Elu", ActivationLowerings::elu),
            entry("Selu", ActivationLowerings::selu),
            entry("Gelu", ActivationLowerings::gelu),
            entry("Softplus", ActivationLowerings::softplus),
            entry("Softsign", ActivationLowerings::softsign),
            entry("Erf", ErfLowering::lower),
            entry("Min", VariadicLowering.of(BuiltinOperator.MINIMUM)),
            entry("Max", VariadicLowering.of(BuiltinOperator.MAXIMUM)),
            entry("Sum", VariadicLowering.of(BuiltinOperator.ADD)),
            entry("Mean", VariadicLowering::mean),
            entry("BatchNormalization", NormLowerings::batchNorm),
            entry("InstanceNormalization", NormLowerings::instanceNorm),
            entry("LayerNormalization", NormLowerings::layerNorm),
            entry("Softmax", SoftmaxLowering::softmax),
            entry("LogSoftmax", SoftmaxLowering::logSoftmax));

    private MathLowerings() {
    }
}
