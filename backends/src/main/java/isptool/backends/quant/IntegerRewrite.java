package isptool.backends.quant;

import isptool.backends.quant.QModel.Op;
import isptool.backends.quant.QModel.Tens;
import isptool.backends.tflite.Quantization;
import isptool.backends.tflite.TfliteOpTable;
import isptool.backends.tflite.TfliteType;
import isptool.graph.DType;
import isptool.graph.Tensor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tensorflow.lite.schema.BuiltinOperator;

/**
 * Writes the integer model from the float one: every operator outside the float set reads and
 * writes integer tensors with the chosen parameters, its weights per channel and its biases in
 * the accumulator type; a QUANTIZE or DEQUANTIZE is inserted, once per tensor, wherever a value
 * crosses between integer and float operators and at the model's inputs and outputs.
 * In an int8 model, operators of int16Ops read and write int16 (16x8 kernels); a value crossing
 * from int16 to int8 is requantized by a QUANTIZE, one crossing from int8 to int16 goes through
 * float (DEQUANTIZE, QUANTIZE), because TFLite's QUANTIZE refuses int8 to int16.
 */
final class IntegerRewrite {
    private static final int QUANTIZE_REQUANT_VERSION = 2;
    private static final int DEQUANTIZE_INT_VERSION = 2;

    private final QModel src;
    private final DType act;
    private final IoType io;
    private final Set<Integer> floatOps;
    private final Map<Integer, Quantization> params;
    private final Set<Integer> int16Ops;
    /** Params of each activation in int16 form, for the borders of int16Ops (empty without them). */
    private final Map<Integer, Quantization> params16;
    private final WeightQuantizer weights;
    private final QModel out = new QModel();
    private final Map<Integer, Integer> asInt = new HashMap<>();
    private final Map<Integer, Integer> asFloat = new HashMap<>();
    private final Map<Integer, Integer> copied = new HashMap<>();
    private final Map<Long, Integer> requantized = new HashMap<>();
    /** Integer forms of a tensor in the other activation type than its producer's, by tensor and type. */
    private final Map<Long, Integer> converted = new HashMap<>();
    /** For each written operator, the source operator it came from (-1 for inserted QUANTIZE/DEQUANTIZE). */
    private final List<Integer> origin = new ArrayList<>();

    IntegerRewrite(QModel src, DType act, IoType io, Set<Integer> floatOps, Map<Integer, Quantization> params,
            Set<Integer> int16Ops, Map<Integer, Quantization> params16, WeightQuantizer weights) {
        this.src = src;
        this.act = act;
        this.io = io;
        this.floatOps = floatOps;
        this.params = params;
        this.int16Ops = int16Ops;
        this.params16 = params16;
        this.weights = weights;
    }

    /** The activation type of integer source operator k. */
    private DType actOf(int k) {
        return int16Ops.contains(k) ? DType.INT16 : act;
    }

    /** The params of activation t in the given integer type. */
    private Quantization paramsOf(int t, DType type) {
        return type == act ? params.get(t) : params16.get(t);
    }

    private static long key(int t, DType type) {
        return (long) t << 1 | (type == DType.INT16 ? 1 : 0);
    }

    QModel build() {
        out.inputs = new int[src.inputs.length];
        for (int i = 0; i < src.inputs.length; i++) {
            out.inputs[i] = input(src.inputs[i]);
        }
        for (int k = 0; k < src.ops.size(); k++) {
            Op op = src.ops.get(k);
            boolean integer = !floatOps.contains(k);
            int[] ins = new int[op.inputs.length];
            for (int i = 0; i < ins.length; i++) {
                ins[i] = integer ? integerInput(k, op, i) : floatInput(op.inputs[i]);
            }
            int[] outs = new int[op.outputs.length];
            for (int i = 0; i < outs.length; i++) {
                outs[i] = output(op.outputs[i], integer ? actOf(k) : null);
            }
            int version = integer ? OpKinds.version(op.opName(), actOf(k), op.version) : op.version;
            Op written = new Op(op.code, version, op.options, ins, outs);
            written.origin = op.origin;
            emit(written, k);
        }
        out.outputs = new int[src.outputs.length];
        for (int i = 0; i < src.outputs.length; i++) {
            out.outputs[i] = finalOutput(src.outputs[i]);
        }
        return out;
    }

    /** The source operator behind written operator i, or -1. */
    int origin(int i) {
        return i >= 0 && i < origin.size() ? origin.get(i) : -1;
    }

