package isptool.backends.qnn;

/**
 * A node parameter: a scalar ({@code dims} null, one value) or a STATIC tensor held in model.cpp
 * (UINT_32, or INT_32 for StridedSlice's {@code ranges}), per QNN.md sec. 1.
 */
public record QnnParam(String name, QnnDataType type, int[] dims, double[] values) {
    public static QnnParam u32(String name, long v) {
        return new QnnParam(name, QnnDataType.UINT_32, null, new double[] {v});
    }

    public static QnnParam f32(String name, double v) {
        return new QnnParam(name, QnnDataType.FLOAT_32, null, new double[] {v});
    }

    public static QnnParam bool(String name, boolean v) {
        return new QnnParam(name, QnnDataType.BOOL_8, null, new double[] {v ? 1 : 0});
    }

    public static QnnParam tensor(String name, QnnDataType type, int[] dims, long... values) {
        double[] v = new double[values.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = values[i];
        }
        return new QnnParam(name, type, dims, v);
    }

    public boolean isTensor() {
        return dims != null;
    }

    public long longValue(int i) {
        return (long) values[i];
    }

    public double value() {
        return values[0];
    }
}
