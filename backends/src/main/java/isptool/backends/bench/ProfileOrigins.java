package isptool.backends.bench;

import isptool.backends.tflite.TfliteModel;
import isptool.backends.tflite.TfliteModel.OperatorInfo;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Names the ONNX node behind each row of an op profile, for a model that carries the mapping
 * ({@link TfliteModel#operatorOrigins()}). A row is matched to the model's operator by its node
 * index when the operator there has the row's op type and output tensors, else by its output
 * tensor names (older tools print no index). Rows of a delegate kernel (one row for many ops) and
 * of operators the model does not have keep no node.
 */
public final class ProfileOrigins {
    private ProfileOrigins() {
    }

    public static List<OpProfileRow> attach(List<OpProfileRow> rows, TfliteModel model) {
        List<String> origins = model.operatorOrigins();
        if (origins.isEmpty() || rows.isEmpty()) {
            return rows;
        }
        List<OperatorInfo> ops = model.operators();
        Map<String, OperatorInfo> byOutputs = new HashMap<>();
        for (OperatorInfo op : ops) {
            byOutputs.putIfAbsent(op.opName() + " " + outputs(model, op), op);
        }
        List<OpProfileRow> r = new ArrayList<>(rows.size());
        for (OpProfileRow row : rows) {
            OperatorInfo op = null;
            Integer i = row.nodeIndex();
            if (i != null && i < ops.size() && matches(model, ops.get(i), row)) {
                op = ops.get(i);
            }
            if (op == null) {
                op = byOutputs.get(row.opName() + " " + row.name());
            }
            r.add(op == null ? row : row.withOnnxNode(origins.get(op.index())));
        }
        return r;
    }

    private static boolean matches(TfliteModel model, OperatorInfo op, OpProfileRow row) {
        return op.opName().equals(row.opName()) && outputs(model, op).equals(row.name());
    }

    /** The operator's output tensor names as the profiler joins them. */
    private static String outputs(TfliteModel model, OperatorInfo op) {
        List<String> names = new ArrayList<>();
        for (int t : op.outputs()) {
            names.add(model.tensor(t).name());
        }
        return String.join(", ", names);
    }
}
