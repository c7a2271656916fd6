package isptool.backends.target;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import isptool.backends.tflite.TfliteBuilder;
import isptool.backends.tflite.TfliteModel;
import isptool.backends.tflite.TfliteType;
import isptool.graph.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tensorflow.lite.schema.BuiltinOperator;

/** Partitions as TFLite makes them, the NNAPI limit of 3, and the tensors crossing to the CPU. */
class PartitionPlanTest {
    private static final long[] SHAPE = {1, 4, 4, 3};
    /** Bytes of one float [1,4,4,3] tensor. */
    private static final long BYTES = 4 * 4 * 3 * 4;

    /** RELU, PRELU, RELU, PRELU ... alternating, n operators in a chain. */
    private static TfliteModel chain(int n) {
        TfliteBuilder b = new TfliteBuilder();
        int x = b.addTensor("x", TfliteType.FLOAT32, SHAPE);
        int slope = b.addConstant("slope", Tensor.ofFloats(new long[] {1, 1, 3}, new float[3]));
        int in = x;
        for (int i = 0; i < n; i++) {
            int out = b.addTensor("t" + i, TfliteType.FLOAT32, SHAPE);
            if (i % 2 == 0) {
                b.addOperator(BuiltinOperator.RELU, null, new int[] {in}, new int[] {out});
            } else {
                b.addOperator(BuiltinOperator.PRELU, null, new int[] {in, slope}, new int[] {out});
            }
            in = out;
        }
        b.inputs(x).outputs(in);
        return TfliteModel.of(b.toBytes(), "chain");
    }

    @Test
    void nnapiKeepsItsThreeLargestPartitionsAndTheRestRunOnTheCpu() {
        // nnapi-28 has RELU but not PRELU: RELU | PRELU | RELU | ... makes 5 one-op partitions, 3 are kept
        TargetReport r = TargetCheck.run(chain(9), Target.byName("nnapi-28"), List.of());
        PartitionPlan p = r.plan();
        assertEquals(3, p.delegatePartitions());
        assertEquals(3, p.cpuIslands());
        assertEquals(List.of(6, 8), p.dropped().stream().boxed().toList());
        assertEquals(List.of(5, 6, 7, 8), p.segments().get(5).operators());
        assertFalse(r.operators().get(6).runs());
        assertTrue(r.operators().get(6).reasons().contains("keeps only its 3 largest partitions"));
        assertEquals(null, r.operators().get(6).swap(), "no swap brings a dropped partition back");
        assertEquals("exact: relu(x) - a*relu(-x) from RELU/MUL/SUB", r.operators().get(7).swap());
        // t0..t4 cross between the NNAPI partitions and the CPU islands
        assertEquals(5, p.crossingTensors());
        assertEquals(5 * BYTES, p.crossingBytes());
        assertEquals(PartitionPlan.Verdict.PARTIALLY, r.verdict());
    }

    @Test
    void noLimitOnXnnpackAndTheGpuTakesOnePartition() {
        TargetReport gpu = TargetCheck.run(chain(9), Target.byName("gpu"), List.of());
        assertEquals(PartitionPlan.Verdict.FULLY, gpu.verdict());
        assertEquals(1, gpu.plan().delegatePartitions());
        assertEquals(0, gpu.plan().crossingTensors());
    }

    @Test
    void independentSupportedOperatorsJoinOnePartition() {
        // x -> RELU a; x -> PRELU b; x -> RELU c: a and c are independent of b, so one NNAPI partition
        TfliteBuilder b = new TfliteBuilder();
        int x = b.addTensor("x", TfliteType.FLOAT32, SHAPE);
        int slope = b.addConstant("slope", Tensor.ofFloats(new long[] {1, 1, 3}, new float[3]));
        int a = b.addTensor("a", TfliteType.FLOAT32, SHAPE);
        int p = b.addTensor("b", TfliteType.FLOAT32, SHAPE);
        int c = b.addTensor("c", TfliteType.FLOAT32, SHAPE);
        b.addOperator(BuiltinOperator.RELU, null, new int[] {x}, new int[] {a});
        b.addOperator(BuiltinOperator.PRELU, null, new int[] {x, slope}, new int[] {p});
        b.addOperator(BuiltinOperator.RELU, null, new int[] {x}, new int[] {c});
        b.inputs(x).outputs(a, p, c);
        TargetReport r = TargetCheck.run(TfliteModel.of(b.toBytes(), "fork"), Target.byName("nnapi-28"), List.of());
        assertEquals(1, r.plan().delegatePartitions());
        assertEquals(List.of(0, 2), r.plan().segments().get(0).operators());
        assertEquals(List.of(1), r.plan().segments().get(1).operators());
        assertEquals(0, r.plan().crossingTensors(), "only the model input feeds both sides");
        assertEquals(PartitionPlan.Verdict.PARTIALLY, r.verdict());
    }

    @Test
    void nothingDelegated() {
        // GELU is on no NNAPI level
        TfliteBuilder b = new TfliteBuilder();
        int x = b.addTensor("x", TfliteType.FLOAT32, SHAPE);
        int y = b.addTensor("y", TfliteType.FLOAT32, SHAPE);
        b.addOperator(BuiltinOperator.GELU, null, new int[] {x}, new int[] {y});
        b.inputs(x).outputs(y);
        TargetReport r = TargetCheck.run(TfliteModel.of(b.toBytes(), "gelu"), Target.byName("nnapi-35"), List.of());
        assertEquals(PartitionPlan.Verdict.NOT, r.verdict());
        assertEquals(0, r.plan().delegatePartitions());
    }
}
