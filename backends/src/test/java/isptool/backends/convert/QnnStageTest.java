package isptool.backends.convert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import isptool.backends.quant.QualitySummary;
import isptool.backends.verify.Comparison;
import isptool.graph.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The QNN graph's quantsim rows judged against the PSNR floor. */
class QnnStageTest {
    @Test
    void quantsimRowsAreJudgedAgainstTheFloor() {
        Comparison c = Comparison.of("y", Tensor.ofFloats(new long[] {4}, new float[] {0, 0.25f, 0.5f, 1}),
                Tensor.ofFloats(new long[] {4}, new float[] {0, 0.25f, 0.5f, 0.99f}));
        assertEquals(null, QnnStage.judge(List.of(c), Double.NaN));
        assertEquals(null, QnnStage.judge(List.of(c), c.psnr() - 1));
        String failure = QnnStage.judge(List.of(c), c.psnr() + 1);
        assertTrue(failure.startsWith("output \"y\" has a quantsim PSNR of " + QualitySummary.db(c.psnr())), failure);
    }

    @Test
    void nonFiniteQuantsimOutputFailsWithoutAFloor() {
        Comparison c = Comparison.of("y", Tensor.ofFloats(new long[] {3}, new float[] {0, 1, 2}),
                Tensor.ofFloats(new long[] {3}, new float[] {0, Float.NaN, 2}));
        String failure = QnnStage.judge(List.of(c), Double.NaN);
        assertTrue(failure.startsWith("output \"y\": 1 non-finite values in the result"), failure);
    }
}
