package isptool.graph;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A constant tensor: dtype, shape and little-endian data. The data may be a view of a
 * memory-mapped model file, so large weights are not copied until a pass rewrites them.
 */
public final class Tensor {
    private final DType dtype;
    private final long[] shape;
    private final ByteBuffer data;

    private Tensor(DType dtype, long[] shape, ByteBuffer data) {
        this.dtype = dtype;
        this.shape = shape;
        this.data = data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        long need = count(shape) * dtype.byteSize;
        if (this.data.remaining() != need) {
            throw new ModelException("tensor of " + dtype + Arrays.toString(shape) + " needs " + need
                    + " bytes of data but has " + this.data.remaining());
        }
    }

    /** Wraps little-endian bytes without copying. */
    public static Tensor wrap(DType dtype, long[] shape, ByteBuffer data) {
        if (dtype == DType.STRING) {
            throw new ModelException("string tensors are not supported");
        }
        return new Tensor(dtype, shape.clone(), data);
    }

    public static Tensor ofFloats(long[] shape, float[] values) {
        ByteBuffer b = allocate(values.length * 4L);
        b.asFloatBuffer().put(values);
        return new Tensor(DType.FLOAT, shape.clone(), b);
    }

    /** Float32 tensor from values computed in double (the folding precision). */
    public static Tensor ofDoublesAsFloat(long[] shape, double[] values) {
        return of(DType.FLOAT, shape, values);
    }

    public static Tensor ofLongs(long[] shape, long[] values) {
        ByteBuffer b = allocate(values.length * 8L);
        b.asLongBuffer().put(values);
        return new Tensor(DType.INT64, shape.clone(), b);
    }

    public static Tensor scalar(float v) {
        return ofFloats(new long[0], new float[] {v});
    }

    /** A tensor of the given type holding the given values, cast element by element. */
    public static Tensor of(DType dtype, long[] shape, double[] values) {
        ByteBuffer b = allocate((long) values.length * dtype.byteSize);
        for (int i = 0; i < values.length; i++) {
            put(b, dtype, i, values[i]);
        }
        return new Tensor(dtype, shape.clone(), b);
    }

    /** A tensor of the given integer (or bool) type holding the given values exactly. */
    public static Tensor ofIntegers(DType dtype, long[] shape, long[] values) {
        if (dtype == DType.INT64) {
            return ofLongs(shape, values);
        }
        if (dtype.isFloatingPoint()) {
            double[] d = new double[values.length];
            for (int i = 0; i < d.length; i++) {
                d[i] = values[i];
            }
            return of(dtype, shape, d);
        }
        ByteBuffer b = allocate((long) values.length * dtype.byteSize);
        for (int i = 0; i < values.length; i++) {
            putLong(b, dtype, i, values[i]);
        }
        return new Tensor(dtype, shape.clone(), b);
    }

    private static ByteBuffer allocate(long bytes) {
        return ByteBuffer.allocate(Math.toIntExact(bytes)).order(ByteOrder.LITTLE_ENDIAN);
    }

    public DType dtype() {
        return dtype;
    }

    public long[] shape() {
        return shape.clone();
    }

    public int rank() {
        return shape.length;
    }

    public long dim(int axis) {
        return shape[axis < 0 ? shape.length + axis : axis];
    }

    public int elementCount() {
        return Math.toIntExact(count(shape));
    }

    public long byteSize() {
        return data.remaining();
    }

    static long count(long[] shape) {
        long n = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new ModelException("tensor shape " + Arrays.toString(shape) + " has a negative dim");
            }
            n *= d;
        }
        return n;
    }

    /** A read-only little-endian view of the data. */
    public ByteBuffer rawData() {
        return data.asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }

    /** The same data under another shape with the same element count. */
    public Tensor reshape(long... newShape) {
        if (count(newShape) != count(shape)) {
            throw new ModelException("cannot reshape " + Arrays.toString(shape) + " to " + Arrays.toString(newShape));
        }
        return new Tensor(dtype, newShape.clone(), data);
    }

    public double getDouble(int i) {
        int p = data.position() + i * dtype.byteSize;
        return switch (dtype) {
            case FLOAT -> data.getFloat(p);
            case DOUBLE -> data.getDouble(p);
            case FLOAT16 -> Half.toFloat(data.getShort(p));
            case BFLOAT16 -> Float.intBitsToFloat((data.getShort(p) & 0xffff) << 16);
            default -> getLong(i);
        };
    }

    public long getLong(int i) {
        int p = data.position() + i * dtype.byteSize;
        return switch (dtype) {
            case INT8 -> data.get(p);
            case UINT8, BOOL -> data.get(p) & 0xff;
            case INT16 -> data.getShort(p);
            case UINT16 -> data.getShort(p) & 0xffff;
            case INT32 -> data.getInt(p);
            case UINT32 -> data.getInt(p) & 0xffffffffL;
            case INT64, UINT64 -> data.getLong(p);
            default -> (long) getDouble(i);
        };
    }

    public double[] toDoubles() {
        double[] r = new double[elementCount()];
        for (int i = 0; i < r.length; i++) {
            r[i] = getDouble(i);
        }
        return r;
    }

    public float[] toFloats() {
        float[] r = new float[elementCount()];
        if (dtype == DType.FLOAT) {
            data.asFloatBuffer().get(r);
            return r;
        }
        for (int i = 0; i < r.length; i++) {
            r[i] = (float) getDouble(i);
        }
        return r;
    }

    public long[] toLongs() {
        long[] r = new long[elementCount()];
        for (int i = 0; i < r.length; i++) {
            r[i] = getLong(i);
        }
        return r;
    }

    /** Element-by-element conversion to another type. */
    public Tensor cast(DType to) {
        if (to == dtype) {
            return this;
        }
        if (!dtype.isFloatingPoint() && !to.isFloatingPoint()) {
            return ofIntegers(to, shape, toLongs());
        }
        if (to == DType.BOOL) {
            double[] v = toDoubles();
            for (int i = 0; i < v.length; i++) {
                v[i] = v[i] != 0 ? 1 : 0;
            }
            return of(to, shape, v);
        }
        return of(to, shape, toDoubles());
    }

    /** True if every element is the same value (and there is at least one). */
    public boolean isUniform(double value) {
        int n = elementCount();
        for (int i = 0; i < n; i++) {
            if (getDouble(i) != value) {
                return false;
            }
        }
        return n > 0;
    }

    private static void put(ByteBuffer b, DType t, int i, double v) {
        int p = i * t.byteSize;
        switch (t) {
            case FLOAT -> b.putFloat(p, (float) v);
            case DOUBLE -> b.putDouble(p, v);
            case FLOAT16 -> b.putShort(p, Half.fromFloat((float) v));
            case BFLOAT16 -> b.putShort(p, (short) (Float.floatToIntBits((float) v) >>> 16));
            case BOOL -> b.put(p, (byte) (v != 0 ? 1 : 0));
            default -> putLong(b, t, i, (long) v);
        }
    }

    private static void putLong(ByteBuffer b, DType t, int i, long v) {
        int p = i * t.byteSize;
        switch (t) {
            case INT8, UINT8 -> b.put(p, (byte) v);
            case BOOL -> b.put(p, (byte) (v != 0 ? 1 : 0));
            case INT16, UINT16 -> b.putShort(p, (short) v);
            case INT32, UINT32 -> b.putInt(p, (int) v);
            case INT64, UINT64 -> b.putLong(p, v);
            default -> put(b, t, i, v);
        }
    }

    @Override
    public String toString() {
        return dtype + Arrays.toString(shape);
    }
}
