package isptool.backends.quant;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * --cle on testdata nets, quantized with the default method and bias correction on 16 smooth images
 * and measured on two held-out ones against onnxruntime: sensitive_net (one tiny-range channel
 * feeding a wide layer) gains the most; the floors are the gains measured here, rounded down.
 */
class EqualizationQualityTest {
    @TempDir
    Path tmp;

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"sensitive_net, INT8, 11", "sensitive_net, INT16X8, 16"})
    void equalizationRaisesThePsnr(String net, Precision p, double minGainDb) throws IOException {
        QuantFixture f = QuantFixture.testdata(net, tmp);
        QuantOptions plain = new QuantOptions(p, IoType.FLOAT32, Quantizer.DEFAULT_METHOD, true, null);
        double without = f.psnr(f.write(f.quantize(plain), "plain"));
        QuantResult cle = f.quantize(plain.withTechniques(true, false));
        double with = f.psnr(f.write(cle, "cle"));
        String figures = String.format(Locale.ROOT, "%s %s: %.2f dB, with --cle %.2f dB", net, p, without, with);
        System.out.println("PSNR " + figures);
        Object applied = ((Map<?, ?>) cle.summary().get("cross_layer_equalization")).get("applied");
        assertTrue(applied instanceof List<?> l && l.size() == 2, figures + " " + applied);
        assertTrue(with > without + minGainDb, figures);
    }
}
