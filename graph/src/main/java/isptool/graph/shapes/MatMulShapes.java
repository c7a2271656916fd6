package isptool.graph.shapes;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Matrix products: Gemm, MatMul (numpy batching), Einsum. */
final class MatMulShapes {
    private MatMulShapes() {
    }

    /** Gemm: op(A) [M, K] x op(B) [K, N] -> [M, N], op = transpose when transA/transB; C broadcasts to [M, N]. */
    static void gemm(InferContext c) {
        List<Dim> a = c.dims(0);
        List<Dim> b = c.dims(1);
        if (a != null && a.size() != 2 || b != null && b.size() != 2) {
            throw c.fail("A " + Dim.format(a) + " and B " + Dim.format(b) + " must be 2-D");
        }
        boolean ta = c.node.getInt("transA", 0) != 0;
        boolean tb = c.node.getInt("transB", 0) != 0;
        Dim m = a == null ? Dim.UNKNOWN : a.get(ta ? 1 : 0);
        Dim ka = a == null ? Dim.UNKNOWN : a.get(ta ? 0 : 1);
        Dim kb = b == null ? Dim.UNKNOWN : b.get(tb ? 1 : 0);
        Dim n = b == null ? Dim.UNKNOWN : b.get(tb ? 0 : 1);
        if (ka.known() && kb.known() && ka.size() != kb.size()) {
            throw c.fail("A " + Dim.format(a) + (ta ? " (transposed)" : "") + " has K = " + ka + " but B " + Dim.format(b)
                    + (tb ? " (transposed)" : "") + " has K = " + kb);
        }
        List<Dim> out = List.of(m, n);
        List<Dim> bias = c.dims(2);
        if (bias != null && !Broadcasting.unidirectional(out, bias)) {
            throw c.fail("C " + Dim.format(bias) + " does not broadcast to the product " + Dim.format(out));
        }
        c.set(0, c.dtype(0), out);
    }

    /** MatMul: numpy matmul; 1-D operands get a 1 prepended (A) or appended (B) that is dropped again. */
    static void matMul(InferContext c) {
        List<Dim> a = c.dims(0);
        List<Dim> b = c.dims(1);
        if (a == null || b == null) {
            c.set(0, c.dtype(0), (List<Dim>) null);
            return;
        }
        if (a.isEmpty() || b.isEmpty()) {
            throw c.fail("operands " + Dim.format(a) + " and " + Dim.format(b) + " must have rank 1 or more");
        }
        List<Dim> a2 = a.size() == 1 ? List.of(Dim.of(1), a.get(0)) : a;
        List<Dim> b2 = b.size() == 1 ? List.of(b.get(0), Dim.of(1)) : b;
        Dim ka = a2.get(a2.size() - 1);
        Dim kb = b2.get(b2.size() - 2);
        if (ka.known() && kb.known() && ka.size() != kb.size()) {
            throw c.fail("A " + Dim.format(a) + " has " + ka + " columns but B " + Dim.format(b) + " has " + kb + " rows");
        }
        List<Dim> batch = Broadcasting.dims(a2.subList(0, a2.size() - 2), b2.subList(0, b2.size() - 2));
        if (batch == null) {
            throw c.fail("batch axes of " + Dim.format(a) + " and " + Dim.format(b) + " do not broadcast");
        }
        List<Dim> out = new ArrayList<>(batch);
        if (a.size() > 1) {
            out.add(a2.get(a2.size() - 2));
        }
        if (b.size() > 1) {
            out.add(b2.get(b2.size() - 1));
        }
        c.set(0, c.dtype(0), out);
    }

    /**
     * Einsum: every letter names one size; "..." stands for broadcast leading axes. Without "->"
     * the output is "..." followed by the letters used once, in alphabetical order.
     */
    static void einsum(InferContext c) {
        String eq = c.node.getString("equation", "").replace(" ", "");
        int arrow = eq.indexOf("->");
        String[] terms = (arrow < 0 ? eq : eq.substring(0, arrow)).split(",", -1);
        if (terms.length != c.inputCount()) {
            throw c.fail("equation \"" + eq + "\" has " + terms.length + " operands but the node has " + c.inputCount() + " inputs");
        }
        Map<Character, Dim> letters = new LinkedHashMap<>();
        Map<Character, Integer> uses = new TreeMap<>();
        List<Dim> ellipsis = List.of();
        for (int i = 0; i < terms.length; i++) {
            List<Dim> d = c.dims(i);
            if (d == null) {
                c.set(0, c.dtype(0), (List<Dim>) null);
                return;
            }
            String t = terms[i];
            int dots = t.indexOf("...");
            int named = t.replace("...", "").length();
            int ellipsisRank = d.size() - named;
            if (ellipsisRank < 0 || dots < 0 && ellipsisRank != 0) {
                throw c.fail("operand " + i + " " + Dim.format(d) + " does not match \"" + t + "\"");
            }
            int axis = 0;
            for (int p = 0; p < t.length(); p++) {
                if (p == dots) {
                    List<Dim> e = Broadcasting.dims(ellipsis, d.subList(axis, axis + ellipsisRank));
                    if (e == null) {
                        throw c.fail("the \"...\" axes of the operands do not broadcast");
                    }
                    ellipsis = e;
                    axis += ellipsisRank;
                    p += 2;
                    continue;
                }
                char ch = t.charAt(p);
                Dim size = d.get(axis++);
                Dim before = letters.get(ch);
                if (before != null && before.known() && size.known() && before.size() != size.size()) {
                    throw c.fail("letter '" + ch + "' has sizes " + before + " and " + size);
                }
                letters.put(ch, before == null || !before.known() ? size : before);
                uses.merge(ch, 1, Integer::sum);
            }
        }
        String rhs;
        if (arrow >= 0) {
            rhs = eq.substring(arrow + 2);
        } else {
            StringBuilder b = new StringBuilder(ellipsis.isEmpty() ? "" : "...");
            uses.forEach((ch, n) -> {
                if (n == 1) {
                    b.append(ch);
                }
            });
            rhs = b.toString();
        }
        List<Dim> out = new ArrayList<>();
        for (int p = 0; p < rhs.length(); p++) {
            if (rhs.startsWith("...", p)) {
                out.addAll(ellipsis);
                p += 2;
            } else if (letters.containsKey(rhs.charAt(p))) {
                out.add(letters.get(rhs.charAt(p)));
            } else {
                throw c.fail("output letter '" + rhs.charAt(p) + "' does not appear in the operands");
            }
        }
        c.set(0, c.dtype(0), out);
    }
}
