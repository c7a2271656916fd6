package isptool.backends.layout;

import java.util.Arrays;

/**
 * How a tensor's axes are stored in the target: axis j of the stored tensor holds ONNX axis
 * {@code perm[j]}. NCHW stored as NHWC is {0, 2, 3, 1}; the identity keeps ONNX's order.
 */
public record Layout(int[] perm) {
    public static final Layout NHWC = new Layout(new int[] {0, 2, 3, 1});

    public static Layout identity(int rank) {
        int[] p = new int[rank];
        for (int i = 0; i < rank; i++) {
            p[i] = i;
        }
        return new Layout(p);
    }

    public int rank() {
        return perm.length;
    }

    public boolean isIdentity() {
        for (int i = 0; i < perm.length; i++) {
            if (perm[i] != i) {
                return false;
            }
        }
        return true;
    }

    /** The stored axis that holds ONNX axis a (negative a counts from the end). */
    public int storedAxis(long a) {
        int axis = (int) (a < 0 ? a + perm.length : a);
        for (int j = 0; j < perm.length; j++) {
            if (perm[j] == axis) {
                return j;
            }
        }
        throw new IllegalArgumentException("axis " + a + " outside rank " + perm.length);
    }

    /** The stored shape of a tensor whose ONNX shape is dims. */
    public long[] stored(long[] dims) {
        long[] r = new long[perm.length];
        for (int j = 0; j < perm.length; j++) {
            r[j] = dims[perm[j]];
        }
        return r;
    }

    /**
     * The layout of Transpose(perm)'s output when the transpose moves no data: out axis i is in
     * axis perm[i], so the stored axis j, which holds in axis this.perm[j], holds out axis perm^-1(this.perm[j]).
     */
    public Layout afterTranspose(long[] onnxPerm) {
        int[] inverse = new int[onnxPerm.length];
        for (int i = 0; i < onnxPerm.length; i++) {
            inverse[(int) onnxPerm[i]] = i;
        }
        int[] p = new int[perm.length];
        for (int j = 0; j < perm.length; j++) {
            p[j] = inverse[perm[j]];
        }
        return new Layout(p);
    }

    /**
     * True if storing dims in this layout puts the elements in ONNX's row-major order, so a
     * Reshape/Flatten can reinterpret the stored data: the non-unit axes keep their ONNX order.
     */
    public boolean isRowMajorFor(long[] dims) {
        int last = -1;
        for (int a : perm) {
            if (dims[a] == 1) {
                continue;
            }
            if (a < last) {
                return false;
            }
            last = a;
        }
        return true;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Layout l && Arrays.equals(perm, l.perm);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(perm);
    }

    @Override
    public String toString() {
        return isIdentity() ? "identity" + perm.length : equals(NHWC) ? "NHWC" : Arrays.toString(perm);
    }
}
