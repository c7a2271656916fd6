package isptool.backends.qnn;

import isptool.backends.tflite.Quantization;
import isptool.backends.tflite.TfliteModel;
import isptool.backends.tflite.TfliteModel.TensorInfo;
import isptool.backends.tflite.TfliteType;
import isptool.graph.ModelException;
import isptool.graph.Tensor;

/**
 * TFLite tensors as QNN tensors (QNN.md sec. 3):
 * <ul>
 * <li>activations and activation-like constants: TFLite int8 {@code real = s (q - z)} becomes
 * UFIXED_POINT_8 {@code q' = q + 128}, offset {@code -(z + 128)}; int16 becomes UFIXED_POINT_16
 * {@code q' = q + 32768}, offset {@code -(z + 32768)}; uint8 stays, offset {@code -z}. The real
 * values are identical.</li>
 * <li>weights (the filter of a convolution or dense op): SFIXED_POINT_8, symmetric, offset 0, per
 * axis on the Cout axis of the QNN layout when TFLite has per-channel scales.</li>
 * <li>biases: SFIXED_POINT_32 with the bias's own scale {@code max|b| / (2^31 - 1)}, offset 0
 * (the converter's --bias_bitwidth 32 convention): TFLite's int32 (int8 models) or int64
 * (int16x8 models) bias is dequantized with its per-channel scales and requantized once.</li>
 * <li>float32 tensors: FLOAT_32, or FLOAT_16 for an fp16 graph.</li>
 * </ul>
 * Refuses a tensor type with no QNN counterpart here, naming the tensor.
 */
final class QnnTensorMapping {
    private final TfliteModel model;
    private final QnnDataType floatType;

    QnnTensorMapping(TfliteModel model, QnnDataType floatType) {
        this.model = model;
        this.floatType = floatType;
    }

    static int[] dims(long[] shape) {
        if (shape.length == 0) {
            return new int[] {1};
        }
        int[] d = new int[shape.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = Math.toIntExact(shape[i]);
        }
        return d;
    }

    /** An activation tensor (no data) of the given kind. */
    QnnTensor activation(TensorInfo t, String name, QnnTensor.Kind kind) {
        return new QnnTensor(name, t.name(), kind, activationType(t), dims(t.shape()), activationEncoding(t), null);
    }

    private QnnDataType activationType(TensorInfo t) {
        return switch (t.type()) {
            case FLOAT32, FLOAT16 -> floatType;
            case INT8, UINT8 -> t.quantization() == null ? refuse(t, "is an unquantized 8-bit integer tensor")
                    : QnnDataType.UFIXED_POINT_8;
            case INT16 -> t.quantization() == null ? refuse(t, "is an unquantized 16-bit integer tensor")
                    : QnnDataType.UFIXED_POINT_16;
            case INT32 -> QnnDataType.INT_32;
            default -> refuse(t, "has type " + t.type() + ", which this QNN emitter does not map");
        };
    }

    /** The shift from TFLite's stored integer to QNN's unsigned one. */
    private static long shift(TensorInfo t) {
        return switch (t.type()) {
            case INT8 -> 128;
            case INT16 -> 32768;
            default -> 0;
        };
    }

    private QnnEncoding activationEncoding(TensorInfo t) {
        Quantization q = t.quantization();
        if (q == null || t.type() == TfliteType.FLOAT32 || t.type() == TfliteType.FLOAT16) {
            return null;
        }
        if (q.isPerChannel()) {
            return refuse(t, "is a per-channel quantized activation");
        }
        return QnnEncoding.perTensor(q.scale()[0], -(q.zeroPoint()[0] + shift(t)));
    }

    /** A constant used as an activation (an Add/Mul operand, a Prelu slope): same types, data shifted. */
    QnnTensor constant(TensorInfo t, String name) {
        QnnTensor a = activation(t, name, QnnTensor.Kind.STATIC);
        Tensor data = model.constant(t.index());
        double[] v = data.toDoubles();
        if (a.encoding() != null) {
            long shift = shift(t);
            for (int i = 0; i < v.length; i++) {
                v[i] += shift;
            }
        }
        return new QnnTensor(name, t.name(), QnnTensor.Kind.STATIC, a.type(), a.dims(), a.encoding(),
                QnnValues.store(v, a.type(), a.dims(), null));
    }

