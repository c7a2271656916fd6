package isptool.graph.shapes;

import isptool.graph.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongUnaryOperator;

/**
 * One axis of a shape during inference: a static size, or unknown (-1) with an optional symbol
 * ("batch") that lets two unknown axes be recognized as equal.
 */
record Dim(long size, String symbol) {
    public static final Dim UNKNOWN = new Dim(-1, null);

    public static Dim of(long size) {
        return size < 0 ? UNKNOWN : new Dim(size, null);
    }

    public static Dim symbol(String name) {
        return new Dim(-1, name);
    }

    public boolean known() {
        return size >= 0;
    }

    public boolean is(long v) {
        return size == v;
    }

    /** f applied to a known size; unknown stays unknown (and loses its symbol). */
    public Dim map(LongUnaryOperator f) {
        return known() ? of(f.applyAsLong(size)) : UNKNOWN;
    }

    /** Same size, or the same symbol for two unknown dims. */
    public boolean sameAs(Dim o) {
        return known() ? size == o.size : !o.known() && symbol != null && symbol.equals(o.symbol);
    }

    public static Dim product(List<Dim> dims) {
        if (dims.size() == 1) {
            return dims.get(0);
        }
        long p = 1;
        for (Dim d : dims) {
            if (!d.known()) {
                return UNKNOWN;
            }
            p *= d.size;
        }
        return of(p);
    }

    public static List<Dim> list(Shape s) {
        if (s == null) {
            return null;
        }
        List<Dim> r = new ArrayList<>(s.rank());
        for (int i = 0; i < s.rank(); i++) {
            r.add(s.dim(i) >= 0 ? of(s.dim(i)) : new Dim(-1, s.symbol(i)));
        }
        return r;
    }

    public static List<Dim> known(long... sizes) {
        List<Dim> r = new ArrayList<>(sizes.length);
        for (long v : sizes) {
            r.add(of(v));
        }
        return r;
    }

    public static List<Dim> unknown(int rank) {
        List<Dim> r = new ArrayList<>(rank);
        for (int i = 0; i < rank; i++) {
            r.add(UNKNOWN);
        }
        return r;
    }

    public static Shape shape(List<Dim> dims) {
        long[] d = new long[dims.size()];
        String[] s = new String[d.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = dims.get(i).size;
            s[i] = dims.get(i).known() ? null : dims.get(i).symbol;
        }
        return Shape.withSymbols(d, s);
    }

    /** "[1,3,?,W]" style, for messages. */
    public static String format(List<Dim> dims) {
        return dims == null ? "[unknown rank]" : shape(dims).toString();
    }

    @Override
    public String toString() {
        return known() ? Long.toString(size) : symbol != null ? symbol : "?";
    }
}
