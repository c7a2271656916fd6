package isptool.passes.cleanup;

import isptool.graph.Attr;
import isptool.graph.DType;
import isptool.graph.Graph;
import isptool.graph.Node;
import isptool.graph.Tensor;
import isptool.graph.Value;
import isptool.passes.Patterns;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One rule per ONNX op whose version changes between an opset below 7 and opset 7, following
 * ONNX's Changelog.md. A rule gets the node and the op version it was written for, and plans the
 * rewrite into the opset-7 version, or refuses. (consumed_inputs, a legacy optimization hint
 * without meaning, is removed from every node before the rules run.)
 */
final class LegacyOps {
    interface Rule {
        void plan(Node n, int from, UpgradePlan p);
    }

    private static final Rule NOTHING_ELSE = (n, from, p) -> { };

    static final Map<String, Rule> RULES = rules();

    private LegacyOps() {
    }

    private static Map<String, Rule> rules() {
        Map<String, Rule> m = new HashMap<>();
        // 1 -> 6: only consumed_inputs went (and type constraints were widened)
        for (String op : List.of("Abs", "Ceil", "Clip", "Elu", "Exp", "Floor", "HardSigmoid", "InstanceNormalization",
                "LeakyRelu", "Log", "Max", "Mean", "Min", "Neg", "Reciprocal", "Relu", "Sigmoid", "Sqrt", "Sum",
                "Tanh")) {
            m.put(op, NOTHING_ELSE);
        }
        for (String op : List.of("Add", "Sub", "Mul", "Div", "Pow", "And", "Or", "Xor", "Equal", "Greater", "Less")) {
            m.put(op, LegacyBroadcast::binary);
        }
        m.put("Gemm", LegacyBroadcast::gemm);
        m.put("PRelu", LegacyBroadcast::prelu);
        m.put("AveragePool", NOTHING_ELSE); // 7 added count_include_pad, default 0: AveragePool-1 excludes pads
        m.put("BatchNormalization", LegacyOps::batchNorm);
        m.put("Dropout", LegacyOps::dropout);
        m.put("Selu", LegacyOps::selu);
        m.put("Cast", LegacyOps::cast);
        m.put("Concat", LegacyOps::concat);
        m.put("Reshape", LegacyOps::reshape);
        m.put("Pad", LegacyOps::pad);
        m.put("Split", LegacyOps::split);
        m.put("LpPool", LegacyOps::lpPool);
        m.put("GlobalLpPool", LegacyOps::lpPool);
        m.put("Tile", LegacyOps::tile);
        m.put("Upsample", LegacyOps::upsample);
        for (String op : List.of("RNN", "GRU", "LSTM")) {
            m.put(op, LegacyOps::recurrent);
        }
        return Map.copyOf(m);
    }

    /**
     * 6 -> 7: is_test went; the outputs say the mode (Y alone: test; Y, mean, var, saved_mean,
     * saved_var: training). A test-mode node keeps only Y; a training-mode node with all five
     * outputs stays training mode; is_test=0 with fewer outputs (normalize with the batch's
     * statistics, but as a single-output node) has no opset-7 form: refused. spatial stays.
     */
    private static void batchNorm(Node n, int from, UpgradePlan p) {
        Graph g = p.g;
        if (n.getInt("is_test", 0) == 0) {
            if (n.outputs().size() != 5) {
                p.refuse(n, "is_test=0 (training mode, batch statistics) with " + n.outputs().size()
                        + " outputs has no opset-7 form; re-export the model in eval mode");
                return;
            }
            p.drop(n, "is_test removed (training mode: 5 outputs)", "is_test");
            return;
        }
        if (!Patterns.onlyFirstOutputUsed(g, n)) {
            p.refuse(n, "is_test=1 but the mean/var outputs, undefined in test mode, are read");
            return;
        }
        p.drop(n, "is_test removed (test mode)", "is_test");
        if (n.outputs().size() > 1) {
            p.edit(n, "unused training outputs removed", () -> keepFirstOutput(g, n));
        }
    }

