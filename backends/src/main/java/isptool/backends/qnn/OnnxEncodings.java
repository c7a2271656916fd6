package isptool.backends.qnn;

import isptool.backends.tflite.TfliteModel;
import isptool.backends.tflite.TfliteModel.OperatorInfo;
import isptool.backends.tflite.TfliteModel.TensorInfo;
import isptool.backends.tflite.lower.WeightLayout;
import isptool.graph.Graph;
import isptool.graph.ModelException;
import isptool.graph.Node;
import isptool.graph.Value;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The encodings of a quantized TFLite model keyed by the tensor names of the ONNX graph it was
 * lowered from (convert --backend qnn --encodings-only), for qnn-onnx-converter's
 * --quantization_overrides on that ONNX graph:
 * <ul>
 * <li>activations: every value computed by a node of the graph (or a graph input) whose TFLite
 * tensor of the same name is quantized, in the QNN convention of {@link QnnTensorMapping} (unsigned,
 * offset = -zero point). TFLite tensors that no ONNX value names (decomposition steps, a pad before
 * a conv) are left out and counted; so are ONNX values TFLite never materialises (a conv's output
 * whose clamp is fused).</li>
 * <li>params: the weight and bias initializers of every Conv, ConvTranspose, Gemm and MatMul, found
 * through the operator each node was lowered to (the model's operator origins) and its inputs. A
 * per-channel weight scale moves to the ONNX axis {@link WeightLayout} gives for TFLite's quantized
 * dimension (Conv: 0 of [Cout, Cin/g, kh, kw]; ConvTranspose: 1 of [Cin, Cout/g, kh, kw]); the
 * bias becomes SFIXED_POINT_32 with the ONNX initializer's own scale (QNN.md sec. 3): the
 * converter quantizes that initializer, not TFLite's bias, which bias correction may have moved
 * (CorrectedBiases writes the corrected values into the initializers first).</li>
 * </ul>
 * Refused, naming the node: a node lowered to several weighted operators (grouped ConvTranspose:
 * one encoding cannot hold per-group scales on its Cout/g axis), a Gemm whose alpha or beta the
 * lowering folded into the stored values (the ONNX initializer is not what was quantized), an
 * initializer shared by nodes that quantized it differently. Float weights (--float-ops) get no
 * param encoding and are counted.
 */
public final class OnnxEncodings {
    /** One key of the encodings file: the ONNX name, its QNN type and encoding (axis in ONNX dims). */
    public record Entry(String name, QnnDataType type, QnnEncoding encoding) {
    }

    /** Activations and params, plus the counts of what was left out. */
    public record Result(List<Entry> activations, List<Entry> params, int tfliteOnly, int onnxUnquantized,
            int floatParams) {
        public Map<String, Object> toJson() {
            return QnnNetJson.map("activation_encodings", activations.size(), "param_encodings", params.size(),
                    "tflite_only_tensors", tfliteOnly, "onnx_values_without_encoding", onnxUnquantized,
                    "float_params", floatParams);
        }
    }

    private OnnxEncodings() {
    }

    /** The encodings of model (lowered from g, quantized) keyed by g's names. */
    public static Result of(Graph g, TfliteModel model) {
        QnnTensorMapping mapping = new QnnTensorMapping(model, QnnDataType.FLOAT_32);
        Set<String> computed = computedValues(g);
        Map<String, Entry> params = new LinkedHashMap<>();
        int[] floatParams = {0};
        Map<String, List<OperatorInfo>> byOrigin = operatorsByOrigin(model);
        for (Node n : g.nodes()) {
            OperatorInfo op = weightedOperator(model, byOrigin, n);
            if (op != null) {
                params(model, mapping, n, op, params, floatParams);
            }
        }
        Map<Integer, String> borders = floatBorders(model, computed);
        List<Entry> activations = new ArrayList<>();
        Set<String> keyed = new HashSet<>();
        int tfliteOnly = 0;
        for (TensorInfo t : model.tensors()) {
            if (t.isConstant() || t.quantization() == null || QnnTensorMapping.isFloat(t)) {
                continue;
            }
            List<String> keys = new ArrayList<>();
            if (computed.contains(t.name())) {
                keys.add(t.name());
            }
            if (borders.containsKey(t.index())) {
                keys.add(borders.get(t.index()));
            }
            if (keys.isEmpty()) {
                tfliteOnly++;
                continue;
            }
            QnnTensor q = mapping.activation(t, t.name(), QnnTensor.Kind.NATIVE);
            for (String key : keys) {
                if (q.encoding() != null && q.type().isFixedPoint() && keyed.add(key)) {
                    activations.add(new Entry(key, q.type(), q.encoding()));
                }
            }
        }
        int onnxUnquantized = 0;
        for (String v : computed) {
            if (!keyed.contains(v)) {
                onnxUnquantized++;
            }
        }
        return new Result(activations, List.copyOf(params.values()), tfliteOnly, onnxUnquantized, floatParams[0]);
    }

    /**
     * The one weighted TFLite operator (CONV_2D, DEPTHWISE_CONV_2D, TRANSPOSE_CONV, FULLY_CONNECTED)
     * a Conv, ConvTranspose, Gemm or MatMul node was lowered to; null for other nodes and for a
     * MatMul of two computed tensors. Refused when the node became several (one per group).
     */
    static OperatorInfo weightedOperator(TfliteModel model, Map<String, List<OperatorInfo>> byOrigin, Node n) {
        if (!n.is("Conv") && !n.is("ConvTranspose") && !n.is("Gemm") && !n.is("MatMul")) {
            return null;
        }
        List<OperatorInfo> weighted = new ArrayList<>();
        for (OperatorInfo op : byOrigin.getOrDefault(n.name(), List.of())) {
            if (WeightLayout.of(op.opName(), n.opType(), false) != null) {
                weighted.add(op);
            }
        }
        if (weighted.size() > 1) {
            throw refuse(model, n, "was lowered to " + weighted.size() + " weighted operators (one per group);"
                    + " one encoding cannot hold their scales: export it ungrouped or use the QNN files"
                    + " (convert --backend qnn without --encodings-only)");
        }
        return weighted.isEmpty() ? null : weighted.get(0);
    }

    /** Adds the weight and bias encodings of node n, lowered to op. */
    private static void params(TfliteModel model, QnnTensorMapping mapping, Node n, OperatorInfo op,
            Map<String, Entry> params, int[] floatParams) {
        boolean transB = n.is("Gemm") && n.getInt("transB", 0) != 0;
        WeightLayout layout = WeightLayout.of(op.opName(), n.opType(), transB);
        if (n.is("Gemm") && (n.getFloat("alpha", 1f) != 1f || n.getFloat("beta", 1f) != 1f)) {
            throw refuse(model, n, "has alpha or beta other than 1, which the lowering multiplies into the stored"
                    + " weights; fold them into the initializers first");
        }
        TensorInfo w = model.tensor(op.inputs().get(layout.weightInput()));
        if (QnnTensorMapping.isFloat(w)) {
            floatParams[0]++;
            return;
        }
        QnnTensor qw = mapping.weights(w, w.name(), identity(w.shape().length));
        QnnEncoding e = qw.encoding();
        QnnEncoding onnx = new QnnEncoding(e.isPerAxis() ? layout.onnxAxis(e.axis()) : -1, e.scale(), e.offset());
        put(model, n, params, new Entry(n.input(1).name(), qw.type(), onnx));
        Value b = bias(n);
        int bi = layout.biasInput();
        if (b != null && bi < op.inputs().size() && op.inputs().get(bi) >= 0) {
            TensorInfo bt = model.tensor(op.inputs().get(bi));
            if (!QnnTensorMapping.isFloat(bt)) {
                put(model, n, params, new Entry(b.name(), QnnDataType.SFIXED_POINT_32,
                        QnnTensorMapping.biasEncoding(b.constant().toDoubles())));
            }
        }
    }

    /** The bias initializer of a Conv, ConvTranspose or Gemm (input 2), null if none. */
    static Value bias(Node n) {
        if (n.inputs().size() < 3 || n.input(2) == null || n.input(2).name().isEmpty() || !n.input(2).isConstant()) {
            return null;
        }
        return n.input(2);
    }

    private static void put(TfliteModel model, Node n, Map<String, Entry> params, Entry e) {
        Entry old = params.putIfAbsent(e.name(), e);
        if (old != null && !old.encoding().equals(e.encoding())) {
            throw refuse(model, n, "shares initializer \"" + e.name() + "\" with another node that quantized it"
                    + " differently; give each node its own copy");
        }
    }

    static Map<String, List<OperatorInfo>> operatorsByOrigin(TfliteModel model) {
        List<String> origins = model.operatorOrigins();
        if (origins.isEmpty()) {
            throw new ModelException(model.label() + ": the TFLite model carries no operator origins; the encodings"
                    + " are keyed by ONNX names only for a model convert has just made");
        }
        Map<String, List<OperatorInfo>> m = new LinkedHashMap<>();
        for (OperatorInfo op : model.operators()) {
            String o = origins.get(op.index());
            if (o != null) {
                m.computeIfAbsent(o, k -> new ArrayList<>()).add(op);
            }
        }
        return m;
    }

    /**
     * Integer tensors that carry an ONNX value kept float at the model's borders (io float32,
     * --float-ops): a QUANTIZE's output holds its float input's values, a DEQUANTIZE's input its
     * float output's. Tensor index to the ONNX name.
     *
     * <p>A DEQUANTIZE whose float output no ONNX value names, read only by a chain of
     * data-movement ops (DEPTH_TO_SPACE, SPACE_TO_DEPTH, RESHAPE, TRANSPOSE), lends its input's
     * encoding to the last named value of that chain: an int16x8 model keeps a PixelShuffle in
     * float (TFLite has no int16 DEPTH_TO_SPACE), so syenet_isp's output was never quantized by
     * TFLite and had no activation encoding; moving elements leaves each value as it was, so the
     * encoding before the move is the one after it, as the QNN files have it
     * (DequantizeAfterDataMovement).
     */
    private static Map<Integer, String> floatBorders(TfliteModel model, Set<String> computed) {
        Map<Integer, String> m = new LinkedHashMap<>();
        for (OperatorInfo op : model.operators()) {
            boolean quantize = op.opName().equals("QUANTIZE");
            if (!quantize && !op.opName().equals("DEQUANTIZE")) {
                continue;
            }
            TensorInfo in = model.tensor(op.inputs().get(0));
            TensorInfo out = model.tensor(op.outputs().get(0));
            TensorInfo named = quantize ? in : out;
            TensorInfo integer = quantize ? out : in;
            if (!quantize && !computed.contains(named.name())) {
                named = afterDataMovement(model, named, computed);
            }
            if (!in.isConstant() && QnnTensorMapping.isFloat(named) && computed.contains(named.name())) {
                m.put(integer.index(), named.name());
            }
        }
        return m;
    }

    private static final Set<String> DATA_MOVEMENT = Set.of("DEPTH_TO_SPACE", "SPACE_TO_DEPTH", "RESHAPE",
            "TRANSPOSE");

    /** The output of the chain of sole-reader data-movement ops from t that ends at an ONNX value; t if none. */
    private static TensorInfo afterDataMovement(TfliteModel model, TensorInfo t, Set<String> computed) {
        TensorInfo at = t;
        while (!computed.contains(at.name())) {
            OperatorInfo reader = null;
            for (OperatorInfo op : model.operators()) {
                if (op.inputs().contains(at.index())) {
                    if (reader != null) {
                        return t;
                    }
                    reader = op;
                }
            }
            if (reader == null || !DATA_MOVEMENT.contains(reader.opName()) || reader.inputs().get(0) != at.index()) {
                return t;
            }
            at = model.tensor(reader.outputs().get(0));
        }
        return at;
    }

    /** Names of the graph's inputs and of every node output. */
    private static Set<String> computedValues(Graph g) {
        Set<String> s = new java.util.LinkedHashSet<>();
        g.inputs().forEach(v -> s.add(v.name()));
        for (Node n : g.nodes()) {
            for (Value v : n.outputs()) {
                if (v != null && !v.name().isEmpty() && !v.isConstant()) {
                    s.add(v.name());
                }
            }
        }
        return s;
    }

    private static int[] identity(int rank) {
        int[] p = new int[rank];
        for (int i = 0; i < rank; i++) {
            p[i] = i;
        }
        return p;
    }

    static ModelException refuse(TfliteModel model, Node n, String why) {
        return new ModelException(model.label() + ": node \"" + n.name() + "\" (" + n.opType() + ") " + why);
    }
}