    private void emit(Op op, int from) {
        out.ops.add(op);
        origin.add(from);
    }

    private boolean isGraphOutput(int t) {
        for (int o : src.outputs) {
            if (o == t) {
                return true;
            }
        }
        return false;
    }

    private int input(int t) {
        Tens s = src.tensor(t);
        switch (io) {
            case FLOAT32 -> {
                int f = out.addActivation(s.name, TfliteType.FLOAT32, s.shape, null);
                asFloat.put(t, f);
                return f;
            }
            case INT8 -> {
                int q = out.addActivation(s.name, TfliteType.INT8, s.shape, params.get(t));
                asInt.put(t, q);
                return q;
            }
            default -> {
                int u = out.addActivation(s.name, TfliteType.UINT8, s.shape, toUint8(params.get(t)));
                int q = out.addActivation(s.name + "/int8", TfliteType.INT8, s.shape, params.get(t));
                emit(new Op(BuiltinOperator.QUANTIZE, QUANTIZE_REQUANT_VERSION, null, new int[] {u}, new int[] {q}), -1);
                asInt.put(t, q);
                return u;
            }
        }
    }

    private static Quantization toUint8(Quantization q) {
        return Quantization.perTensor(q.scale()[0], q.zeroPoint()[0] + 128);
    }

    /**
     * A new output tensor of an operator with activations of type (null: float); a graph output
     * whose I/O form differs from its producer's is named with a suffix.
     */
    private int output(int t, DType type) {
        boolean integer = type != null;
        Tens s = src.tensor(t);
        boolean ioInteger = io == IoType.INT8;
        String name = isGraphOutput(t) && (integer != ioInteger || io == IoType.UINT8)
                ? s.name + (integer ? "/int" : "/float") : s.name;
        if (integer) {
            int q = out.addActivation(name, TfliteType.of(type), s.shape, paramsOf(t, type));
            asInt.put(t, q);
            return q;
        }
        int f = out.addActivation(name, TfliteType.FLOAT32, s.shape, null);
        asFloat.put(t, f);
        return f;
    }

    private int finalOutput(int t) {
        Tens s = src.tensor(t);
        switch (io) {
            case FLOAT32 -> {
                return asFloat.containsKey(t) ? asFloat.get(t) : dequantize(t, s.name);
            }
            case INT8 -> {
                return asInt.containsKey(t) ? asInt.get(t) : quantize(t, s.name, act);
            }
            default -> {
                int u = out.addActivation(s.name, TfliteType.UINT8, s.shape, toUint8(params.get(t)));
                emit(new Op(BuiltinOperator.QUANTIZE, QUANTIZE_REQUANT_VERSION, null,
                        new int[] {integerActivation(t, act)}, new int[] {u}), -1);
                return u;
            }
        }
    }

    /** The float form of source tensor t (a float constant is copied as it is). */
    private int floatInput(int t) {
        if (t < 0) {
            return -1;
        }
        Tens s = src.tensor(t);
        if (s.isConstant()) {
            return copy(t);
        }
        Integer f = asFloat.get(t);
        return f != null ? f : dequantize(t, s.name + "/dequantized");
    }

    /** A DEQUANTIZE of the integer form of t into a new float tensor. */
    private int dequantize(int t, String name) {
        int from = asInt.get(t);
        int r = out.addActivation(name, TfliteType.FLOAT32, src.tensor(t).shape, null);
        emit(new Op(BuiltinOperator.DEQUANTIZE, DEQUANTIZE_INT_VERSION, null, new int[] {from}, new int[] {r}), -1);
        asFloat.put(t, r);
        return r;
    }

    /** The integer form of activation t in the given type. */
    private int integerActivation(int t, DType type) {
        Integer q = asInt.get(t);
        if (q == null) {
            return quantize(t, src.tensor(t).name + "/quantized", type);
        }
        if (out.tensor(q).type == TfliteType.of(type)) {
            return q;
        }
        return converted.computeIfAbsent(key(t, type), x -> convert(t, q, type));
    }

    /** Int16 to int8 by a requantizing QUANTIZE; int8 to int16 through float (QUANTIZE refuses it). */
    private int convert(int t, int from, DType type) {
        Tens s = src.tensor(t);
        String name = s.name + (type == DType.INT16 ? "/int16" : "/int8");
        int in = type == DType.INT16 ? floatInput(t) : from;
        int r = out.addActivation(name, TfliteType.of(type), s.shape, paramsOf(t, type));
        emit(new Op(BuiltinOperator.QUANTIZE, type == DType.INT16 ? 1 : QUANTIZE_REQUANT_VERSION, null, new int[] {in},
                new int[] {r}), -1);
        return r;
    }

