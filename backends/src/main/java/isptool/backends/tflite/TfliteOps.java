package isptool.backends.tflite;

import org.tensorflow.lite.schema.BuiltinOperator;
import org.tensorflow.lite.schema.BuiltinOptions;
import org.tensorflow.lite.schema.OperatorCode;

/**
 * Builtin operator codes and options as the schema stores them.
 *
 * <p>OperatorCode carries the op twice: {@code deprecated_builtin_code} (int8, the only field
 * before schema 3a) and {@code builtin_code} (int32). Codes up to 127 go in both; larger codes put
 * 127 ({@code PLACEHOLDER_FOR_GREATER_OP_CODES}) in the old field. Readers take the larger of the
 * two, which also reads files written before {@code builtin_code} existed (it is then 0).
 */
public final class TfliteOps {
    private TfliteOps() {
    }

    /** The value for {@code deprecated_builtin_code}. */
    static byte deprecatedCode(int builtinCode) {
        return (byte) Math.min(builtinCode, BuiltinOperator.PLACEHOLDER_FOR_GREATER_OP_CODES);
    }

    /** The builtin code an OperatorCode table stands for. */
    static int builtinCode(OperatorCode code) {
        return Math.max(code.deprecatedBuiltinCode(), code.builtinCode());
    }

    /** The schema's name for a builtin code ({@code CONV_2D}); {@code BUILTIN_200} for codes newer than the schema. */
    public static String name(int builtinCode) {
        if (builtinCode >= 0 && builtinCode < BuiltinOperator.names.length) {
            return BuiltinOperator.name(builtinCode);
        }
        return "BUILTIN_" + builtinCode;
    }

    /** The builtin code for a schema name ({@code "CONV_2D"}), or -1. */
    public static int code(String name) {
        String[] names = BuiltinOperator.names;
        for (int i = 0; i < names.length; i++) {
            if (names[i].equals(name)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * The {@code BuiltinOptions} union type of an options object of the schema's object API
     * ({@code Conv2DOptionsT} is {@code BuiltinOptions.Conv2DOptions}).
     */
    static byte optionsType(Object options) {
        String simple = options.getClass().getSimpleName();
        if (options.getClass().getPackage() == BuiltinOptions.class.getPackage() && simple.endsWith("OptionsT")) {
            String union = simple.substring(0, simple.length() - 1);
            String[] names = BuiltinOptions.names;
            for (int i = 1; i < names.length; i++) {
                if (names[i].equals(union)) {
                    return (byte) i;
                }
            }
        }
        throw new IllegalArgumentException(options.getClass().getName()
                + " is not a builtin options type of the TFLite schema (use e.g. Conv2DOptionsT)");
    }
}
