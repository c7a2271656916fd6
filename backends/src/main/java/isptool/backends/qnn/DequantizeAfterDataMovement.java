package isptool.backends.qnn;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Moves a Dequantize past the data-movement op that reads it, so that the op runs on fixed point.
 *
 * <p>Before: {@code x (fixed, encoding e) -> Dequantize -> t (float) -> DepthToSpace -> y (float)}.
 * After: {@code x -> DepthToSpace -> x' (fixed, encoding e) -> Dequantize -> y}.
 *
 * <p>Math: DepthToSpace, SpaceToDepth, Reshape and Transpose only move elements, and a per-tensor
 * dequantize {@code s (q + o)} acts on each element alone, so the two commute exactly. (TFLite keeps
 * such an op in float32 in int16x8 models because it has no int16 kernel for it; QNN runs it on
 * UFIXED_POINT_16.)
 *
 * <p>Left alone when: {@code t} has another reader or is a graph output, {@code x} is per-axis
 * encoded, or the op is anything else.
 */
final class DequantizeAfterDataMovement {
    private static final List<String> MOVES = List.of("DepthToSpace", "SpaceToDepth", "Reshape", "Transpose");

    private DequantizeAfterDataMovement() {
    }

    static QnnGraph apply(QnnGraph g, QnnNames names) {
        Map<String, QnnTensor> tensors = new LinkedHashMap<>(g.tensors());
        List<QnnNode> nodes = new ArrayList<>(g.nodes());
        for (int i = 0; i + 1 < nodes.size(); i++) {
            QnnNode dq = nodes.get(i);
            QnnNode move = nodes.get(i + 1);
            if (!dq.type().equals("Dequantize") || !MOVES.contains(move.type())) {
                continue;
            }
            String t = dq.outputs().get(0);
            QnnTensor x = tensors.get(dq.inputs().get(0));
            if (!move.inputs().equals(List.of(t)) || PreluFromMaximum.readers(nodes, t) != 1 || g.outputs().contains(t)
                    || x.encoding() == null || x.encoding().isPerAxis()) {
                continue;
            }
            QnnTensor y = tensors.get(move.outputs().get(0));
            String moved = names.fresh(y.name() + "_fixed");
            tensors.remove(t);
            tensors.put(moved, new QnnTensor(moved, y.source(), QnnTensor.Kind.NATIVE, x.type(), y.dims(), x.encoding(),
                    null));
            nodes.set(i, new QnnNode(move.name(), move.type(), move.params(), dq.inputs(), List.of(moved), move.origin()));
            nodes.set(i + 1, new QnnNode(dq.name(), dq.type(), dq.params(), List.of(moved), move.outputs(), dq.origin()));
        }
        return new QnnGraph(g.name(), tensors, nodes, g.inputs(), g.outputs());
    }
}
