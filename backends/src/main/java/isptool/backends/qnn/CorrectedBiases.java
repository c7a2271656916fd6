package isptool.backends.qnn;

import isptool.backends.tflite.Quantization;
import isptool.backends.tflite.TfliteModel;
import isptool.backends.tflite.TfliteModel.OperatorInfo;
import isptool.backends.tflite.TfliteModel.TensorInfo;
import isptool.backends.tflite.lower.WeightLayout;
import isptool.graph.Graph;
import isptool.graph.Node;
import isptool.graph.Tensor;
import isptool.graph.Value;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Writes the biases of a quantized TFLite model back into the ONNX graph it was lowered from, for
 * convert --backend qnn --encodings-only: bias correction (the quantizer's shift of each output
 * channel's bias by the mean error its rounded weights make) lives in the TFLite model's integer
 * biases only, while qnn-onnx-converter quantizes the ONNX initializers it is given. Run it before
 * {@link OnnxEncodings#of}, whose bias encodings are computed from the initializers.
 *
 * <p>Before: {@code Conv(x, W, b)}, the TFLite operator it became holding {@code q_b} with scales
 * {@code s_c}. After: {@code Conv(x, W, b')} with {@code b'_c = s_c q_b[c]} (in double, stored as
 * float32): exactly the bias the TFLite model adds, so the ONNX graph in float computes what the
 * quantized model's convolutions compute before rounding. A node without a bias gets one when the
 * corrected bias is not all zero. An initializer another node also reads is copied, not changed.
 *
 * <p>Left alone (counted in {@link Result#notCarried}): a float bias (--float-ops: nothing was
 * corrected), a Gemm with beta other than 1 (the stored bias is beta C; OnnxEncodings refuses it),
 * a MatMul (no bias input to carry it). Refused: a bias whose length is not the node's output
 * channels (the lowering and the graph disagree).
 */
public final class CorrectedBiases {
    /** Nodes whose bias was written, the largest change made, and nodes whose bias could not carry it. */
    public record Result(List<String> written, double maxChange, List<String> notCarried) {
        public Map<String, Object> toJson() {
            return QnnNetJson.map("biases_written", written.size(), "max_change", maxChange, "not_carried", notCarried);
        }
    }

    private CorrectedBiases() {
    }

    /** Replaces the bias initializers of g's weighted nodes by model's (dequantized) biases. */
    public static Result apply(Graph g, TfliteModel model) {
        Map<String, List<OperatorInfo>> byOrigin = OnnxEncodings.operatorsByOrigin(model);
        List<String> written = new ArrayList<>();
        List<String> notCarried = new ArrayList<>();
        double maxChange = 0;
        for (Node n : new ArrayList<>(g.nodes())) {
            OperatorInfo op = OnnxEncodings.weightedOperator(model, byOrigin, n);
            if (op == null) {
                continue;
            }
            boolean transB = n.is("Gemm") && n.getInt("transB", 0) != 0;
            int bi = WeightLayout.of(op.opName(), n.opType(), transB).biasInput();
            if (bi >= op.inputs().size() || op.inputs().get(bi) < 0) {
                continue;
            }
            TensorInfo bt = model.tensor(op.inputs().get(bi));
            if (QnnTensorMapping.isFloat(bt) || bt.quantization() == null || n.is("MatMul")
                    || (n.is("Gemm") && n.getFloat("beta", 1f) != 1f)) {
                if (!QnnTensorMapping.isFloat(bt)) {
                    notCarried.add(n.name());
                }
                continue;
            }
            double[] b = dequantized(model, bt);
            Value old = OnnxEncodings.bias(n);
            double[] before = old == null ? new double[b.length] : old.constant().toDoubles();
            if (before.length != b.length) {
                throw OnnxEncodings.refuse(model, n, "has a bias of " + before.length + " values where its operator "
                        + op.index() + " (" + op.opName() + ") holds " + b.length + "; the graph is not the one the"
                        + " model was lowered from");
            }
            double change = 0;
            for (int c = 0; c < b.length; c++) {
                change = Math.max(change, Math.abs(b[c] - before[c]));
            }
            if (old == null && change == 0) {
                continue;
            }
            write(g, n, old, b);
            written.add(n.name());
            maxChange = Math.max(maxChange, change);
        }
        return new Result(List.copyOf(written), maxChange, List.copyOf(notCarried));
    }

    /** {@code s_c q[c]}: the real bias of a quantized TFLite bias tensor (per channel or per tensor). */
    private static double[] dequantized(TfliteModel model, TensorInfo bt) {
        double[] q = model.constant(bt.index()).toDoubles();
        Quantization s = bt.quantization();
        for (int c = 0; c < q.length; c++) {
            q[c] *= s.scale()[s.isPerChannel() ? c : 0];
        }
        return q;
    }

    private static void write(Graph g, Node n, Value old, double[] b) {
        float[] v = new float[b.length];
        for (int c = 0; c < v.length; c++) {
            v[c] = (float) b[c];
        }
        Tensor t = Tensor.ofFloats(new long[] {v.length}, v);
        if (old != null && g.consumers(old).size() == 1 && !g.isGraphOutput(old)) {
            g.setConstant(old, t);
        } else {
            g.setInput(n, 2, g.addConstant(old == null ? n.name() + ".bias" : old.name() + ".corrected", t));
        }
    }
}
