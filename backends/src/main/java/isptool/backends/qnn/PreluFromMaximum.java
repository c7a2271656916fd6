package isptool.backends.qnn;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns TFLite's int16x8 PReLU (MUL by the slope, then MAXIMUM with the input) back into the one
 * Prelu node the network had: one node and one intermediate tensor fewer, and one rounding less.
 *
 * <p>Before: {@code m = ElementWiseMultiply(x, a)}, {@code y = ElementWiseMaximum(x, m)}
 * (either operand order), a STATIC. After: {@code y = Prelu(x, a)}.
 *
 * <p>Math: for {@code 0 <= a <= 1}, {@code max(x, a x) = x} when {@code x >= 0} and {@code a x}
 * otherwise, which is {@code prelu(x, a)}. In the quantized graph one rounding goes away: the
 * product is no longer rounded to m's encoding before the maximum (the quantization simulator runs
 * the graph as emitted, so its PSNR includes this).
 *
 * <p>Left alone when: a is not STATIC or has a value outside [0, 1] (then MAXIMUM is not PReLU),
 * m has another reader or is a graph output, or the two nodes do not read the same x.
 */
final class PreluFromMaximum {
    private PreluFromMaximum() {
    }

    static QnnGraph apply(QnnGraph g) {
        Map<String, QnnTensor> tensors = new LinkedHashMap<>(g.tensors());
        List<QnnNode> nodes = new ArrayList<>(g.nodes());
        for (int i = 0; i < nodes.size(); i++) {
            QnnNode max = nodes.get(i);
            if (!max.type().equals("ElementWiseMaximum")) {
                continue;
            }
            for (int side = 0; side < 2; side++) {
                String x = max.inputs().get(side);
                String m = max.inputs().get(1 - side);
                int mul = producer(nodes, m);
                if (mul < 0 || !nodes.get(mul).type().equals("ElementWiseMultiply") || readers(nodes, m) != 1
                        || g.outputs().contains(m)) {
                    continue;
                }
                List<String> mulIn = nodes.get(mul).inputs();
                String a = mulIn.get(0).equals(x) ? mulIn.get(1) : mulIn.get(1).equals(x) ? mulIn.get(0) : null;
                if (a == null || !isUnitSlope(tensors.get(a))) {
                    continue;
                }
                nodes.set(i, new QnnNode(nodes.get(mul).name(), "Prelu", List.of(), List.of(x, a), max.outputs(),
                        max.origin()));
                nodes.remove(mul);
                tensors.remove(m);
                i--;
                break;
            }
        }
        return new QnnGraph(g.name(), tensors, nodes, g.inputs(), g.outputs());
    }

    private static boolean isUnitSlope(QnnTensor a) {
        if (a == null || a.kind() != QnnTensor.Kind.STATIC || a.data() == null) {
            return false;
        }
        for (double v : QnnValues.real(a.data(), a.type(), a.dims(), a.encoding())) {
            if (v < 0 || v > 1) {
                return false;
            }
        }
        return true;
    }

    private static int producer(List<QnnNode> nodes, String tensor) {
        for (int k = 0; k < nodes.size(); k++) {
            if (nodes.get(k).outputs().contains(tensor)) {
                return k;
            }
        }
        return -1;
    }

    static int readers(List<QnnNode> nodes, String tensor) {
        int n = 0;
        for (QnnNode node : nodes) {
            n += (int) node.inputs().stream().filter(tensor::equals).count();
        }
        return n;
    }
}
