package isptool.backends.qnn;

import isptool.graph.io.JsonText;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * NAME.encodings.json for qnn-onnx-converter's {@code --quantization_overrides} (QNN.md sec. 4),
 * keyed by the source (TFLite) tensor names, which for activations are the ONNX value names.
 * Every fixed-point tensor is listed: weights and biases under {@code param_encodings}, the rest
 * under {@code activation_encodings}; float tensors are not listed.
 * <ul>
 * <li>1.0.0 (default): {@code "version": "1.0.0"}, lists of {@code {name, dtype "INT", enc_type
 * PER_TENSOR|PER_CHANNEL, is_sym, bw, scale [..], offset [..]}}.</li>
 * <li>legacy: maps name -> list of {@code {bitwidth, dtype "int", is_symmetric "True"|"False", min,
 * max, offset, scale}}, one entry per channel for per-axis weights.</li>
 * </ul>
 * Offsets are negative ({@code real = scale * (q + offset)} over the unsigned range); a signed
 * symmetric tensor (stored offset 0) is written with offset {@code -2^(bw-1)}, its equivalent over
 * the unsigned range, in both formats.
 */
public final class QnnEncodingsJson {
    public enum Format { V1_0_0, LEGACY }

    private QnnEncodingsJson() {
    }

    public static String write(QnnGraph g, Format format) {
        List<OnnxEncodings.Entry> act = new ArrayList<>();
        List<OnnxEncodings.Entry> par = new ArrayList<>();
        for (QnnTensor t : g.tensors().values()) {
            if (t.encoding() == null || !t.type().isFixedPoint()) {
                continue;
            }
            boolean param = t.kind() == QnnTensor.Kind.STATIC && t.type().isSigned();
            (param ? par : act).add(new OnnxEncodings.Entry(t.source(), t.type(), t.encoding()));
        }
        return write(act, par, format);
    }

    /** The file for these activation and param encodings (each a fixed-point type), in their order. */
    public static String write(List<OnnxEncodings.Entry> activations, List<OnnxEncodings.Entry> params, Format format) {
        List<Object> act = new ArrayList<>();
        List<Object> par = new ArrayList<>();
        Map<String, Object> actMap = new LinkedHashMap<>();
        Map<String, Object> parMap = new LinkedHashMap<>();
        for (List<OnnxEncodings.Entry> list : List.of(activations, params)) {
            boolean param = list == params;
            for (OnnxEncodings.Entry t : list) {
                QnnEncoding e = t.encoding();
                boolean sym = t.type().isSigned();
                int bw = t.type().bits();
                double[] scale = e.scale();
                long[] offset = e.offset();
                long shift = sym ? -(1L << (bw - 1)) : 0;
                if (format == Format.V1_0_0) {
                    List<Object> s = new ArrayList<>();
                    List<Object> o = new ArrayList<>();
                    for (int i = 0; i < scale.length; i++) {
                        s.add((float) scale[i]);
                        o.add(offset[i] + shift);
                    }
                    (param ? par : act).add(QnnNetJson.map("name", t.name(), "dtype", "INT", "enc_type",
                            e.isPerAxis() ? "PER_CHANNEL" : "PER_TENSOR", "is_sym", sym, "bw", bw, "scale", s,
                            "offset", o));
                } else {
                    List<Object> entries = new ArrayList<>();
                    for (int i = 0; i < scale.length; i++) {
                        long off = offset[i] + shift;
                        double levels = Math.pow(2, bw) - 1;
                        entries.add(QnnNetJson.map("bitwidth", bw, "dtype", "int", "is_symmetric",
                                sym ? "True" : "False", "min", (float) (scale[i] * off), "max",
                                (float) (scale[i] * (off + levels)), "offset", off, "scale", (float) scale[i]));
                    }
                    (param ? parMap : actMap).put(t.name(), entries);
                }
            }
        }
        Map<String, Object> root = new LinkedHashMap<>();
        if (format == Format.V1_0_0) {
            root.put("version", "1.0.0");
            root.put("activation_encodings", act);
            root.put("param_encodings", par);
        } else {
            root.put("activation_encodings", actMap);
            root.put("param_encodings", parMap);
        }
        return JsonText.writeFlatLists(root);
    }
}
