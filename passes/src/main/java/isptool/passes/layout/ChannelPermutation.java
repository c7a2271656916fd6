package isptool.passes.layout;

import isptool.graph.Graph;
import isptool.graph.Node;
import isptool.graph.Tensor;
import isptool.graph.Value;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Channel orders of the depth/space rearrangements, and exact (byte-copy) reordering of constants.
 *
 * For pixel offset (i, j) inside a b x b block and channel c of C (checked in onnxruntime and PyTorch):
 *   ONNX DepthToSpace CRD = PyTorch pixel_shuffle   reads  input channel  c*b*b + i*b + j
 *   ONNX DepthToSpace DCR = TFLite DEPTH_TO_SPACE   reads  input channel (i*b + j)*C + c
 *   ONNX SpaceToDepth     = TFLite SPACE_TO_DEPTH   writes output channel (i*b + j)*C + c
 *   PyTorch pixel_unshuffle                         writes output channel  c*b*b + i*b + j
 * so CRD-to-DCR and pixel_unshuffle-to-SpaceToDepth both renumber channels by
 *   p[(i*b + j)*C + c] = c*b*b + i*b + j,   new[k] = old[p[k]],
 * which is the identity when C = 1.
 */
final class ChannelPermutation {
    private ChannelPermutation() {
    }

    /** p with new[k] = old[p[k]] taking CRD-ordered channels (C groups of b*b) to DCR order. */
    static int[] crdToDcr(int channels, int block) {
        int[] p = new int[channels * block * block];
        for (int i = 0; i < block; i++) {
            for (int j = 0; j < block; j++) {
                for (int c = 0; c < channels; c++) {
                    p[(i * block + j) * channels + c] = c * block * block + i * block + j;
                }
            }
        }
        return p;
    }

    static boolean isIdentity(int[] p) {
        for (int k = 0; k < p.length; k++) {
            if (p[k] != k) {
                return false;
            }
        }
        return true;
    }

    /** t with its slices along axis reordered: slice k becomes slice p[k] of t. Bytes are copied, so exact. */
    static Tensor permute(Tensor t, int axis, int[] p) {
        long[] shape = t.shape();
        int n = (int) shape[axis];
        int outerCount = 1;
        for (int a = 0; a < axis; a++) {
            outerCount *= (int) shape[a];
        }
        int sliceBytes = t.elementCount() == 0 ? 0 : (int) (t.byteSize() / ((long) outerCount * n));
        ByteBuffer src = t.rawData();
        int base = src.position();
        byte[] dst = new byte[(int) t.byteSize()];
        for (int outer = 0; outer < outerCount; outer++) {
            for (int k = 0; k < n; k++) {
                src.get(base + (outer * n + p[k]) * sliceBytes, dst, (outer * n + k) * sliceBytes, sliceBytes);
            }
        }
        return Tensor.wrap(t.dtype(), shape, ByteBuffer.wrap(dst).order(ByteOrder.LITTLE_ENDIAN));
    }

    /**
     * Makes input i of n a new constant holding t, under the old constant's name when nothing else
     * reads the old one (so PyTorch's parameter names survive the rewrite).
     */
    static void replaceConstant(Graph g, Node n, int i, Tensor t) {
        Value old = n.input(i);
        String name = old.name();
        Value fresh = g.addConstant(name, t);
        g.setInput(n, i, fresh);
        if (g.value(name) == null) {
            g.rename(fresh, name);
        }
    }
}
