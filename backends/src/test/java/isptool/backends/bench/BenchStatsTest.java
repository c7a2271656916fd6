package isptool.backends.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Statistics of measured runs, and the MAI 2021 score, on hand-computed values. */
class BenchStatsTest {
    @Test
    void statsOfFiveRuns() {
        BenchStats s = BenchStats.of(new double[] {5, 1, 3, 2, 4});
        // mean 3, population variance (4+4+0+1+1)/5 = 2; nearest ranks ceil(0.25)=1, ceil(2.5)=3, ceil(4.75)=5
        assertEquals(new BenchStats(5, 5.0, 4.0, 1.0, 5.0, 3.0, Math.sqrt(2), 1.0, 3.0, 5.0), s);
    }

    @Test
    void percentilesOfAHundredRuns() {
        double[] v = new double[100];
        for (int i = 0; i < 100; i++) {
            v[i] = 100 - i;
        }
        BenchStats s = BenchStats.of(v);
        assertEquals(5.0, s.p5());
        assertEquals(50.0, s.median());
        assertEquals(95.0, s.p95());
        assertEquals(50.5, s.avg());
        assertEquals(50.0, s.typical());
    }

    @Test
    void noRunsHaveNoFigures() {
        BenchStats s = BenchStats.of(new double[0]);
        assertEquals(0, s.count());
        assertNull(s.avg());
        assertNull(s.median());
    }

    @Test
    void maiScoreByHand() {
        // alpha 20 up to 0.2 s: 30 + 20 * (0.2 - 0.1) = 32
        assertEquals(32.0, MaiScore.score(30, 0.1), 1e-9);
        // runtime clipped up to 0.03 s: 30 + 20 * 0.17 = 33.4
        assertEquals(33.4, MaiScore.score(30, 0.01), 1e-9);
        assertEquals(30.0, MaiScore.score(30, 0.2), 1e-9);
        // alpha 0.5 above 0.2 s: 30 + 0.5 * (0.2 - 1) = 29.6
        assertEquals(29.6, MaiScore.score(30, 1.0), 1e-9);
        // clipped down to 5 s: 30 + 0.5 * (0.2 - 5) = 27.6
        assertEquals(27.6, MaiScore.score(30, 10), 1e-9);
        assertEquals(27.6, MaiScore.score(30, 5), 1e-9);
        assertThrows(IllegalArgumentException.class, () -> MaiScore.score(30, -1));
    }
}
