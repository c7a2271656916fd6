package isptool.backends.qnn;

import isptool.graph.Half;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Element access for QNN tensor data (little-endian, row-major): raw stored values as longs or
 * floats, real values through an encoding, and the inverse. Shared by the emitter (writing
 * NAME.bin) and the quantization simulator (reading it back).
 */
public final class QnnValues {
    private QnnValues() {
    }

    /** Real values of data stored as type with encoding (null: plain numbers). */
    public static double[] real(byte[] data, QnnDataType type, int[] dims, QnnEncoding encoding) {
        ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        int n = data.length / type.bytes;
        double[] r = new double[n];
        for (int i = 0; i < n; i++) {
            double raw = raw(b, type, i);
            r[i] = encoding == null ? raw : encoding.scaleAt(dims, i) * (raw + encoding.offsetAt(dims, i));
        }
        return r;
    }

    private static double raw(ByteBuffer b, QnnDataType type, int i) {
        int p = i * type.bytes;
        return switch (type) {
            case INT_8, SFIXED_POINT_8 -> b.get(p);
            case UINT_8, UFIXED_POINT_8, BOOL_8 -> b.get(p) & 0xff;
            case INT_16, SFIXED_POINT_16 -> b.getShort(p);
            case UFIXED_POINT_16 -> b.getShort(p) & 0xffff;
            case INT_32, SFIXED_POINT_32 -> b.getInt(p);
            case UINT_32 -> b.getInt(p) & 0xffffffffL;
            case FLOAT_16 -> Half.toFloat(b.getShort(p));
            case FLOAT_32 -> b.getFloat(p);
        };
    }

    /** Stores values: fixed-point types quantized with the encoding (rounded half away from zero, clamped), floats rounded. */
    public static byte[] store(double[] v, QnnDataType type, int[] dims, QnnEncoding encoding) {
        ByteBuffer b = ByteBuffer.allocate(v.length * type.bytes).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < v.length; i++) {
            int p = i * type.bytes;
            if (type.isFloat()) {
                if (type == QnnDataType.FLOAT_32) {
                    b.putFloat(p, (float) v[i]);
                } else {
                    b.putShort(p, Half.fromFloat((float) v[i]));
                }
                continue;
            }
            long q = encoding == null ? Math.round(v[i]) : quantize(v[i], type, encoding.scaleAt(dims, i),
                    encoding.offsetAt(dims, i));
            switch (type.bytes) {
                case 1 -> b.put(p, (byte) q);
                case 2 -> b.putShort(p, (short) q);
                default -> b.putInt(p, (int) q);
            }
        }
        return b.array();
    }

    /** q = clamp(round(x / scale) - offset) (real = scale * (q + offset)). */
    public static long quantize(double x, QnnDataType type, double scale, long offset) {
        double r = x / scale;
        long q = (long) (r >= 0 ? Math.floor(r + 0.5) : -Math.floor(-r + 0.5)) - offset;
        return Math.max(type.qmin(), Math.min(type.qmax(), q));
    }

    /** x after quantizing and dequantizing with a per-tensor encoding (simulation), or rounded to the float type. */
    public static double fakeQuant(double x, QnnDataType type, QnnEncoding e, int[] dims, int i) {
        if (type == QnnDataType.FLOAT_32) {
            return (float) x;
        }
        if (type == QnnDataType.FLOAT_16) {
            return Half.toFloat(Half.fromFloat((float) x));
        }
        if (e == null) {
            return x;
        }
        double s = e.scaleAt(dims, i);
        long o = e.offsetAt(dims, i);
        return s * (quantize(x, type, s, o) + o);
    }
}
