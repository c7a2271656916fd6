package isptool.backends.tflite.lower;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import isptool.graph.Value;
import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Operators whose TFLite kernel would abort the process on a tensor of too many axes are refused
 * when lowering (naming the node), and the same op at a rank the kernel takes still runs.
 */
class KernelLimitsTest extends LoweringTestBase {
    KernelLimitsTest() {
        super(41, true);
    }

    /** A per-channel slope on 5 axes: the same PRELU on [N, C, D*H*W, 1], reshaped there and back. */
    @Test
    void perChannelPreluOnFiveAxesRunsOnFour() throws IOException {
        Value x = input(2, 3, 2, 2, 2);
        assertEquals(Map.of("PRELU", 1, "RESHAPE", 2),
                lowerAndCompare(infer(node("PRelu", "act", x, constant("slope", 3, 1, 1, 1)))));
    }

    /** A slope that varies along W on 5 axes cannot be folded to 4: TFLite's kernel would abort, so it is refused. */
    @Test
    void preluOnFiveAxesIsRefused() {
        Value x = input(2, 3, 2, 2, 2);
        String m = refusal(infer(node("PRelu", "act", x, constant("slope", 1, 1, 2)))).getMessage();
        assertTrue(m.contains("\"act\" (PRelu)") && m.contains("PRELU on a 5-D tensor (its kernel takes at most 4-D)"), m);
    }

    @Test
    void preluOnThreeAxesRuns() throws IOException {
        Value x = input(2, 3, 5);
        assertEquals(Map.of("PRELU", 1), lowerAndCompare(infer(node("PRelu", "act", x, constant("slope", 3, 1)))));
    }
}
