package isptool.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import isptool.backends.quant.QualityReport;
import isptool.backends.verify.Comparison;
import isptool.graph.Tensor;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The quality table of a quantized model with NaN in its output: -inf is not printed as "inf", and it is said. */
class QualityPrinterTest {
    private static QualityReport.Row row(float... actual) {
        Tensor ref = Tensor.ofFloats(new long[] {3}, new float[] {0, 1, 2});
        return new QualityReport.Row("y", "conv", "Conv", Comparison.of("y", ref,
                Tensor.ofFloats(new long[] {3}, actual)));
    }

    @Test
    void psnrOfANonFiniteMismatchIsMinusInf() {
        assertEquals("-inf", QualityPrinter.db(Double.NEGATIVE_INFINITY));
        assertEquals("inf", QualityPrinter.db(Double.POSITIVE_INFINITY));
        assertEquals("n/a", QualityPrinter.db(Double.NaN));
        StringWriter s = new StringWriter();
        QualityPrinter.printRows(new PrintWriter(s, true), "quality", List.of(row(0, Float.NaN, 2)), false);
        assertTrue(s.toString().contains("-inf"), s.toString());
        assertTrue(s.toString().contains("output \"y\": 1 non-finite values in the result and 0 in the reference"),
                s.toString());
    }
}