    /**
     * Convolution/dense weights, permuted by perm (QNN dim i = TFLite dim perm[i]); per-channel
     * scales move with their axis.
     */
    QnnTensor weights(TensorInfo t, String name, int[] perm) {
        Tensor data = model.constant(t.index());
        int[] from = dims(t.shape());
        int[] to = new int[perm.length];
        for (int i = 0; i < perm.length; i++) {
            to[i] = from[perm[i]];
        }
        double[] v = permute(data.toDoubles(), from, perm);
        Quantization q = t.quantization();
        if (isFloat(t) || q == null) {
            if (!isFloat(t)) {
                refuse(t, "is an unquantized integer weight");
            }
            return new QnnTensor(name, t.name(), QnnTensor.Kind.STATIC, floatType, to, null,
                    QnnValues.store(v, floatType, to, null));
        }
        if (t.type() != TfliteType.INT8) {
            refuse(t, "holds " + t.type() + " weights; QNN weights here are signed 8-bit");
        }
        for (long z : q.zeroPoint()) {
            if (z != 0) {
                refuse(t, "has asymmetric weights (zero point " + z + "); per-axis QNN weights must be symmetric");
            }
        }
        float[] s = q.scale();
        double[] scale = new double[s.length];
        for (int i = 0; i < s.length; i++) {
            scale[i] = s[i];
        }
        int axis = -1;
        if (q.isPerChannel()) {
            for (int i = 0; i < perm.length; i++) {
                if (perm[i] == q.quantizedDimension()) {
                    axis = i;
                }
            }
        }
        QnnEncoding e = new QnnEncoding(axis, scale, new long[scale.length]);
        return new QnnTensor(name, t.name(), QnnTensor.Kind.STATIC, QnnDataType.SFIXED_POINT_8, to, e,
                QnnValues.store(v, QnnDataType.SFIXED_POINT_8, to, null));
    }

    /** A bias: float stays float; integer is requantized to SFIXED_POINT_32 with its own per-tensor scale. */
    QnnTensor bias(TensorInfo t, String name) {
        Tensor data = model.constant(t.index());
        int[] d = dims(t.shape());
        double[] v = data.toDoubles();
        if (isFloat(t)) {
            return new QnnTensor(name, t.name(), QnnTensor.Kind.STATIC, floatType, d, null,
                    QnnValues.store(v, floatType, d, null));
        }
        Quantization q = t.quantization();
        if (q == null) {
            refuse(t, "is an integer bias without scales");
        }
        float[] s = q.scale();
        for (int i = 0; i < v.length; i++) {
            v[i] *= s[q.isPerChannel() ? i : 0];
        }
        QnnEncoding e = biasEncoding(v);
        return new QnnTensor(name, t.name(), QnnTensor.Kind.STATIC, QnnDataType.SFIXED_POINT_32, d, e,
                QnnValues.store(v, QnnDataType.SFIXED_POINT_32, d, e));
    }

    /** A bias's own SFIXED_POINT_32 encoding: scale max|b| / (2^31 - 1) (1 for an all-zero bias), offset 0. */
    static QnnEncoding biasEncoding(double[] bias) {
        double max = 0;
        for (double b : bias) {
            max = Math.max(max, Math.abs(b));
        }
        return QnnEncoding.perTensor(max == 0 ? 1.0 : (float) (max / Integer.MAX_VALUE), 0);
    }

    static boolean isFloat(TensorInfo t) {
        return t.type() == TfliteType.FLOAT32 || t.type() == TfliteType.FLOAT16;
    }

    /** Row-major values of dims from, reordered so that result dim i is source dim perm[i]. */
    static double[] permute(double[] v, int[] from, int[] perm) {
        int rank = from.length;
        int[] strides = new int[rank];
        for (int i = rank - 1, s = 1; i >= 0; s *= from[i], i--) {
            strides[i] = s;
        }
        int[] to = new int[rank];
        for (int i = 0; i < rank; i++) {
            to[i] = from[perm[i]];
        }
        double[] r = new double[v.length];
        int[] idx = new int[rank];
        for (int k = 0; k < r.length; k++) {
            int src = 0;
            for (int i = 0; i < rank; i++) {
                src += idx[i] * strides[perm[i]];
            }
            r[k] = v[src];
            for (int i = rank - 1; i >= 0 && ++idx[i] == to[i]; i--) {
                idx[i] = 0;
            }
        }
        return r;
    }

    private <T> T refuse(TensorInfo t, String why) {
        throw new ModelException(model.label() + ": tensor \"" + t.name() + "\" " + why
                + "; the QNN backend cannot write it (use --backend tflite, or keep the op in float with --float-ops)");
    }
}
