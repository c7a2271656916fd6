package isptool.backends.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import isptool.graph.DType;
import isptool.graph.ModelException;
import isptool.graph.Tensor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ComparisonTest {
    private static Tensor floats(float... v) {
        return Tensor.ofFloats(new long[] {v.length}, v);
    }

    @Test
    void measuresAgainstTheReferenceRange() {
        Comparison c = Comparison.of("y", floats(0, 1, 2, 3), floats(0, 1, 2, 3.5f));
        assertEquals(0.5, c.maxAbs(), 1e-12);
        assertEquals(0.5 / 3, c.maxRel(), 1e-12);
        // mse = 0.25 / 4, peak = 3: 10 log10(9 / 0.0625)
        assertEquals(10 * Math.log10(9 / 0.0625), c.psnr(), 1e-9);
        assertEquals((1 + 4 + 10.5) / Math.sqrt(14 * (1 + 4 + 12.25)), c.cosine(), 1e-12);
        assertEquals("output \"y\": max abs 5.0e-01, rel 1.7e-01, PSNR 21.6 dB, cosine 0.997409", c.toString());
    }

    @Test
    void equalOutputsAreExact() {
        Comparison c = Comparison.of("y", floats(1, 2), floats(1, 2));
        assertTrue(c.isExact());
        assertEquals("output \"y\": max abs 0.0e+00, rel 0.0e+00, PSNR inf dB, cosine 1.000000", c.toString());
    }

    @Test
    void constantReferenceFallsBackToItsMagnitude() {
        Comparison c = Comparison.of("p", floats(0.001f, 0.001f), floats(0.001f, 0.0011f));
        assertEquals(0.1, c.maxRel(), 1e-4);
        assertEquals(0, Comparison.of("z", floats(0, 0), floats(0, 0)).maxRel());
    }

    @Test
    void matchingNaNsAreEqualOthersAreInfinitelyWrong() {
        assertTrue(Comparison.of("s", floats(Float.NaN, 1, 2), floats(Float.NaN, 1, 2)).isExact());
        Comparison c = Comparison.of("s", floats(Float.NaN, 1, 2), floats(0, 1, 2));
        assertEquals(Double.POSITIVE_INFINITY, c.maxAbs());
        assertEquals(Double.NEGATIVE_INFINITY, c.psnr());
        assertFalse(c.withinRelative(1e-3));
    }

    /** A NaN the reference does not have fails, and the line says where, never "PSNR inf". */
    @Test
    void nonFiniteOnlyInTheResultIsAMismatchAndSaysWhere() {
        Comparison c = Comparison.of("y", floats(0, 1, 2, 3), floats(0, 1, Float.NaN, 3));
        assertFalse(c.withinRelative(1));
        assertEquals(1, c.nonFinite().inResult());
        assertEquals(0, c.nonFinite().inReference());
        assertEquals(2, c.nonFinite().firstIndex());
        assertTrue(c.toString().contains("1 non-finite values in the result and 0 in the reference")
                && c.toString().contains("first at index 2: result NaN, reference 2"), c.toString());
        assertFalse(c.toString().contains("PSNR inf"), c.toString());
    }

    @Test
    void infinitiesOfOppositeSignDiffer() {
        float inf = Float.POSITIVE_INFINITY;
        Comparison c = Comparison.of("y", floats(inf, 1), floats(-inf, 1));
        assertFalse(c.withinRelative(1));
        assertEquals(1, c.nonFinite().differing());
        assertTrue(c.toString().contains("result -inf, reference inf"), c.toString());
        assertFalse(Comparison.of("y", floats(inf, 1), floats(Float.NaN, 1)).withinRelative(1));
    }

    /** -inf at the same places (a mask) passes on the finite values, and the line says so. */
    @Test
    void nonFiniteAtTheSamePlacesPassesOnTheFiniteValues() {
        float ninf = Float.NEGATIVE_INFINITY;
        Comparison c = Comparison.of("y", floats(ninf, 0, 1, ninf, 2), floats(ninf, 0, 1, ninf, 2.0001f));
        assertTrue(c.withinRelative(1e-4), c.toString());
        assertFalse(c.withinRelative(1e-6), c.toString());
        assertEquals(1e-4 / 2, c.maxRel(), 1e-7);
        assertTrue(c.toString().contains("2 of 5 values are non-finite in both, at the same places (first at index 0:"
                + " -inf)"), c.toString());
    }

    /** All NaN in both (NaN weights, a NaN input) compares nothing and must not pass. */
    @Test
    void allNonFiniteInBothIsNeverAMatch() {
        float nan = Float.NaN;
        Comparison c = Comparison.of("y", floats(nan, nan), floats(nan, nan));
        assertFalse(c.withinRelative(1));
        assertFalse(c.toString().contains("PSNR"), c.toString());
        assertEquals("output \"y\": all 2 values are non-finite in both the result and the reference (first: NaN),"
                + " nothing to compare", c.toString());
    }

    /**
     * Weights of 1e-42 give outputs around 1e-41 in onnxruntime and 0 in TFLite (XNNPACK flushes
     * subnormals): compared as 0, counted, and a normal-sized difference still counts.
     */
    @Test
    void subnormalValuesCompareAsZero() {
        Comparison c = Comparison.of("y", floats(1.5e-42f, -7e-42f, 0), floats(0, 0, 0));
        assertTrue(c.withinRelative(0), c.toString());
        assertEquals(2, c.subnormal());
        assertTrue(c.toString().endsWith("; 2 subnormal values (below 1.2e-38, which XNNPACK flushes to zero) compared"
                + " as 0"), c.toString());
        assertFalse(Comparison.of("y", floats(1e-37f, 0), floats(0, 0)).withinRelative(1e-4));
        assertEquals(0, Comparison.of("y", floats(1, 2), floats(1, 2)).subnormal());
    }

    @Test
    void comparesAcrossElementTypes() {
        Tensor ref = floats(0.5f, 0.25f);
        Tensor half = Tensor.of(DType.FLOAT16, new long[] {2}, new double[] {0.5, 0.25});
        assertTrue(Comparison.of("y", ref, half).isExact());
    }

    @Test
    void comparesMapsByName() {
        List<Comparison> r = Comparison.compare(Map.of("a", floats(1), "b", floats(2)),
                Map.of("b", floats(2), "a", floats(1)));
        assertEquals(2, r.size());
        assertTrue(r.stream().allMatch(Comparison::isExact));
        ModelException e = assertThrows(ModelException.class,
                () -> Comparison.compare(Map.of("a", floats(1)), Map.of("b", floats(1))));
        assertTrue(e.getMessage().startsWith("output \"a\" is missing"), e.getMessage());
        e = assertThrows(ModelException.class, () -> Comparison.of("a", floats(1, 2), floats(1, 2, 3)));
        assertTrue(e.getMessage().contains("shape [2]") && e.getMessage().contains("[3]"), e.getMessage());
    }
}
