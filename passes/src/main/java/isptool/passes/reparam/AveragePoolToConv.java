package isptool.passes.reparam;

import isptool.graph.Graph;
import isptool.graph.Node;
import isptool.graph.Value;
import isptool.passes.OpRewrite;
import isptool.passes.PassReport;
import isptool.passes.Patterns;
import java.util.List;

/**
 * Turns an average pool that sits on a conv branch (DBB's 1x1 -> avgpool branch) into a
 * depthwise conv, so the branch can merge.
 * Before: Conv, Pad or border writes -> AveragePool(k, s, p) -> y.  After: Conv(1/(kh*kw) per channel, group=C).
 * Exact only when padded positions count in the divisor (count_include_pad=1) or there is no
 * padding, and ceil_mode is 0; otherwise the pool is left as it is.
 */
public final class AveragePoolToConv extends OpRewrite {
    public AveragePoolToConv() {
        super("AveragePool");
    }

    @Override
    protected boolean rewrite(Graph g, Node pool, PassReport report) {
        Value x = pool.input(0);
        if (x.producer() == null || !List.of("Conv", "Pad", "ScatterND", "Transpose").contains(x.producer().opType())) {
            return false;
        }
        long[] k = pool.getInts("kernel_shape", null);
        int channels = Patterns.channels4d(x);
        if (k == null || k.length != 2 || channels <= 0) {
            return false;
        }
        long[] s = pool.getInts("strides", new long[] {1, 1});
        long[] p = pool.getInts("pads", new long[] {0, 0, 0, 0});
        boolean padded = p[0] != 0 || p[1] != 0 || p[2] != 0 || p[3] != 0;
        String auto = pool.getString("auto_pad", "NOTSET");
        if (!(auto.equals("NOTSET") || auto.equals("VALID")) || pool.getInt("ceil_mode", 0) != 0
                || pool.has("dilations") && (pool.getInts("dilations", null)[0] != 1 || pool.getInts("dilations", null)[1] != 1)) {
            return false;
        }
        if (padded && pool.getInt("count_include_pad", 0) == 0) {
            report.refused(name(), pool.name(), "padding is excluded from the average (count_include_pad=0),"
                    + " so the pool is not a fixed kernel near the border");
            return false;
        }
        int[] pads = auto.equals("VALID") ? new int[4] : new int[] {(int) p[0], (int) p[1], (int) p[2], (int) p[3]};
        g.removeNode(pool);
        ConvKernel.averagePool(channels, (int) k[0], (int) k[1], (int) s[0], (int) s[1], pads)
                .emit(g, pool.name(), x, pool.output(0));
        report.applied(name(), pool.name(), "average pool as depthwise conv");
        return true;
    }
}
