package isptool.passes.layout;

import isptool.graph.Graph;
import isptool.graph.Node;
import isptool.graph.Shape;
import isptool.graph.Tensor;
import isptool.graph.Value;
import isptool.passes.OpRewrite;
import isptool.passes.PassReport;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Lets a classifier head read an NHWC feature map without a TRANSPOSE: a Flatten (or Reshape to
 * [N, C*H*W]) of a 4-D [N, C, H, W] map whose only readers are dense layers with constant weights
 * (Gemm with transA = 0, MatMul) flattens the map in H, W, C order instead, and the weights' input
 * rows are permuted to match:
 *
 *   before: Flatten(x) -> Gemm(B)         (row k = c*H*W + h*W + w)
 *   after:  Transpose(x, [0,2,3,1]) -> Flatten -> Gemm(B')   B'[(h*W + w)*C + c] = B[c*H*W + h*W + w]
 *
 * Exact: a permutation of the sum's terms' order only. The Transpose is the layout the target
 * already stores the map in, so the layout plan turns it into a relabelling and the flatten into
 * a plain reshape. Skipped when H*W or C is 1 (the orders agree), the map already comes from that
 * Transpose, the flattened value is a graph output, or any reader is not such a dense layer.
 */
public final class FlattenBeforeDense extends OpRewrite {
    private static final long[] TO_HWC = {0, 2, 3, 1};

    public FlattenBeforeDense() {
        super("Flatten", "Reshape");
    }

    @Override
    protected boolean rewrite(Graph g, Node f, PassReport report) {
        Value x = f.input(0);
        Value flat = f.output(0);
        long[] d = staticDims(x);
        long[] o = staticDims(flat);
        if (d == null || d.length != 4 || o == null || o.length != 2 || o[0] != d[0] || d[1] == 1
                || d[2] * d[3] == 1 || g.isGraphOutput(flat) || (f.is("Flatten") && f.getInt("axis", 1) != 1)) {
            return false;
        }
        Node producer = x.producer();
        if (producer != null && producer.is("Transpose") && Arrays.equals(producer.getInts("perm", null), TO_HWC)) {
            return false; // already flattened in H, W, C order (by this pass)
        }
        List<Node> readers = g.consumers(flat);
        for (Node r : readers) {
            if (!isDenseReading(r, flat)) {
                return false;
            }
        }
        Value t = g.newValue(x.name() + "_hwc", x.dtype(), Shape.of(d[0], d[2], d[3], d[1]));
        g.addNode("Transpose", f.name() + "/to_hwc", List.of(x), List.of(t)).set("perm", TO_HWC);
        g.setInput(f, 0, t);
        List<String> names = new ArrayList<>();
        for (Node r : readers) {
            boolean transB = r.is("Gemm") && r.getInt("transB", 0) != 0;
            Value b = r.input(1);
            g.setInput(r, 1, g.addConstant(b.name() + "_hwc", permuteRows(b.constant(), transB, d[1], d[2] * d[3])));
            names.add(r.name());
        }
        report.applied(name(), f.name(), "flattens the [" + d[1] + "," + d[2] + "," + d[3] + "] map in H,W,C order;"
                + " the weight rows of " + String.join(", ", names) + " permuted to match");
        return true;
    }

    private static boolean isDenseReading(Node r, Value flat) {
        if (r.input(0) != flat || r.input(1) == null || !r.input(1).isConstant() || r.input(1).constant().rank() != 2) {
            return false;
        }
        return r.is("MatMul") || r.is("Gemm") && r.getInt("transA", 0) == 0;
    }

    /** B with its input axis (rows, or columns when transposed) reordered from (c, s) to (s, c). */
    private static Tensor permuteRows(Tensor b, boolean transposed, long channels, long spatial) {
        double[] v = b.toDoubles();
        long[] shape = b.shape();
        int rows = (int) shape[0];
        int cols = (int) shape[1];
        double[] r = new double[v.length];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                int k = transposed ? j : i;
                int moved = (int) ((k % spatial) * channels + k / spatial);
                int to = transposed ? i * cols + moved : moved * cols + j;
                r[to] = v[i * cols + j];
            }
        }
        return Tensor.of(b.dtype(), shape, r);
    }

    private static long[] staticDims(Value v) {
        return v.shape() != null && v.shape().isStatic() ? v.shape().dims() : null;
    }
}
