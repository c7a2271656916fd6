package isptool.backends.quant;

import isptool.backends.layout.LayoutPlan;
import isptool.backends.ort.OrtRunner;
import isptool.backends.tflite.TfliteModel;
import isptool.backends.verify.Comparison;
import isptool.graph.Graph;
import isptool.graph.Node;
import isptool.graph.Tensor;
import isptool.graph.Value;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How far a converted model (any precision) is from its float32 ONNX source: the TFLite model in
 * the interpreter and the graph in onnxruntime on the same inputs, compared per output and, on
 * request, per intermediate value that has a tensor of the same name in the TFLite model.
 */
public final class QualityReport {
    /** One compared value: its name, the ONNX node writing it and that node's op. */
    public record Row(String tensor, String node, String op, Comparison comparison) {
    }

    private QualityReport() {
    }

    /**
     * Runs the model file (int8/uint8 inputs quantized with the input tensor's parameters, integer
     * results dequantized) and g on the same inputs (ONNX layout, keyed by input name); returns one
     * Row per graph output and, with perLayer, one per intermediate value with a TFLite counterpart,
     * compared in ONNX layout via plan, in graph order.
     */
    public static List<Row> compare(Path model, Graph g, LayoutPlan plan, Map<String, Tensor> inputs,
            boolean perLayer) {
        QModel m = QModel.read(TfliteModel.open(model));
        Map<String, Tensor> got;
        try (Probe probe = perLayer ? Probe.open(m) : Probe.openOutputsOnly(m)) {
            got = probe.run(Probe.toStored(g, plan, inputs));
        }
        List<Value> values = new ArrayList<>(g.outputs());
        if (perLayer) {
            for (Node n : g.nodes()) {
                for (Value v : n.outputs()) {
                    if (v != null && !g.isGraphOutput(v) && got.containsKey(v.name())) {
                        values.add(v);
                    }
                }
            }
        }
        List<String> names = values.stream().map(Value::name).toList();
        return rows(g, plan, values, OrtRunner.runCapturing(g, inputs, names, OrtRunner.Options.REFERENCE), got);
    }

    /**
     * The model file's outputs on the inputs (ONNX layout, keyed by input name), as float in the
     * ONNX layout, by graph output name: what the written model computes, run as {@link #compare}
     * runs it.
     */
    public static Map<String, Tensor> outputs(Path model, Graph g, LayoutPlan plan, Map<String, Tensor> inputs) {
        Map<String, Tensor> got;
        try (Probe probe = Probe.openOutputsOnly(QModel.read(TfliteModel.open(model)))) {
            got = probe.run(Probe.toStored(g, plan, inputs));
        }
        Map<String, Tensor> r = new LinkedHashMap<>();
        for (Value v : g.outputs()) {
            Tensor t = got.get(v.name());
            if (t != null) {
                r.put(v.name(), Probe.toOnnx(t, plan.storedLayoutOf(v)));
            }
        }
        return r;
    }

    /** g's float32 outputs (onnxruntime, reference options) on each input: what a model is compared against. */
    public static List<Map<String, Tensor>> references(Graph g, List<Map<String, Tensor>> inputs) {
        List<Map<String, Tensor>> r = new ArrayList<>();
        try (OrtRunner ort = OrtRunner.open(g, OrtRunner.Options.REFERENCE)) {
            for (Map<String, Tensor> in : inputs) {
                r.add(ort.run(in));
            }
        }
        return r;
    }

    /**
     * The model's outputs on each input against the given references (from {@link #references}),
     * one Row per graph output and input; the model is opened once for all inputs.
     */
    public static List<List<Row>> compareOutputs(Path model, Graph g, LayoutPlan plan,
            List<Map<String, Tensor>> inputs, List<Map<String, Tensor>> references) {
        List<List<Row>> r = new ArrayList<>();
        try (Probe probe = Probe.openOutputsOnly(QModel.read(TfliteModel.open(model)))) {
            for (int i = 0; i < inputs.size(); i++) {
                Map<String, Tensor> got = probe.run(Probe.toStored(g, plan, inputs.get(i)));
                r.add(rows(g, plan, g.outputs(), references.get(i), got));
            }
        }
        return r;
    }

    /** A Row for each value whose TFLite tensor holds it, compared with the reference. */
    private static List<Row> rows(Graph g, LayoutPlan plan, List<Value> values, Map<String, Tensor> ref,
            Map<String, Tensor> got) {
        List<Row> rows = new ArrayList<>();
        for (Value v : values) {
            Tensor expected = ref.get(v.name());
            Tensor actual = inOnnxShape(got.get(v.name()), expected, plan, v);
            if (actual == null && g.isGraphOutput(v)) {
                // never a quality table (and a --min-psnr gate) without the output it is about
                throw new IllegalStateException("the written model's tensor \"" + v.name() + "\" "
                        + (got.get(v.name()) == null ? "is missing" : "has shape " + Arrays.toString(
                        got.get(v.name()).shape())) + " and cannot be compared with ONNX output shape "
                        + (expected == null ? "(none)" : Arrays.toString(expected.shape())));
            }
            if (actual != null) {
                Node n = Graph.producer(v);
                rows.add(new Row(v.name(), n == null ? "" : n.name(), n == null ? "" : n.opType(),
                        Comparison.of(v.name(), expected, actual)));
            }
        }
        return rows;
    }

    /** The TFLite tensor in ONNX order, or null when it does not hold the ONNX value element for element. */
    private static Tensor inOnnxShape(Tensor stored, Tensor expected, LayoutPlan plan, Value v) {
        if (stored == null || expected == null || stored.elementCount() != expected.elementCount()) {
            return null;
        }
        Tensor t = Probe.toOnnx(stored, plan.storedLayoutOf(v));
        if (Arrays.equals(t.shape(), expected.shape())) {
            return t;
        }
        return stored.rank() == expected.rank() ? null : t.reshape(expected.shape());
    }
}
