package isptool.backends.qnn;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The in-memory QNN graph every QNN file is written from: tensors by C name (insertion order),
 * nodes in topological order, graph inputs (APP_WRITE) and outputs (APP_READ) by name.
 */
public record QnnGraph(String name, Map<String, QnnTensor> tensors, List<QnnNode> nodes, List<String> inputs,
        List<String> outputs) {
    public QnnGraph {
        tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
        nodes = List.copyOf(nodes);
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
    }

    public QnnTensor tensor(String n) {
        QnnTensor t = tensors.get(n);
        if (t == null) {
            throw new IllegalArgumentException("QNN graph " + name + " has no tensor " + n);
        }
        return t;
    }

    /** Op type to count, sorted by type. */
    public Map<String, Integer> opHistogram() {
        Map<String, Integer> r = new TreeMap<>();
        nodes.forEach(n -> r.merge(n.type(), 1, Integer::sum));
        return r;
    }

    public int count(String type) {
        return opHistogram().getOrDefault(type, 0);
    }

    /** The STATIC tensors in the order they are first used (the members of NAME.bin). */
    public List<QnnTensor> statics() {
        Map<String, QnnTensor> r = new LinkedHashMap<>();
        for (QnnNode n : nodes) {
            for (String in : n.inputs()) {
                QnnTensor t = tensor(in);
                if (t.kind() == QnnTensor.Kind.STATIC) {
                    r.putIfAbsent(in, t);
                }
            }
        }
        return List.copyOf(r.values());
    }
}
