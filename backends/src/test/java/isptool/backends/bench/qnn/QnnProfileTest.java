package isptool.backends.bench.qnn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import isptool.backends.bench.BenchResult;
import isptool.backends.bench.DelegateOutcome;
import isptool.backends.bench.adb.StandInQnnSdk;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** qnn-profile-viewer text as QNN.md §8 describes it (fixtures written from those facts, not recorded). */
class QnnProfileTest {
    @Test
    void takesTheAverageSectionsFirstNetRunAndAcceleratorTime() throws Exception {
        QnnProfile p = QnnProfile.parse(StandInQnnSdk.fixture("profile_viewer_htp.txt"));
        assertEquals(2425.0, p.netRunUs(), "not Init's NetRun, not Min's");
        assertEquals(1874.0, p.acceleratorUs());
        assertEquals(412.3711, p.ips());
        assertTrue(p.onHtp());
        BenchResult r = p.toResult(50, Map.of("perf_profile", "burst"), null);
        assertEquals(2.425, r.typicalMs(), 1e-12);
        assertEquals(50, r.inference().count());
        assertEquals(DelegateOutcome.Kind.FULL, r.outcomes().get(0).kind());
        assertEquals(Boolean.FALSE, r.cpuFallback());
        assertTrue(r.ok());
    }

    @Test
    void withoutTheAcceleratorLineTheGraphDidNotRunOnTheHtp() throws Exception {
        QnnProfile p = QnnProfile.parse(StandInQnnSdk.fixture("profile_viewer_no_htp.txt"));
        assertEquals(40210.0, p.netRunUs());
        assertNull(p.acceleratorUs());
        assertEquals(24.8694, p.ips(), "the older IPS wording");
        assertFalse(p.onHtp());
        BenchResult r = p.toResult(10, Map.of(), null);
        assertEquals(DelegateOutcome.Kind.NONE, r.outcomes().get(0).kind());
        assertEquals(Boolean.TRUE, r.cpuFallback(), "--require-full-delegation fails it");
    }

    @Test
    void textWithoutExecuteStatsHasNoTimes() {
        QnnProfile p = QnnProfile.parse("Init Stats:\n    NetRun: 1000 us\n");
        assertNull(p.netRunUs(), "an Init NetRun is not an inference");
        BenchResult r = p.toResult(5, Map.of(), "no NetRun time");
        assertFalse(r.hasTimings());
        assertEquals("no NetRun time", r.problem());
    }
}
