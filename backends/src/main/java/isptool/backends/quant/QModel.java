package isptool.backends.quant;

import isptool.backends.tflite.Quantization;
import isptool.backends.tflite.TfliteBuilder;
import isptool.backends.tflite.TfliteModel;
import isptool.backends.tflite.TfliteModel.OperatorInfo;
import isptool.backends.tflite.TfliteModel.TensorInfo;
import isptool.backends.tflite.TfliteOps;
import isptool.backends.tflite.TfliteType;
import isptool.graph.Tensor;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A mutable copy of a single-subgraph TFLite model that the quantizer rewrites; written back
 * through {@link TfliteBuilder}, which drops the tensors no operator uses any more. Constant data
 * is not copied: it is read from the model file's mapping, which must not change meanwhile.
 */
final class QModel {
    /** A tensor: constants hold their data, activations none. */
    static final class Tens {
        String name;
        TfliteType type;
        long[] shape;
        Tensor data;
        Quantization quant;

        Tens(String name, TfliteType type, long[] shape, Tensor data, Quantization quant) {
            this.name = name;
            this.type = type;
            this.shape = shape;
            this.data = data;
            this.quant = quant;
        }

        boolean isConstant() {
            return data != null;
        }

        boolean isFloatConstant() {
            return data != null && type == TfliteType.FLOAT32;
        }
    }

    /** An operator: builtin code, version, options object and tensor indices (-1 for an omitted input). */
    static final class Op {
        int code;
        int version;
        Object options;
        int[] inputs;
        int[] outputs;
        /** The ONNX node it came from, null where unknown (an operator the quantizer added). */
        String origin;

        Op(int code, int version, Object options, int[] inputs, int[] outputs) {
            this.code = code;
            this.version = version;
            this.options = options;
            this.inputs = inputs;
            this.outputs = outputs;
        }

        String opName() {
            return TfliteOps.name(code);
        }
    }

    final List<Tens> tensors = new ArrayList<>();
    final List<Op> ops = new ArrayList<>();
    int[] inputs = new int[0];
    int[] outputs = new int[0];
    private final Set<String> names = new HashSet<>();

    /** A copy of m (constant data copied off the file). */
    static QModel read(TfliteModel m) {
        QModel q = new QModel();
        for (TensorInfo t : m.tensors()) {
            // constants stay views of the memory-mapped file: no heap for the weights
            Tensor data = t.isConstant() ? m.constant(t.index()) : null;
            q.add(new Tens(t.name(), t.type(), t.shapeSignature().clone(), data, t.quantization()));
        }
        List<String> origins = m.operatorOrigins();
        for (OperatorInfo o : m.operators()) {
            Op op = new Op(o.builtinCode(), o.version(), o.options(), toInts(o.inputs()), toInts(o.outputs()));
            op.origin = origins.isEmpty() ? null : origins.get(o.index());
            q.ops.add(op);
        }
        q.inputs = m.inputs().stream().mapToInt(TensorInfo::index).toArray();
        q.outputs = m.outputs().stream().mapToInt(TensorInfo::index).toArray();
        return q;
    }

