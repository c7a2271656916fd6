package isptool.graph;

import java.util.Arrays;

/** A tensor shape: static dims as numbers, unknown dims as -1 with an optional symbol name. */
public final class Shape {
    private final long[] dims;
    private final String[] symbols;

    private Shape(long[] dims, String[] symbols) {
        this.dims = dims;
        this.symbols = symbols;
    }

    public static Shape of(long... dims) {
        return new Shape(dims.clone(), new String[dims.length]);
    }

    public static Shape of(int... dims) {
        long[] d = new long[dims.length];
        for (int i = 0; i < dims.length; i++) {
            d[i] = dims[i];
        }
        return new Shape(d, new String[dims.length]);
    }

    /** dims with -1 for unknown; symbols may hold names for unknown dims (or null entries). */
    public static Shape withSymbols(long[] dims, String[] symbols) {
        return new Shape(dims.clone(), symbols.clone());
    }

    public int rank() {
        return dims.length;
    }

    /** The size of axis i, or -1 if unknown. Negative axes count from the end. */
    public long dim(int i) {
        return dims[i < 0 ? dims.length + i : i];
    }

    public String symbol(int i) {
        return symbols[i];
    }

    public boolean isStatic() {
        for (long d : dims) {
            if (d < 0) {
                return false;
            }
        }
        return true;
    }

    /** True if a tensor with these concrete dims fits this shape (an unknown dim fits any size). */
    public boolean admits(long[] concrete) {
        if (concrete.length != dims.length) {
            return false;
        }
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] >= 0 && dims[i] != concrete[i]) {
                return false;
            }
        }
        return true;
    }

    public long[] dims() {
        return dims.clone();
    }

    public int[] toIntArray() {
        int[] r = new int[dims.length];
        for (int i = 0; i < dims.length; i++) {
            r[i] = Math.toIntExact(dims[i]);
        }
        return r;
    }

    /** Number of elements, or -1 if any dim is unknown. */
    public long elementCount() {
        long n = 1;
        for (long d : dims) {
            if (d < 0) {
                return -1;
            }
            n *= d;
        }
        return n;
    }

    public Shape withDim(int axis, long size) {
        long[] d = dims.clone();
        String[] s = symbols.clone();
        d[axis] = size;
        s[axis] = null;
        return new Shape(d, s);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Shape other && Arrays.equals(dims, other.dims);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(dims);
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < dims.length; i++) {
            if (i > 0) {
                b.append(',');
            }
            b.append(dims[i] >= 0 ? Long.toString(dims[i]) : symbols[i] != null ? symbols[i] : "?");
        }
        return b.append(']').toString();
    }
}
