package isptool.backends.target;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One operator on one target: whether it runs there, every rule that refuses it, the ONNX node it
 * came from (null if unknown) and the swap isptool has for it (null if none).
 */
public record OpVerdict(int index, String op, String onnxNode, boolean runs, List<Refusal> refusals, String swap) {
    /** The refusals in one line: "reason [source]; reason [source]". */
    public String reasons() {
        return Refusal.inLine(refusals);
    }

    public Map<String, Object> toJson() {
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("index", index);
        j.put("op", op);
        j.put("onnx_node", onnxNode);
        j.put("runs", runs);
        j.put("refusals", refusals.stream().map(Refusal::toJson).toList());
        j.put("swap", swap);
        return j;
    }
}
