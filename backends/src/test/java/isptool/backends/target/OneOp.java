package isptool.backends.target;

import isptool.backends.tflite.Quantization;
import isptool.backends.tflite.TfliteBuilder;
import isptool.backends.tflite.TfliteModel;
import isptool.backends.tflite.TfliteType;
import isptool.graph.DType;
import isptool.graph.Shape;
import isptool.graph.Tensor;
import java.util.ArrayList;
import java.util.List;

/** One-operator TFLite models for rule tests: tensors described by {@link Spec}s, written and read back. */
final class OneOp {
    /** A tensor of the operator: an activation (constant null), a constant, or an omitted input (type null). */
    record Spec(TfliteType type, long[] shape, Tensor constant, Quantization quantization) {
    }

    private OneOp() {
    }

    static Spec act(TfliteType type, long... shape) {
        return new Spec(type, shape, null, quantization(type));
    }

    static Spec constFloat(long... shape) {
        return new Spec(TfliteType.FLOAT32, shape, Tensor.of(DType.FLOAT, shape,
                new double[(int) Shape.of(shape).elementCount()]), null);
    }

    static Spec constHalf(long... shape) {
        return new Spec(TfliteType.FLOAT16, shape, Tensor.of(DType.FLOAT16, shape,
                new double[(int) Shape.of(shape).elementCount()]), null);
    }

    /** A constant of this type (quantized like an activation of the type), all zeros. */
    static Spec constOf(TfliteType type, long... shape) {
        return new Spec(type, shape, Tensor.of(type.dtype(), shape, new double[(int) Shape.of(shape).elementCount()]),
                quantization(type));
    }

    /** A 1-D int32 constant holding these values (shapes, axes, permutations, paddings flattened). */
    static Spec ints(long... values) {
        return new Spec(TfliteType.INT32, new long[] {values.length}, Tensor.ofIntegers(DType.INT32,
                new long[] {values.length}, values), null);
    }

    /** An int32 constant of the given shape (paddings [n,2]). */
    static Spec ints(long[] shape, long... values) {
        return new Spec(TfliteType.INT32, shape, Tensor.ofIntegers(DType.INT32, shape, values), null);
    }

    static Spec omitted() {
        return new Spec(null, null, null, null);
    }

    /** The model: the op's non-constant inputs are the model inputs, out its output. */
    static TfliteModel of(int builtinCode, int version, Object options, Spec out, Spec... inputs) {
        TfliteBuilder b = new TfliteBuilder();
        List<Integer> modelInputs = new ArrayList<>();
        int[] in = new int[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            Spec s = inputs[i];
            if (s.type() == null) {
                in[i] = -1;
            } else if (s.constant() != null) {
                in[i] = b.addConstant("c" + i, s.constant(), s.quantization());
            } else {
                in[i] = b.addTensor("in" + i, s.type(), s.shape(), s.quantization());
                modelInputs.add(in[i]);
            }
        }
        int o = b.addTensor("out", out.type(), out.shape(), out.quantization());
        b.addOperator(builtinCode, version, options, in, new int[] {o});
        b.inputs(modelInputs.stream().mapToInt(Integer::intValue).toArray()).outputs(o);
        return TfliteModel.of(b.toBytes(), "one-op model");
    }

    static TfliteModel of(int builtinCode, Object options, Spec out, Spec... inputs) {
        return of(builtinCode, 1, options, out, inputs);
    }

    private static Quantization quantization(TfliteType type) {
        return switch (type) {
            case INT8 -> Quantization.perTensor(0.05, -3);
            case UINT8 -> Quantization.perTensor(0.05, 128);
            case INT16 -> Quantization.perTensor(0.001, 0);
            default -> null;
        };
    }
}
