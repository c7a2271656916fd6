package isptool.backends.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The op profile of the newest-era fixture summed up: slowest ops and time by op type. */
class OpTimesTest {
    @Test
    void slowestOpsAndTimeByTypeFromTheProfile() throws Exception {
        OpTimes t = new OpTimes(BenchmarkModelParser.parse(BenchmarkModelParserTest.fixture("newest_op_profile.log")).ops());
        assertEquals(4, t.opCount());
        assertEquals(4.102 + 0.844 + 10.795 + 0.653, t.totalMs(), 1e-9);
        assertEquals(List.of("/body/compress/Conv_output_0", "/head/compress/Conv_output_0"), t.slowest(2).stream().map(OpProfileRow::name).toList());
        List<OpTimes.TypeTotal> types = t.byType();
        assertEquals(List.of("CONV_2D", "PRELU", "DEPTH_TO_SPACE"), types.stream().map(OpTimes.TypeTotal::nodeType).toList());
        assertEquals(2, types.get(0).ops());
        assertEquals(14.897, types.get(0).avgMs(), 1e-9);
        // benchmark_model's own summary says 90.867 % (its total includes a rounding of the rows)
        assertEquals(100 * 14.897 / 16.394, types.get(0).percent(), 1e-9);
        assertTrue(Math.abs(types.get(0).percent() - 90.867) < 0.01);
    }

    @Test
    void noProfileIsEmpty() {
        OpTimes t = new OpTimes(List.of());
        assertTrue(t.isEmpty());
        assertEquals(0, t.share(1.0));
    }
}
