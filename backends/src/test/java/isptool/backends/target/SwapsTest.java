package isptool.backends.target;

import static isptool.backends.target.OneOp.act;
import static isptool.backends.target.OneOp.constFloat;
import static isptool.backends.target.OneOp.ints;
import static isptool.backends.tflite.TfliteType.FLOAT32;
import static isptool.backends.tflite.TfliteType.INT8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import isptool.backends.tflite.TfliteModel;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tensorflow.lite.schema.BuiltinOperator;
import org.tensorflow.lite.schema.DivOptionsT;
import org.tensorflow.lite.schema.ReducerOptionsT;

/** The swap named beside a refused operator: only where isptool has one for that refusal. */
class SwapsTest {
    private static OpVerdict check(TfliteModel m, String target) {
        OpVerdict v = TargetCheck.run(m, Target.byName(target), List.of()).operators().get(0);
        assertFalse(v.runs(), v.op() + " should be refused on " + target);
        return v;
    }

    @Test
    void swapsForRefusedOps() {
        TfliteModel prelu = OneOp.of(BuiltinOperator.PRELU, null, act(FLOAT32, 1, 4, 4, 3), act(FLOAT32, 1, 4, 4, 3),
                constFloat(1, 1, 3));
        assertEquals("exact: relu(x) - a*relu(-x) from RELU/MUL/SUB", check(prelu, "nnapi-28").swap());
        TfliteModel quantize = OneOp.of(BuiltinOperator.QUANTIZE, null, act(INT8, 1, 4, 4, 3),
                act(FLOAT32, 1, 4, 4, 3));
        assertEquals("uint8 asymmetric model I/O before API 30", check(quantize, "nnapi-29").swap());
        TfliteModel hwMean = mean(1, 2);
        assertEquals("exact: MEAN over H,W -> AVERAGE_POOL_2D", check(hwMean, "nnapi-27").swap());
    }

    @Test
    void noSwapWhereItWouldNotBeExact() {
        // a computed divisor has no reciprocal to multiply by; a mean over channels is no average pool
        TfliteModel div = OneOp.of(BuiltinOperator.DIV, new DivOptionsT(), act(FLOAT32, 1, 4, 4, 3),
                act(FLOAT32, 1, 4, 4, 3), act(FLOAT32, 1, 4, 4, 3));
        assertNull(check(div, "nnapi-27").swap());
        assertNull(check(mean(3), "nnapi-27").swap());
    }

    private static TfliteModel mean(long... axes) {
        ReducerOptionsT o = new ReducerOptionsT();
        o.setKeepDims(true);
        long[] out = {1, 4, 4, 3};
        for (long a : axes) {
            out[(int) a] = 1;
        }
        return OneOp.of(BuiltinOperator.MEAN, o, act(FLOAT32, out), act(FLOAT32, 1, 4, 4, 3), ints(axes));
    }
}
