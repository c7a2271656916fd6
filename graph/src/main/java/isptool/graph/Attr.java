package isptool.graph;

import java.util.Arrays;

/** A typed node attribute. */
public record Attr(Kind kind, Object value) {
    public enum Kind { INT, FLOAT, STRING, INTS, FLOATS, STRINGS, TENSOR }

    public static Attr of(long v) {
        return new Attr(Kind.INT, v);
    }

    public static Attr of(float v) {
        return new Attr(Kind.FLOAT, v);
    }

    public static Attr of(String v) {
        return new Attr(Kind.STRING, v);
    }

    public static Attr of(long[] v) {
        return new Attr(Kind.INTS, v.clone());
    }

    public static Attr of(float[] v) {
        return new Attr(Kind.FLOATS, v.clone());
    }

    public static Attr of(String[] v) {
        return new Attr(Kind.STRINGS, v.clone());
    }

    public static Attr of(Tensor v) {
        return new Attr(Kind.TENSOR, v);
    }

    @Override
    public String toString() {
        return switch (kind) {
            case INTS -> Arrays.toString((long[]) value);
            case FLOATS -> Arrays.toString((float[]) value);
            case STRINGS -> Arrays.toString((String[]) value);
            default -> String.valueOf(value);
        };
    }
}
