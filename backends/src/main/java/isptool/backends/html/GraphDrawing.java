package isptool.backends.html;

import isptool.backends.tflite.TfliteModel;
import isptool.backends.tflite.TfliteModel.OperatorInfo;
import isptool.backends.tflite.TfliteModel.TensorInfo;
import isptool.backends.tflite.TfliteType;
import isptool.graph.Attr;
import isptool.graph.Graph;
import isptool.graph.Node;
import isptool.graph.Tensor;
import isptool.graph.Value;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The drawings of a model's graph: an ONNX-level {@link Graph} (shapes as far as the graph knows
 * them: run shape inference first to see them all) or a {@link TfliteModel}, as a
 * {@link Diagram} of op boxes (op, short name, output shape; coloured by {@link OpKind}) joined by
 * their tensors, graph inputs and outputs as round boxes; constants are not boxes but appear in the
 * panel of the op that reads them. Box ids: {@link #nodeId} for ONNX nodes (by index in the
 * graph's order), {@link #operatorId} for TFLite operators (by operator index).
 *
 * <p>A TFLite model's TRANSPOSE operators and its float islands (float operators fed, through
 * float operators only, by a DEQUANTIZE of an activation and feeding a QUANTIZE) are marked:
 * they are what a quantized model should not have.
 */
public final class GraphDrawing {
    static final int NAME_CHARS = 28;

    private GraphDrawing() {
    }

    public static String nodeId(int nodeIndex) {
        return "n" + nodeIndex;
    }

    public static String operatorId(int operatorIndex) {
        return "op" + operatorIndex;
    }

    /** The graph's nodes in its order (box {@link #nodeId}(i) is nodes().get(i)). */
    public static Diagram of(Graph g) {
        Diagram d = new Diagram();
        Map<Value, String> producer = new HashMap<>();
        for (Value in : g.inputs()) {
            String id = "in:" + in.name();
            d.io(id, shortName(in.name()), String.valueOf(in.shape())).note("input", describe(in));
            producer.put(in, id);
        }
        List<Node> nodes = g.nodes();
        for (int i = 0; i < nodes.size(); i++) {
            Node n = nodes.get(i);
            String id = nodeId(i);
            Value out = n.outputs().isEmpty() ? null : n.output(0);
            Diagram.Box b = d.op(id, n.opType(), shortName(n.name()),
                    out == null || out.shape() == null ? "" : String.valueOf(out.shape()), OpKind.of(n.opType()));
            b.note("op", n.domain() == null || n.domain().isEmpty() ? n.opType() : n.domain() + "." + n.opType());
            b.note("inputs", n.inputs().stream().map(v -> v == null ? "(none)" : describe(v)).toList());
            b.note("outputs", n.outputs().stream().map(GraphDrawing::describe).toList());
            n.attrs().forEach((k, a) -> b.note(k, attr(a)));
            for (Value v : n.inputs()) {
                String from = v == null ? null : producer.get(v);
                if (from != null) {
                    d.edge(from, id);
                }
            }
            n.outputs().forEach(v -> producer.put(v, id));
        }
        for (Value out : g.outputs()) {
            String id = "out:" + out.name();
            d.io(id, shortName(out.name()), String.valueOf(out.shape())).note("output", describe(out));
            if (producer.containsKey(out)) {
                d.edge(producer.get(out), id);
            }
        }
        return d;
    }

    /** The model's operators in execution order, with TRANSPOSE and float islands marked. */
    public static Diagram of(TfliteModel m) {
        Diagram d = new Diagram();
        Map<Integer, String> producer = new HashMap<>();
        for (TensorInfo in : m.inputs()) {
            String id = "in:" + in.index();
            d.io(id, shortName(in.name()), shape(in)).note("input", describe(in));
            producer.put(in.index(), id);
        }
        List<String> origins = m.operatorOrigins();
        boolean[] island = floatIslands(m);
        for (OperatorInfo op : m.operators()) {
            String id = operatorId(op.index());
            TensorInfo out = op.outputs().isEmpty() || op.outputs().get(0) < 0 ? null : m.tensor(op.outputs().get(0));
            String origin = origins.isEmpty() ? null : origins.get(op.index());
            String name = origin != null ? origin : out != null ? out.name() : "";
            Diagram.Box b = d.op(id, op.opName(), shortName(name), out == null ? "" : shape(out), OpKind.of(op.opName()));
            b.note("operator", "#" + op.index() + " " + op.opName() + " v" + op.version());
            if (origin != null) {
                b.note("ONNX node", origin);
            }
            b.note("inputs", op.inputs().stream().map(t -> t < 0 ? "(omitted)" : describe(m.tensor(t))).toList());
            b.note("outputs", op.outputs().stream().map(t -> describe(m.tensor(t))).toList());
            options(op.options()).forEach(b::note);
            if (op.opName().equals("TRANSPOSE")) {
                b.mark("transpose").note("highlight", "TRANSPOSE: a layout change left in the model");
            }
            if (island[op.index()]) {
                b.mark("float-island").note("highlight", "float island: runs in float between DEQUANTIZE and QUANTIZE");
            }
            for (int t : op.inputs()) {
                String from = t < 0 ? null : producer.get(t);
                if (from != null) {
                    d.edge(from, id);
                }
            }
            op.outputs().forEach(t -> producer.put(t, id));
        }
        for (TensorInfo out : m.outputs()) {
            String id = "out:" + out.index();
            d.io(id, shortName(out.name()), shape(out)).note("output", describe(out));
            if (producer.containsKey(out.index())) {
                d.edge(producer.get(out.index()), id);
            }
        }
        return d;
    }

