package isptool.backends.target;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One node of an emitted QNN graph on an HTP target: whether the HTP takes it, every rule that
 * refuses it (with its source), and cautions: what a source says the HTP expects that isptool
 * writes otherwise and that no run on an SDK has settled (they do not refuse the node).
 */
public record QnnNodeVerdict(int index, String name, String type, String onnxNode, boolean runs,
        List<Refusal> refusals, List<Refusal> cautions) {
    /** The refusals in one line: "reason [source]; reason [source]". */
    public String reasons() {
        return Refusal.inLine(refusals);
    }

    public Map<String, Object> toJson() {
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("index", index);
        j.put("name", name);
        j.put("type", type);
        j.put("onnx_node", onnxNode);
        j.put("runs", runs);
        j.put("refusals", refusals.stream().map(Refusal::toJson).toList());
        j.put("cautions", cautions.stream().map(Refusal::toJson).toList());
        return j;
    }
}
