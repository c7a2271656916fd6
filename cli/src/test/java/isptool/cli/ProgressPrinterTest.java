package isptool.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The quantizer's progress: a bar redrawn in place on a terminal, a few whole lines in a log. */
class ProgressPrinterTest {
    private static String drive(boolean terminal) {
        StringWriter s = new StringWriter();
        ProgressPrinter p = new ProgressPrinter(new PrintWriter(s), terminal);
        for (String phase : List.of("calibrating", "bias correction")) {
            for (int i = 0; i <= 200; i++) {
                p.update(phase, i, 200);
            }
        }
        return s.toString();
    }

    @Test
    void logGetsALineWhenAPhaseStartsAndEnds() {
        List<String> lines = drive(false).lines().toList();
        assertEquals(List.of("  calibrating: 0/200", "  calibrating: 200/200", "  bias correction: 0/200",
                "  bias correction: 200/200"), lines);
    }

    @Test
    void terminalGetsABarRedrawnInPlace() {
        String out = drive(true);
        assertEquals(2, out.chars().filter(c -> c == '\n').count(), "one finished line per phase");
        assertTrue(out.contains("\r  calibrating        [###############...............] 100/200"), out);
        assertTrue(out.contains("[##############################] 200/200\n"), out);
    }
}
