package isptool.passes.layout;

import isptool.graph.Graph;
import isptool.graph.Node;
import isptool.graph.Tensor;
import isptool.graph.Value;
import isptool.passes.OpRewrite;
import isptool.passes.PassReport;
import isptool.passes.Patterns;
import java.util.Arrays;
import java.util.List;

/**
 * ShuffleNet's channel shuffle, and any Reshape -> Transpose -> Reshape that only reorders the
 * channels of a 4-D map: x [N, C, H, W] reshaped to [N, c1, ..., ck, H, W] (c1*...*ck = C), the
 * middle axes permuted (N, H and W stay), and reshaped back to [N, C, H, W]. That is one Gather of
 * the channels (axis 1), which the target runs as a single GATHER on the stored channel axis
 * instead of a TRANSPOSE and two RESHAPEs around a 5-D tensor. Exact: the same elements are moved.
 *
 * <p>Output channel j is the row-major index of a multi-index over the permuted middle shape; the
 * same multi-index, put back in the original axis order, gives the input channel it reads.
 */
public final class ChannelShuffleToGather extends OpRewrite {
    public ChannelShuffleToGather() {
        super("Transpose");
    }

    @Override
    protected boolean rewrite(Graph g, Node t, PassReport report) {
        Node first = Patterns.soleProducer(g, t.input(0), "Reshape");
        Node last = g.soleConsumer(t.output(0));
        long[] perm = t.getInts("perm", null);
        if (first == null || last == null || !last.is("Reshape") || last.input(0) != t.output(0) || perm == null) {
            return false;
        }
        Value x = first.input(0);
        long[] in = x.shape() != null && x.shape().rank() == 4 && x.shape().isStatic() ? x.shape().dims() : null;
        long[] split = in == null ? null : PixelShuffleToDepthToSpace.reshapeTarget(first, in);
        long[] back = split == null ? null : PixelShuffleToDepthToSpace.reshapeTarget(last, transposed(split, perm));
        if (back == null || !Arrays.equals(back, in) || !splitsOnlyChannels(in, split) || perm.length != split.length
                || !keepsOuterAxes(perm)) {
            return false;
        }
        int k = split.length - 3;
        long[] indices = channelOrder(Arrays.copyOfRange(split, 1, 1 + k), perm);
        Value out = last.output(0);
        g.removeNode(last);
        g.removeNode(t);
        g.removeNode(first);
        Value order = g.addConstant(last.name() + "_channel_order", Tensor.ofLongs(new long[] {indices.length}, indices));
        g.addNode("Gather", last.name(), List.of(x, order), List.of(out)).set("axis", 1L);
        report.applied(name(), t.name(), "Reshape/Transpose/Reshape channel shuffle of " + in[1] + " channels ("
                + Arrays.toString(Arrays.copyOfRange(split, 1, 1 + k)) + ") replaced by a Gather of the channels");
        return true;
    }

    /** [N, c1, ..., ck, H, W] with k >= 2 and c1*...*ck = C. */
    private static boolean splitsOnlyChannels(long[] in, long[] split) {
        int k = split.length - 3;
        if (k < 2 || split[0] != in[0] || split[split.length - 2] != in[2] || split[split.length - 1] != in[3]) {
            return false;
        }
        long c = 1;
        for (int i = 1; i <= k; i++) {
            c *= split[i];
        }
        return c == in[1];
    }

    /** perm leaves N first and H, W last, and moves something in between. */
    private static boolean keepsOuterAxes(long[] perm) {
        int r = perm.length;
        boolean moves = false;
        for (int i = 0; i < r; i++) {
            moves |= perm[i] != i;
        }
        return moves && perm[0] == 0 && perm[r - 2] == r - 2 && perm[r - 1] == r - 1;
    }

    private static long[] transposed(long[] dims, long[] perm) {
        if (perm.length != dims.length) {
            return dims;
        }
        long[] r = new long[dims.length];
        for (int i = 0; i < dims.length; i++) {
            r[i] = dims[(int) perm[i]];
        }
        return r;
    }

    /** indices[j] = the input channel that output channel j reads. */
    public static long[] channelOrder(long[] middle, long[] perm) {
        int k = middle.length;
        int total = 1;
        for (long m : middle) {
            total *= (int) m;
        }
        long[] outShape = new long[k];
        for (int i = 0; i < k; i++) {
            outShape[i] = middle[(int) perm[i + 1] - 1];
        }
        long[] indices = new long[total];
        int[] idx = new int[k];
        for (int j = 0; j < total; j++) {
            int[] original = new int[k];
            for (int i = 0; i < k; i++) {
                original[(int) perm[i + 1] - 1] = idx[i];
            }
            long c = 0;
            for (int i = 0; i < k; i++) {
                c = c * middle[i] + original[i];
            }
            indices[j] = c;
            for (int i = k - 1; i >= 0; i--) {
                if (++idx[i] < outShape[i]) {
                    break;
                }
                idx[i] = 0;
            }
        }
        return indices;
    }
}