    /** Rebuilds n with output 0 only (the IR has no call to drop a node's output). */
    private static void keepFirstOutput(Graph g, Node n) {
        List<Value> ins = new ArrayList<>(n.inputs());
        Value y = n.output(0);
        g.removeNode(n);
        Node m = g.addNode(n.opType(), n.domain(), n.name(), ins, List.of(y));
        n.attrs().forEach(m::set);
    }

    /**
     * 6 -> 7: is_test went; Dropout-7 copies its input at inference. is_test=0 (random dropout)
     * with a non-zero ratio is a training graph: refused. The mask is not filled in test mode,
     * so a node whose mask is read is refused.
     */
    private static void dropout(Node n, int from, UpgradePlan p) {
        if (n.getInt("is_test", 0) == 0 && n.getFloat("ratio", 0.5f) != 0) {
            p.refuse(n, "is_test=0 drops at random (training mode); re-export the model in eval mode");
            return;
        }
        if (!Patterns.onlyFirstOutputUsed(p.g, n)) {
            p.refuse(n, "its mask output is read, which Dropout-" + from + " leaves undefined in test mode");
            return;
        }
        p.drop(n, "is_test removed", "is_test");
    }

    /** 1 -> 6: the defaults changed from 1.6732 / 1.0507 to the exact constants; the old ones are made explicit. */
    private static void selu(Node n, int from, UpgradePlan p) {
        if (!n.has("alpha") || !n.has("gamma")) {
            p.edit(n, "Selu-1 default alpha/gamma made explicit", () -> {
                n.set("alpha", n.getFloat("alpha", 1.6732f));
                n.set("gamma", n.getFloat("gamma", 1.0507f));
            });
        }
    }

    /** 1 -> 6: `to` changes from a type name ("FLOAT") to the TensorProto.DataType code. */
    private static void cast(Node n, int from, UpgradePlan p) {
        if (n.attrs().containsKey("to") && n.attrs().get("to").value() instanceof Long) {
            return;
        }
        String name = n.getString("to", "");
        DType t = null;
        for (DType d : DType.values()) {
            if (d.name().equalsIgnoreCase(name) && d != DType.STRING) {
                t = d;
            }
        }
        if (t == null) {
            p.refuse(n, "cast to \"" + name + "\" is not a numeric type isptool knows");
            return;
        }
        long code = t.onnxCode;
        p.edit(n, "`to` type name -> type code", () -> n.set("to", code));
    }

    /** 1 -> 4: axis became required; Concat-1's default was 1. */
    private static void concat(Node n, int from, UpgradePlan p) {
        if (!n.has("axis")) {
            p.edit(n, "default axis 1 made explicit", () -> n.set("axis", 1L));
        }
    }

    /** 1 -> 5: the target shape moves from the `shape` attribute to a second (int64) input. */
    private static void reshape(Node n, int from, UpgradePlan p) {
        long[] shape = n.getInts("shape", null);
        if (shape == null) {
            if (n.input(1) == null) {
                p.refuse(n, "has neither a shape attribute nor a shape input");
            }
            return;
        }
        if (n.input(1) != null) {
            p.refuse(n, "has both a shape attribute and a second input");
            return;
        }
        Tensor target = Tensor.ofLongs(new long[] {shape.length}, shape);
        p.edit(n, "shape attribute -> shape input", () -> {
            p.g.setInput(n, 1, p.g.addConstant(n.name() + "_shape", target));
            n.remove("shape");
        });
    }

    /** 1 -> 2: `paddings` was renamed `pads` (same [x1_begin, x2_begin, ..., x1_end, ...] layout). */
    private static void pad(Node n, int from, UpgradePlan p) {
        long[] paddings = n.getInts("paddings", null);
        if (paddings == null) {
            if (!n.has("pads")) {
                p.refuse(n, "has no paddings");
            }
            return;
        }
        p.edit(n, "paddings -> pads", () -> {
            n.set("pads", paddings);
            n.remove("paddings");
        });
    }

