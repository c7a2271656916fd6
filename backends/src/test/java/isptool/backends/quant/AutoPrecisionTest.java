package isptool.backends.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import isptool.graph.Value;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * --precision auto on a net with one int8-sensitive conv among cheap ones: the plan is the
 * cheapest that meets the target, and every figure in it was measured.
 */
class AutoPrecisionTest {
    @TempDir
    Path tmp;

    /**
     * conv2 reads a channel conv1 always writes 0 with one tap of 100 per output, small taps elsewhere
     * (per-channel int8 rounds them all to 0): keeping conv2 float gains the most per unit of work.
     */
    private QuantFixture sensitiveNet() throws IOException {
        SmallGraph s = new SmallGraph(1, 3, 16, 16);
        Value c = s.conv("conv3", s.sensitiveConvPair(), 16, 3);
        Value d = s.conv("conv4", c, 16, 3);
        return s.finish(s.conv("conv5", d, 3, 1), tmp);
    }

    private static AutoPrecision.Plan plan(QuantFixture f, double target) throws IOException {
        return AutoPrecision.choose(f.floatModel, f.g, f.plan, f.calibration(8),
                new QuantOptions(Precision.INT8, IoType.FLOAT32, Quantizer.DEFAULT_METHOD, true, null), target,
                Progress.NONE);
    }

    @Test
    void aTargetInt8ReachesIsInt8AfterOneMeasurement() throws IOException {
        QuantFixture f = sensitiveNet();
        AutoPrecision.Plan p = plan(f, 10);
        assertEquals("int8", p.chosen().label());
        assertEquals(1, p.tried().size());
        assertEquals(1.0, p.chosen().cost(), 1e-12);
        assertTrue(p.layers().stream().allMatch(l -> l.precision().equals("int8")), p.layers().toString());
    }

    @Test
    void theSensitiveConvGoesFloatBeforeTheWholeModelGoesSixteenBit() throws IOException {
        QuantFixture f = sensitiveNet();
        AutoPrecision.Plan probe = plan(f, 10);
        double int8 = probe.chosen().psnrDb();
        AutoPrecision.Plan p = plan(f, int8 + 10);
        System.out.println("auto: " + p.tried().stream().map(c -> c.label() + " " + c.psnrDb() + " dB cost "
                + c.cost()).toList());
        assertEquals("int8 + float conv2", p.chosen().label(), p.tried().toString());
        assertTrue(p.chosen().psnrDb() >= int8 + 10);
        assertTrue(p.chosen().cost() < 2, "cheaper than int16x8 everywhere: " + p.chosen().cost());
        assertEquals(Set.of("conv2"), p.chosen().floatNodes());
        AutoPrecision.Layer conv2 = p.layers().stream().filter(l -> l.node().equals("conv2")).findFirst().orElseThrow();
        assertEquals("float32", conv2.precision());
        assertTrue(conv2.gainDb() > 10, conv2.toString());
        QuantResult r = Quantizer.quantize(f.floatModel, f.g, f.plan, f.calibration(8), p.chosen().options(),
                Progress.NONE);
        assertEquals(List.of("conv2"), r.floatNodes());
    }

    @Test
    void anUnreachableTargetHasNoPlanAndSaysWhatWasTried() throws IOException {
        AutoPrecision.Plan p = plan(sensitiveNet(), 400);
        assertNull(p.chosen());
        List<String> labels = p.tried().stream().map(AutoPrecision.Candidate::label).toList();
        assertEquals("int8", labels.get(0));
        assertTrue(labels.contains("int16x8") && labels.get(labels.size() - 1).equals("fp16"), labels.toString());
        assertTrue(p.layers().stream().allMatch(l -> l.precision().equals("-")));
    }
}
