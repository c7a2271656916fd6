package isptool.backends.qnn;

import isptool.backends.tflite.TfliteModel;
import isptool.backends.tflite.TfliteModel.OperatorInfo;
import isptool.backends.tflite.TfliteModel.TensorInfo;
import isptool.graph.ModelException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds the QNN graph from the lowered, quantized TFLite model convert writes (NHWC, options,
 * int8/int16 scales, per-channel weights): one QNN node per TFLite operator (QnnOpTable), plus a
 * Relu/ReluMinMax/Tanh node for a fused activation, whose input carries the output's encoding
 * (TFLite clamps inside that same range, so the values agree). A constant DEQUANTIZE (fp16
 * weights) folds into its constant. Graph inputs are APP_WRITE, graph outputs APP_READ, the rest
 * NATIVE or STATIC. Then int16x8 PReLU's MUL + MAXIMUM becomes one Prelu (PreluFromMaximum) and a
 * Dequantize moves past a data-movement op it feeds (DequantizeAfterDataMovement). An operator without a QNN row is refused with its name, the ONNX node it came
 * from and what to do.
 */
public final class TfliteToQnn {
    final TfliteModel model;
    final QnnTensorMapping mapping;
    final QnnNames names = new QnnNames();
    final Map<String, QnnTensor> tensors = new LinkedHashMap<>();
    final List<QnnNode> nodes = new ArrayList<>();
    private final Map<Integer, String> produced = new LinkedHashMap<>();
    /** A constant DEQUANTIZE's output -> its constant input (fp16 weights read as the constant itself). */
    private final Map<Integer, Integer> folded = new LinkedHashMap<>();
    private final Set<Integer> outputs = new HashSet<>();

    private TfliteToQnn(TfliteModel model, QnnDataType floatType) {
        this.model = model;
        this.mapping = new QnnTensorMapping(model, floatType);
    }

    /** The QNN graph named graphName (a C identifier) for model; floatType FLOAT_32 or FLOAT_16 for float tensors. */
    public static QnnGraph convert(TfliteModel model, String graphName, QnnDataType floatType) {
        if (model.subgraphCount() != 1) {
            throw new ModelException(model.label() + ": " + model.subgraphCount()
                    + " subgraphs; the QNN backend writes single-graph models only");
        }
        TfliteToQnn c = new TfliteToQnn(model, floatType);
        List<String> in = new ArrayList<>();
        for (TensorInfo t : model.inputs()) {
            String n = c.names.tensor(t.name());
            c.tensors.put(n, c.mapping.activation(t, n, QnnTensor.Kind.APP_WRITE));
            c.produced.put(t.index(), n);
            in.add(n);
        }
        model.outputs().forEach(t -> c.outputs.add(t.index()));
        List<String> origins = model.operatorOrigins();
        for (OperatorInfo op : model.operators()) {
            String origin = origins.isEmpty() || origins.get(op.index()) == null ? null : origins.get(op.index());
            QnnOpTable.emit(c, op, origin);
        }
        List<String> out = new ArrayList<>();
        for (TensorInfo t : model.outputs()) {
            String n = c.produced.get(t.index());
            if (n == null || c.tensors.get(n).kind() != QnnTensor.Kind.APP_READ) {
                throw new ModelException(model.label() + ": output \"" + t.name()
                        + "\" is not computed by an operator; the QNN backend needs every output written by a node");
            }
            out.add(n);
        }
        QnnGraph g = new QnnGraph(graphName, c.tensors, c.nodes, in, out);
        return DequantizeAfterDataMovement.apply(PreluFromMaximum.apply(g), c.names);
    }

    TensorInfo info(int index) {
        return model.tensor(index);
    }

    /** The QNN name of an operator input: a produced activation, or a constant added as a static on first use. */
    String input(int index) {
        return staticTensor(index, mapping::constant);
    }

    /**
     * The QNN name of an input the op table makes a static for (weights, bias: make builds it from
     * the TFLite constant, looking through a constant DEQUANTIZE); reused once added.
     */
    String staticTensor(int index, java.util.function.BiFunction<TensorInfo, String, QnnTensor> make) {
        index = folded.getOrDefault(index, index);
        String n = produced.get(index);
        if (n != null) {
            return n;
        }
        TensorInfo t = model.tensor(index);
        if (!t.isConstant()) {
            throw new ModelException(model.label() + ": tensor \"" + t.name() + "\" is read before any operator"
                    + " writes it and is not a constant (weights must be constants for the QNN backend)");
        }
        n = names.tensor(t.name());
        tensors.put(n, make.apply(t, n));
        produced.put(index, n);
        return n;
    }

    /** Declares the QNN tensor for a TFLite operator output (APP_READ if it is a graph output). */
    String output(int index) {
        TensorInfo t = model.tensor(index);
        String n = names.tensor(t.name());
        QnnTensor.Kind kind = outputs.contains(index) ? QnnTensor.Kind.APP_READ : QnnTensor.Kind.NATIVE;
        tensors.put(n, mapping.activation(t, n, kind));
        produced.put(index, n);
        return n;
    }

    /** The QNN name of a TFLite tensor already added (an input, a constant or an operator output). */
    String produced(int index) {
        return produced.get(index);
    }

    /** A NATIVE tensor like the output at index (same type, dims, encoding), for a pre-activation value. */
    String intermediate(int index, String suffix) {
        TensorInfo t = model.tensor(index);
        String n = names.fresh(t.name() + suffix);
        QnnTensor like = mapping.activation(t, n, QnnTensor.Kind.NATIVE);
        tensors.put(n, new QnnTensor(n, t.name() + suffix, QnnTensor.Kind.NATIVE, like.type(), like.dims(),
                like.encoding(), null));
        return n;
    }

    /** Makes a constant DEQUANTIZE's output read as its constant input. */
    void fold(int output, int constant) {
        folded.put(output, constant);
    }

    void node(String name, String type, List<QnnParam> params, List<String> in, List<String> out, String origin) {
        List<QnnParam> ordered = new ArrayList<>(params.stream().filter(QnnParam::isTensor)
                .sorted(java.util.Comparator.comparing(QnnParam::name)).toList());
        params.stream().filter(p -> !p.isTensor()).forEach(ordered::add);
        List<String> paramTensors = ordered.stream().filter(QnnParam::isTensor).map(QnnParam::name).toList();
        nodes.add(new QnnNode(names.freshNode(name, paramTensors), type, ordered, in, out, origin));
    }

    ModelException refuse(OperatorInfo op, String origin, String why) {
        return new ModelException(model.label() + ": operator " + op.index() + " (" + op.opName() + ")"
                + (origin == null ? "" : " from ONNX node \"" + origin + "\"") + ": " + why);
    }
}
