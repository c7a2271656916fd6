package isptool.backends.quant;

import isptool.backends.quant.QModel.Op;
import isptool.backends.quant.QModel.Tens;
import isptool.graph.DType;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.tensorflow.lite.schema.BuiltinOperator;

/**
 * Float16 weights: every float32 constant an operator reads (weights, biases, PReLU slopes, scalar
 * factors) is stored as float16 and turned back into the float32 tensor it was by a DEQUANTIZE at
 * the start of the model, the form the GPU delegate and NNAPI consume and XNNPACK folds. Biases are
 * converted too: XNNPACK computes a conv with float16 weights and a float32 bias wrongly.
 */
final class Fp16Rewrite {
    /** DEQUANTIZE from float16 is version 3 of the op. */
    private static final int DEQUANTIZE_FP16_VERSION = 3;

    private Fp16Rewrite() {
    }

    /** Rewrites m in place, except the constants of the operators in keep; returns how many became float16. */
    static int apply(QModel m, Set<Integer> keep) {
        Set<Integer> kept = new HashSet<>();
        for (int k : keep) {
            for (int i : m.ops.get(k).inputs) {
                kept.add(i);
            }
        }
        List<Op> dequantize = new ArrayList<>();
        for (Op op : m.ops) {
            for (int i : op.inputs) {
                if (kept.contains(i)) {
                    continue;
                }
                Tens t = i < 0 ? null : m.tensor(i);
                if (t != null && t.isFloatConstant()) {
                    int half = m.addConstant(t.name + "/fp16", t.data.cast(DType.FLOAT16), null);
                    t.data = null;
                    dequantize.add(new Op(BuiltinOperator.DEQUANTIZE, DEQUANTIZE_FP16_VERSION, null, new int[] {half},
                            new int[] {i}));
                }
            }
        }
        m.ops.addAll(0, dequantize);
        return dequantize.size();
    }
}
