package isptool.backends.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import isptool.backends.verify.Comparison;
import isptool.graph.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Quality rows over several samples: the worst non-finite mismatch is kept; PSNRs as people read them. */
class QualitySummaryTest {
    static QualityReport.Row row(float... actual) {
        Tensor ref = Tensor.ofFloats(new long[] {3}, new float[] {0, 1, 2});
        return new QualityReport.Row("y", "conv", "Conv", Comparison.of("y", ref,
                Tensor.ofFloats(new long[] {3}, actual)));
    }

    @Test
    void aggregateKeepsTheFirstNonFiniteMismatch() {
        List<QualitySummary.Aggregate> a = QualitySummary.aggregate(List.of(List.of(row(0, 1, 2)),
                List.of(row(0, 1, Float.POSITIVE_INFINITY))));
        assertEquals(Double.NEGATIVE_INFINITY, a.get(0).minPsnr());
        assertTrue(a.get(0).nonFinite().contains("first at index 2: result inf, reference 2"), a.get(0).nonFinite());
        assertNull(QualitySummary.aggregate(List.of(List.of(row(0, 1, 2)))).get(0).nonFinite());
    }

    @Test
    void decibelsOfNonFinitePsnrs() {
        assertEquals("-inf", QualitySummary.db(Double.NEGATIVE_INFINITY));
        assertEquals("inf", QualitySummary.db(Double.POSITIVE_INFINITY));
        assertEquals("n/a", QualitySummary.db(Double.NaN));
        assertEquals("41.07 dB", QualitySummary.db(41.0749));
    }
}
