package isptool.backends.quant;

import isptool.backends.quant.QModel.Op;
import isptool.graph.Graph;
import isptool.graph.Node;
import isptool.graph.Value;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The ONNX node each TFLite operator comes from: the one writing a value named like an output of
 * the operator (convert names tensors after ONNX values); a decomposition's inner operators belong
 * to the node of the first operator that reads their output (operators are in execution order).
 */
final class OnnxNodes {
    private OnnxNodes() {
    }

    /** The ONNX node name of every operator of m, by operator index. */
    static String[] of(QModel m, Graph g) {
        String[] nodes = new String[m.ops.size()];
        Map<Integer, Integer> firstReader = new HashMap<>();
        for (int c = 0; c < m.ops.size(); c++) {
            for (int i : m.ops.get(c).inputs) {
                firstReader.putIfAbsent(i, c);
            }
        }
        for (int k = m.ops.size() - 1; k >= 0; k--) {
            nodes[k] = nodeOf(m, g, k, firstReader, nodes);
        }
        return nodes;
    }

    /** True when pattern (null for none) matches the whole name. */
    static boolean matches(Pattern pattern, String node) {
        return pattern != null && pattern.matcher(node).matches();
    }

    private static String nodeOf(QModel m, Graph g, int k, Map<Integer, Integer> firstReader, String[] later) {
        Op op = m.ops.get(k);
        for (int t : op.outputs) {
            Value v = g.value(m.tensor(t).name);
            Node n = v == null ? null : Graph.producer(v);
            if (n != null) {
                return n.name();
            }
        }
        for (int t : op.outputs) {
            Integer reader = firstReader.get(t);
            if (reader != null && reader > k) {
                return later[reader];
            }
        }
        return m.tensor(op.outputs[0]).name;
    }
}
