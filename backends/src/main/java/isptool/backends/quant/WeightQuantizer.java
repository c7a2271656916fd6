package isptool.backends.quant;

import isptool.backends.quant.QModel.Op;
import isptool.backends.quant.QModel.Tens;
import isptool.backends.tflite.Quantization;
import isptool.graph.DType;
import isptool.graph.Tensor;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.tensorflow.lite.schema.TransposeConvOptionsT;

/**
 * Weights of conv and fully connected ops: int8, symmetric per output channel in [-127, 127],
 * rounded to nearest or as {@link AdaRound} chooses;
 * biases int32 (int64 for 16x8 operators) with scale input scale times weight scale. With bias correction
 * the bias absorbs the mean output shift the weight rounding causes, estimated from the mean of
 * each input channel over the calibration set: shift[o] = sum of (dequantized - float weight) times
 * the mean of the input channel it multiplies (divided by the stride area for transposed convs,
 * where each output sees that fraction of the taps).
 */
final class WeightQuantizer {
    private final QModel src;
    private final DType act;
    /** Operators with int16 activations in an int8 model: their biases are int64. */
    private final Set<Integer> int16Ops;
    /** Channel means of each weighted op's data input, by source operator; empty without bias correction. */
    private final Map<Integer, double[]> inputMeans;
    private final Map<Integer, float[]> scales = new HashMap<>();
    private final Map<Integer, double[]> shifts = new HashMap<>();
    /** The rounding choice of --adaround, null for round-to-nearest. */
    private final AdaRound rounding;

    WeightQuantizer(QModel src, DType act, Set<Integer> int16Ops, Map<Integer, double[]> inputMeans,
            AdaRound rounding) {
        this.src = src;
        this.act = act;
        this.int16Ops = int16Ops;
        this.inputMeans = inputMeans;
        this.rounding = rounding;
    }

    boolean corrects(int op) {
        return inputMeans.containsKey(op);
    }

    /** The int8 per-channel weights of source operator k. */
    int weights(QModel out, int k, Tens w) {
        Op op = src.ops.get(k);
        int axis = OpKinds.weighted(op.opName()).axis();
        Tensor data = w.data;
        int channels = (int) data.dim(axis);
        int inner = QuantMath.inner(data.shape(), axis);
        double[] maxAbs = new double[channels];
        for (int i = 0, n = data.elementCount(); i < n; i++) {
            int c = (i / inner) % channels;
            maxAbs[c] = Math.max(maxAbs[c], Math.abs(data.getDouble(i)));
        }
        float[] s = new float[channels];
        for (int c = 0; c < channels; c++) {
            s[c] = (float) (maxAbs[c] > 0 ? maxAbs[c] / 127.0 : 1.0 / 127.0);
        }
        Quantization q = Quantization.perChannel(s, axis);
        Tensor stored = rounding != null && rounding.covers(k) ? rounding.round(k, data, s)
                : QuantMath.quantize(data, q, DType.INT8);
        scales.put(k, s);
        if (corrects(k)) {
            Tensor back = QuantMath.dequantize(stored, q);
            double[] delta = new double[data.elementCount()];
            for (int i = 0; i < delta.length; i++) {
                delta[i] = back.getDouble(i) - data.getDouble(i);
            }
            shifts.put(k, shift(op, data.shape(), axis, delta, inputMeans.get(k)));
        }
        return out.addConstant(w.name, stored, q);
    }

    /** The bias of source operator k (after its weights), corrected when asked, in the accumulator type. */
    int bias(QModel out, int k, Tensor bias, String name, Quantization input) {
        float[] ws = scales.get(k);
        double[] shift = shifts.get(k);
        double inScale = input.scale()[0];
        float[] s = new float[ws.length];
        long[] values = new long[ws.length];
        DType type = act == DType.INT16 || int16Ops.contains(k) ? DType.INT64 : DType.INT32;
        for (int c = 0; c < ws.length; c++) {
            double scale = inScale * ws[c];
            s[c] = (float) scale;
            double b = bias.getDouble(c) - (shift == null ? 0 : shift[c]);
            long v = Math.round(b / (double) s[c]);
            values[c] = Math.max(QuantMath.qmin(type), Math.min(QuantMath.qmax(type), v));
        }
        return out.addConstant(name, Tensor.ofIntegers(type, new long[] {ws.length}, values),
                Quantization.perChannel(s, 0));
    }

    /** The mean output shift per channel caused by the weight error delta. */
    private static double[] shift(Op op, long[] shape, int axis, double[] delta, double[] mean) {
        int outChannels = (int) shape[axis];
        int last = (int) shape[shape.length - 1];
        double[] r = new double[outChannels];
        boolean depthwise = axis == shape.length - 1 && axis != 0;
        if (depthwise ? outChannels % mean.length != 0 : mean.length % last != 0) {
            return r;
        }
        double fraction = 1;
        if (op.options instanceof TransposeConvOptionsT t) {
            fraction = 1.0 / Math.max(1, t.getStrideH() * t.getStrideW());
        }
        int perOut = delta.length / outChannels;
        int groups = mean.length / last;
        for (int e = 0; e < delta.length; e++) {
            int o = depthwise ? e % outChannels : e / perOut;
            int in = depthwise ? o / (outChannels / mean.length) : (o / (outChannels / groups)) * last + e % last;
            r[o] += delta[e] * mean[in] * fraction;
        }
        return r;
    }
}