    private static int[] toInts(List<Integer> l) {
        return l.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Adds a tensor, its name made unique; returns its index. */
    int add(Tens t) {
        String base = t.name;
        for (int i = 1; names.contains(t.name); i++) {
            t.name = base + "_" + i;
        }
        names.add(t.name);
        tensors.add(t);
        return tensors.size() - 1;
    }

    int addActivation(String name, TfliteType type, long[] shape, Quantization q) {
        return add(new Tens(name, type, shape.clone(), null, q));
    }

    int addConstant(String name, Tensor data, Quantization q) {
        return add(new Tens(name, TfliteType.of(data.dtype()), data.shape(), data, q));
    }

    Tens tensor(int i) {
        return tensors.get(i);
    }

    /** The operator writing tensor t, or -1 (inputs and constants). */
    int producer(int t) {
        for (int k = 0; k < ops.size(); k++) {
            for (int o : ops.get(k).outputs) {
                if (o == t) {
                    return k;
                }
            }
        }
        return -1;
    }

    /** How many operator inputs read tensor t (graph outputs count too). */
    int uses(int t) {
        int n = 0;
        for (Op op : ops) {
            for (int i : op.inputs) {
                n += i == t ? 1 : 0;
            }
        }
        for (int o : outputs) {
            n += o == t ? 1 : 0;
        }
        return n;
    }

    /** A copy with the same tensors and operators whose outputs are the given tensors. */
    QModel withOutputs(int[] outs) {
        QModel q = new QModel();
        q.tensors.addAll(tensors);
        q.ops.addAll(ops);
        q.names.addAll(names);
        q.inputs = inputs.clone();
        q.outputs = outs.clone();
        return q;
    }

    /** Every activation that is not a graph input: what a probe run reads. */
    int[] activations() {
        Set<Integer> in = new HashSet<>();
        for (int i : inputs) {
            in.add(i);
        }
        List<Integer> r = new ArrayList<>();
        for (Op op : ops) {
            for (int o : op.outputs) {
                if (!in.contains(o) && !r.contains(o)) {
                    r.add(o);
                }
            }
        }
        return r.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * A builder for the model, with only the tensors operators, inputs or outputs refer to; its
     * {@code write} builds the file in a mapping, so constants need no heap.
     */
    TfliteBuilder builder() {
        boolean[] used = new boolean[tensors.size()];
        for (Op op : ops) {
            mark(used, op.inputs);
            mark(used, op.outputs);
        }
        mark(used, inputs);
        mark(used, outputs);
        TfliteBuilder b = new TfliteBuilder();
        int[] index = new int[tensors.size()];
        for (int i = 0; i < tensors.size(); i++) {
            Tens t = tensors.get(i);
            if (!used[i]) {
                index[i] = -1;
            } else if (t.isConstant()) {
                index[i] = b.addConstant(t.name, t.type, t.shape, t.data.rawData(), t.quant);
            } else {
                index[i] = b.addTensor(t.name, t.type, t.shape, t.quant);
            }
        }
        String[] origins = origins();
        for (int k = 0; k < ops.size(); k++) {
            Op op = ops.get(k);
            b.origin(origins[k]).addOperator(op.code, op.version, op.options, remap(op.inputs, index),
                    remap(op.outputs, index));
        }
        b.inputs(remap(inputs, index)).outputs(remap(outputs, index));
        return b;
    }

    /** The model as .tflite bytes (on the heap: for small models and interpreter checks). */
    byte[] toBytes() {
        return builder().toBytes();
    }

    /** The operator histogram (op name -> count), as TfliteModel gives it for a written file. */
    Map<String, Integer> opHistogram() {
        Map<String, Integer> h = new TreeMap<>();
        for (Op op : ops) {
            h.merge(op.opName(), 1, Integer::sum);
        }
        return h;
    }

    /**
     * Each operator's ONNX node; an operator the quantizer added (a QUANTIZE, a weight's
     * DEQUANTIZE, a PRELU's MUL) belongs to the node of the first operator reading its output, else
     * to the one writing its first input. All null when the model carried no mapping.
     */
    private String[] origins() {
        String[] r = new String[ops.size()];
        boolean any = false;
        for (int k = 0; k < r.length; k++) {
            r[k] = ops.get(k).origin;
            any |= r[k] != null;
        }
        if (!any) {
            return r;
        }
        for (int k = r.length - 1; k >= 0; k--) {
            for (int t : ops.get(k).outputs) {
                for (int j = k + 1; j < r.length && r[k] == null; j++) {
                    if (contains(ops.get(j).inputs, t)) {
                        r[k] = r[j];
                    }
                }
            }
        }
        for (int k = 0; k < r.length; k++) {
            int[] in = ops.get(k).inputs;
            int p = r[k] != null || in.length == 0 || in[0] < 0 ? -1 : producer(in[0]);
            if (p >= 0) {
                r[k] = r[p];
            }
        }
        return r;
    }

    private static boolean contains(int[] ids, int t) {
        for (int i : ids) {
            if (i == t) {
                return true;
            }
        }
        return false;
    }

    private static void mark(boolean[] used, int[] ids) {
        for (int i : ids) {
            if (i >= 0) {
                used[i] = true;
            }
        }
    }

    private static int[] remap(int[] ids, int[] index) {
        int[] r = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            r[i] = ids[i] < 0 ? -1 : index[ids[i]];
        }
        return r;
    }
}