    /**
     * Operators computing in float inside a quantized model: reached from a DEQUANTIZE of a
     * non-constant tensor through float operators, and reaching a QUANTIZE through float operators.
     */
    static boolean[] floatIslands(TfliteModel m) {
        List<OperatorInfo> ops = m.operators();
        Map<Integer, Integer> producer = new HashMap<>();
        Map<Integer, List<Integer>> consumers = new HashMap<>();
        for (OperatorInfo op : ops) {
            op.outputs().forEach(t -> producer.put(t, op.index()));
            op.inputs().forEach(t -> consumers.computeIfAbsent(t, k -> new ArrayList<>()).add(op.index()));
        }
        boolean[] floatOp = new boolean[ops.size()];
        for (OperatorInfo op : ops) {
            floatOp[op.index()] = !op.opName().equals("QUANTIZE") && !op.opName().equals("DEQUANTIZE")
                    && !op.outputs().isEmpty() && op.outputs().get(0) >= 0
                    && m.tensor(op.outputs().get(0)).type() == TfliteType.FLOAT32;
        }
        // operators are stored in execution order: one forward and one backward sweep suffice
        boolean[] fromDequant = new boolean[ops.size()];
        for (OperatorInfo op : ops) {
            if (!floatOp[op.index()]) {
                continue;
            }
            for (int t : op.inputs()) {
                Integer p = t < 0 ? null : producer.get(t);
                if (p != null && (fromDequant[p] || isActivationDequantize(m, ops.get(p)))) {
                    fromDequant[op.index()] = true;
                }
            }
        }
        boolean[] toQuant = new boolean[ops.size()];
        for (int i = ops.size() - 1; i >= 0; i--) {
            if (!floatOp[i]) {
                continue;
            }
            for (int t : ops.get(i).outputs()) {
                for (int c : consumers.getOrDefault(t, List.of())) {
                    if (toQuant[c] || ops.get(c).opName().equals("QUANTIZE")) {
                        toQuant[i] = true;
                    }
                }
            }
        }
        boolean[] island = new boolean[ops.size()];
        for (int i = 0; i < island.length; i++) {
            island[i] = fromDequant[i] && toQuant[i];
        }
        return island;
    }

    private static boolean isActivationDequantize(TfliteModel m, OperatorInfo op) {
        return op.opName().equals("DEQUANTIZE") && !op.inputs().isEmpty() && op.inputs().get(0) >= 0
                && !m.tensor(op.inputs().get(0)).isConstant();
    }

    /** The tail of a long name, where layer paths keep what tells them apart. */
    static String shortName(String name) {
        if (name == null) {
            return "";
        }
        return name.length() <= NAME_CHARS ? name : "…" + name.substring(name.length() - NAME_CHARS + 1);
    }

    private static String describe(Value v) {
        String s = v.name() + (v.dtype() == null ? "" : ": " + v.dtype()) + (v.shape() == null ? "" : String.valueOf(v.shape()));
        return v.isConstant() ? s + " (constant)" : s;
    }

    private static String describe(TensorInfo t) {
        String s = t.name() + ": " + t.describe();
        if (t.quantization() != null) {
            float[] scale = t.quantization().scale();
            s += t.quantization().isPerChannel() ? " per-channel (" + scale.length + " scales)"
                    : " scale " + scale[0] + " zero point " + t.quantization().zeroPoint()[0];
        }
        return t.isConstant() ? s + " (constant)" : s;
    }

    private static String shape(TensorInfo t) {
        return Arrays.toString(t.shapeSignature()).replace(" ", "").replace("-1", "?");
    }

    private static String attr(Attr a) {
        if (a.value() instanceof Tensor t) {
            return "tensor " + t.dtype() + Arrays.toString(t.shape());
        }
        String s = a.toString();
        return s.length() > 200 ? s.substring(0, 200) + "…" : s;
    }

    /** The schema's name for the enum-valued options a reader looks for (RELU6, SAME), else the value. */
    private static String enumName(String option, Object v) {
        if (v instanceof Byte b) {
            switch (option) {
                case "fusedActivationFunction":
                    return org.tensorflow.lite.schema.ActivationFunctionType.name(b);
                case "padding":
                    return org.tensorflow.lite.schema.Padding.name(b);
                case "mode":
                    return org.tensorflow.lite.schema.MirrorPadMode.name(b);
                default:
                    break;
            }
        }
        return String.valueOf(v);
    }

    /** A TFLite operator's builtin options (schema *OptionsT getters) as field → value. */
    static Map<String, Object> options(Object options) {
        Map<String, Object> fields = new LinkedHashMap<>();
        if (options == null) {
            return fields;
        }
        Method[] methods = options.getClass().getMethods();
        Arrays.sort(methods, (a, b) -> a.getName().compareTo(b.getName()));
        for (Method get : methods) {
            if (get.getName().startsWith("get") && get.getParameterCount() == 0 && !Modifier.isStatic(get.getModifiers())
                    && get.getDeclaringClass() == options.getClass()) {
                try {
                    Object v = get.invoke(options);
                    String name = Character.toLowerCase(get.getName().charAt(3)) + get.getName().substring(4);
                    fields.put(name, v instanceof int[] a ? Arrays.toString(a) : enumName(name, v));
                } catch (ReflectiveOperationException e) {
                    // an options getter that cannot be read is left out of the panel
                }
            }
        }
        return fields;
    }
}