    /**
     * 1 -> 2: the split lengths may no longer come as a second input, and axis gained a default
     * (0). Split-1 had none: a node without axis is refused.
     */
    private static void split(Node n, int from, UpgradePlan p) {
        if (!n.has("axis")) {
            p.refuse(n, "Split-1 without an axis attribute has no defined axis");
            return;
        }
        Value lengths = n.input(1);
        if (lengths == null) {
            return;
        }
        if (!lengths.isConstant() || n.has("split")) {
            p.refuse(n, "split lengths given as a computed second input (or twice) have no opset-2 form");
            return;
        }
        long[] split = lengths.constant().toLongs();
        p.edit(n, "split input -> split attribute", () -> {
            n.set("split", split);
            p.g.truncateInputs(n, 1);
        });
    }

    /** 1 -> 2: p changes from float to int; kernel_shape of LpPool becomes required. */
    private static void lpPool(Node n, int from, UpgradePlan p) {
        if (n.is("LpPool") && !n.has("kernel_shape")) {
            p.refuse(n, "has no kernel_shape");
            return;
        }
        if (!n.has("p")) {
            return;
        }
        float norm = n.getFloat("p", 2f);
        if (norm != Math.rint(norm)) {
            p.refuse(n, "p=" + norm + " is not an integer, which LpPool-2 requires");
            return;
        }
        p.edit(n, "p float -> int", () -> n.set("p", (long) norm));
    }

    /** 1 -> 6: (tiles, axis) scalar inputs become one `repeats` input with an entry per axis. */
    private static void tile(Node n, int from, UpgradePlan p) {
        Tensor tiles = Graph.constant(n.input(1));
        Tensor axis = Graph.constant(n.input(2));
        int rank = p.rank(n.input(0));
        if (tiles == null || axis == null || tiles.elementCount() != 1 || axis.elementCount() != 1 || rank < 0) {
            p.refuse(n, "Tile-1 needs constant scalar tiles and axis and an input of known rank");
            return;
        }
        long a = axis.getLong(0);
        if (a < 0 || a >= rank) {
            p.refuse(n, "axis " + a + " is outside the input's rank " + rank);
            return;
        }
        long[] repeats = new long[rank];
        Arrays.fill(repeats, 1);
        repeats[(int) a] = tiles.getLong(0);
        p.edit(n, "(tiles, axis) -> repeats", () -> {
            p.g.truncateInputs(n, 1);
            p.g.setInput(n, 1, p.g.addConstant(n.name() + "_repeats", Tensor.ofLongs(new long[] {rank}, repeats)));
        });
    }

    /**
     * 1 -> 7: height_scale/width_scale become scales [1, 1, h, w] of the NCHW input. Only nearest
     * is upgraded: Upsample-1's "bilinear" does not define where samples sit, so whether
     * Upsample-7's "linear" computes the same cannot be known.
     */
    private static void upsample(Node n, int from, UpgradePlan p) {
        String mode = n.getString("mode", "nearest");
        int rank = p.rank(n.input(0));
        if (!mode.equals("nearest")) {
            p.refuse(n, "mode \"" + mode + "\" of Upsample-1 has no exactly matching opset-7 mode");
            return;
        }
        if (!n.has("height_scale") || !n.has("width_scale") || rank != 4 && rank >= 0) {
            p.refuse(n, "Upsample-1 needs height_scale, width_scale and a 4-D input");
            return;
        }
        float[] scales = {1f, 1f, n.getFloat("height_scale", 1f), n.getFloat("width_scale", 1f)};
        p.edit(n, "height/width_scale -> scales", () -> {
            n.set("scales", Attr.of(scales));
            n.remove("height_scale");
            n.remove("width_scale");
        });
    }

    /**
     * RNN, GRU, LSTM 1 -> 7: output_sequence went (Y is computed when it is an output).
     * GRU 1 -> 3 added linear_before_reset with default 0, which is GRU-1's formula.
     */
    private static void recurrent(Node n, int from, UpgradePlan p) {
        if (n.has("output_sequence")) {
            p.drop(n, "output_sequence removed", "output_sequence");
        }
    }
}
