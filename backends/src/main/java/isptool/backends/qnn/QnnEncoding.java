package isptool.backends.qnn;

import java.util.Arrays;

/**
 * A QNN quantization encoding, {@code real = scale * (q + offset)} (offset = -zero point, QNN.md
 * sec. 3): one scale/offset for the whole tensor ({@code axis} -1) or one per slice along
 * {@code axis} of the QNN dims.
 */
public record QnnEncoding(int axis, double[] scale, long[] offset) {
    public QnnEncoding {
        if (scale.length == 0 || scale.length != offset.length || (axis < 0 && scale.length != 1)) {
            throw new IllegalArgumentException("encoding needs one offset per scale and an axis for several");
        }
        scale = scale.clone();
        offset = offset.clone();
    }

    public static QnnEncoding perTensor(double scale, long offset) {
        return new QnnEncoding(-1, new double[] {scale}, new long[] {offset});
    }

    public boolean isPerAxis() {
        return axis >= 0;
    }

    /** The scale for element {@code i} of a tensor with these dims. */
    public double scaleAt(int[] dims, int i) {
        return scale[slice(dims, i)];
    }

    public long offsetAt(int[] dims, int i) {
        return offset[slice(dims, i)];
    }

    private int slice(int[] dims, int i) {
        if (axis < 0) {
            return 0;
        }
        int inner = 1;
        for (int d = axis + 1; d < dims.length; d++) {
            inner *= dims[d];
        }
        return (i / inner) % dims[axis];
    }

    @Override
    public double[] scale() {
        return scale.clone();
    }

    @Override
    public long[] offset() {
        return offset.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof QnnEncoding e && axis == e.axis && Arrays.equals(scale, e.scale)
                && Arrays.equals(offset, e.offset);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * axis + Arrays.hashCode(scale)) + Arrays.hashCode(offset);
    }
}