    /** A QUANTIZE of the float form of t into a new integer tensor of the given type. */
    private int quantize(int t, String name, DType type) {
        int from = floatInput(t);
        int r = out.addActivation(name, TfliteType.of(type), src.tensor(t).shape, paramsOf(t, type));
        emit(new Op(BuiltinOperator.QUANTIZE, 1, null, new int[] {from}, new int[] {r}), -1);
        asInt.put(t, r);
        return r;
    }

    private int copy(int t) {
        return copied.computeIfAbsent(t, k -> {
            Tens s = src.tensor(k);
            return out.add(new Tens(s.name, s.type, s.shape, s.data, s.quant));
        });
    }

    /**
     * Input i of integer operator k: float activations in integer form (int32 and other non-float
     * activations as they are), float constants quantized for their role.
     */
    private int integerInput(int k, Op op, int i) {
        int t = op.inputs[i];
        if (t < 0) {
            return biasIfNeeded(k, op, i);
        }
        Tens s = src.tensor(t);
        if (!s.isConstant() && s.type != TfliteType.FLOAT32) {
            return floatInput(t);
        }
        DType type = actOf(k);
        if (!s.isConstant()) {
            return sharesOutputParams(op, i) ? requantized(t, paramsOf(op.outputs[0], type), type)
                    : integerActivation(t, type);
        }
        if (!s.isFloatConstant()) {
            return copy(t);
        }
        TfliteOpTable.Weighted w = OpKinds.weighted(op.opName());
        if (w != null && i == w.weights()) {
            return weights.weights(out, k, s);
        }
        if (w != null && i == w.bias()) {
            return weights.bias(out, k, s.data, s.name, paramsOf(op.inputs[w.data()], type));
        }
        Quantization q = OpKinds.allSame(op.opName()) ? paramsOf(op.outputs[0], type) : constantParams(s.data, type);
        return out.addConstant(s.name, QuantMath.quantize(s.data, q, type), q);
    }

    /** True when input i of op must have the output's params (TFLite's kernels copy or compare raw values). */
    private boolean sharesOutputParams(Op op, int i) {
        if (OpKinds.allSame(op.opName())) {
            return true;
        }
        if (!OpKinds.sameAsInput(op.opName())) {
            return false;
        }
        for (int j = 0; j < i; j++) {
            if (op.inputs[j] >= 0 && !src.tensor(op.inputs[j]).isConstant()) {
                return false;
            }
        }
        return true;
    }

    /** The integer form of t with params q: t itself, or a requantizing QUANTIZE of it (once per tensor and type). */
    private int requantized(int t, Quantization q, DType type) {
        int from = integerActivation(t, type);
        if (q == null || q.equals(paramsOf(t, type))) {
            return from;
        }
        return requantized.computeIfAbsent(key(t, type), x -> {
            int r = out.addActivation(src.tensor(t).name + "/requantized", TfliteType.of(type), src.tensor(t).shape,
                    q);
            emit(new Op(BuiltinOperator.QUANTIZE, QUANTIZE_REQUANT_VERSION, null, new int[] {from}, new int[] {r}), -1);
            return r;
        });
    }

    /** A corrected bias where the float model has none (only with bias correction). */
    private int biasIfNeeded(int k, Op op, int i) {
        TfliteOpTable.Weighted w = OpKinds.weighted(op.opName());
        if (w == null || i != w.bias() || !weights.corrects(k)) {
            return -1;
        }
        Tens wt = src.tensor(op.inputs[w.weights()]);
        Tensor zero = Tensor.ofFloats(new long[] {wt.shape[w.axis()]}, new float[(int) wt.shape[w.axis()]]);
        return weights.bias(out, k, zero, wt.name + "/bias", paramsOf(op.inputs[w.data()], actOf(k)));
    }

    private static Quantization constantParams(Tensor c, DType type) {
        double lo = 0;
        double hi = 0;
        for (int i = 0, n = c.elementCount(); i < n; i++) {
            lo = Math.min(lo, c.getDouble(i));
            hi = Math.max(hi, c.getDouble(i));
        }
        return QuantMath.activation(lo, hi, type);
    }
}
