package isptool.backends.tflite;

import java.util.Arrays;

/**
 * Affine quantization of a TFLite tensor: real = (q - zeroPoint) * scale, either one (scale,
 * zero point) for the whole tensor or one per slice along {@code quantizedDimension} (per-channel:
 * CONV_2D weights on axis 0, DEPTHWISE_CONV_2D weights on axis 3).
 */
public record Quantization(float[] scale, long[] zeroPoint, int quantizedDimension) {
    public Quantization {
        if (scale.length == 0 || scale.length != zeroPoint.length) {
            throw new IllegalArgumentException("quantization needs as many zero points as scales (at least one), got "
                    + scale.length + " scales and " + zeroPoint.length + " zero points");
        }
        if (quantizedDimension < 0) {
            throw new IllegalArgumentException("quantized dimension " + quantizedDimension + " is negative");
        }
        scale = scale.clone();
        zeroPoint = zeroPoint.clone();
    }

    public static Quantization perTensor(double scale, long zeroPoint) {
        return new Quantization(new float[] {(float) scale}, new long[] {zeroPoint}, 0);
    }

    /** Symmetric per-channel quantization (zero points 0), as TFLite requires for weights. */
    public static Quantization perChannel(float[] scales, int axis) {
        return new Quantization(scales, new long[scales.length], axis);
    }

    public static Quantization perChannel(float[] scales, long[] zeroPoints, int axis) {
        return new Quantization(scales, zeroPoints, axis);
    }

    public boolean isPerChannel() {
        return scale.length > 1;
    }

    @Override
    public float[] scale() {
        return scale.clone();
    }

    @Override
    public long[] zeroPoint() {
        return zeroPoint.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Quantization q && Arrays.equals(scale, q.scale) && Arrays.equals(zeroPoint, q.zeroPoint)
                && quantizedDimension == q.quantizedDimension;
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Arrays.hashCode(scale) + Arrays.hashCode(zeroPoint)) + quantizedDimension;
    }

    @Override
    public String toString() {
        return isPerChannel()
                ? "per-channel(axis " + quantizedDimension + ", " + scale.length + " scales)"
                : "scale " + scale[0] + " zero point " + zeroPoint[0];
    }
}
