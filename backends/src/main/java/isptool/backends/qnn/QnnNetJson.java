package isptool.backends.qnn;

import isptool.graph.io.JsonText;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * NAME_net.json, isptool's description of the QNN graph (format "isptool-qnn-net" version 1),
 * laid out like the converter's net json: {@code graph.tensors} by C name with {@code source}
 * (TFLite/ONNX name), {@code type} (APP_WRITE/APP_READ/NATIVE/STATIC), {@code data_type},
 * {@code dims}, {@code quant_params} ({@code definition}, {@code encoding}, and
 * {@code scale_offset {scale, offset}} or {@code axis_scale_offset {axis, scale_offsets}}) and,
 * for statics, {@code data}: the member of NAME.bin; {@code graph.nodes} in execution order by name
 * with {@code package}, {@code type}, {@code tensor_params} ({@code data_type}, {@code dims},
 * {@code data}), {@code scalar_params} ({@code data_type: value}), {@code input_names},
 * {@code output_names} and {@code origin} (the ONNX node). Offsets follow
 * {@code real = scale * (q + offset)}.
 */
public final class QnnNetJson {
    private QnnNetJson() {
    }

    public static String write(QnnGraph g, int tensorVersion) {
        Map<String, Object> tensors = new LinkedHashMap<>();
        for (QnnTensor t : g.tensors().values()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("source", t.source());
            m.put("type", t.kind().name());
            m.put("data_type", t.type().cName());
            m.put("dims", ints(t.dims()));
            m.put("quant_params", quant(t.encoding()));
            if (t.data() != null) {
                m.put("data", t.name() + ".raw");
            }
            tensors.put(t.name(), m);
        }
        Map<String, Object> nodes = new LinkedHashMap<>();
        for (QnnNode n : g.nodes()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("package", "qti.aisw");
            m.put("type", n.type());
            Map<String, Object> tp = new LinkedHashMap<>();
            Map<String, Object> sp = new LinkedHashMap<>();
            for (QnnParam p : n.params()) {
                if (p.isTensor()) {
                    List<Object> data = new ArrayList<>();
                    for (int i = 0; i < p.values().length; i++) {
                        data.add(p.longValue(i));
                    }
                    tp.put(p.name(), map("data_type", p.type().cName(), "dims", ints(p.dims()), "data", data));
                } else {
                    Object v = p.type() == QnnDataType.FLOAT_32 ? (Object) (float) p.value()
                            : p.type() == QnnDataType.BOOL_8 ? (Object) (p.value() != 0) : (Object) p.longValue(0);
                    sp.put(p.name(), map(p.type().cName(), v));
                }
            }
            m.put("tensor_params", tp);
            m.put("scalar_params", sp);
            m.put("input_names", n.inputs());
            m.put("output_names", n.outputs());
            m.put("origin", n.origin());
            nodes.put(n.name(), m);
        }
        Map<String, Object> graph = new LinkedHashMap<>();
        graph.put("name", g.name());
        graph.put("inputs", g.inputs());
        graph.put("outputs", g.outputs());
        graph.put("tensors", tensors);
        graph.put("nodes", nodes);
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("format", "isptool-qnn-net");
        root.put("version", 1);
        root.put("tensor_version", tensorVersion);
        root.put("op_types", g.opHistogram());
        root.put("graph", graph);
        return JsonText.writeFlatLists(root);
    }

    private static Map<String, Object> quant(QnnEncoding e) {
        if (e == null) {
            return map("definition", "QNN_DEFINITION_UNDEFINED", "encoding", "QNN_QUANTIZATION_ENCODING_UNDEFINED");
        }
        if (!e.isPerAxis()) {
            return map("definition", "QNN_DEFINITION_DEFINED", "encoding", "QNN_QUANTIZATION_ENCODING_SCALE_OFFSET",
                    "scale_offset", map("scale", (float) e.scale()[0], "offset", e.offset()[0]));
        }
        List<Object> so = new ArrayList<>();
        for (int i = 0; i < e.scale().length; i++) {
            so.add(map("scale", (float) e.scale()[i], "offset", e.offset()[i]));
        }
        return map("definition", "QNN_DEFINITION_DEFINED", "encoding", "QNN_QUANTIZATION_ENCODING_AXIS_SCALE_OFFSET",
                "axis_scale_offset", map("axis", e.axis(), "scale_offsets", so));
    }

    static List<Object> ints(int[] v) {
        List<Object> r = new ArrayList<>();
        for (int x : v) {
            r.add(x);
        }
        return r;
    }

    static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }
}
