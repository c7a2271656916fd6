package isptool.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code isptool --help} lists every subcommand with a complete sentence, not one cut at a line end. */
class HelpTextTest {
    @Test
    void everySubcommandSummaryIsACompleteSentence() {
        TestFiles.Run run = TestFiles.isptool("--help");
        assertEquals(0, run.status(), run.err());
        List<String> summaries = commandSummaries(run.out());
        Map<String, CommandLine> subcommands = Main.commandLine().getSubcommands();
        assertEquals(subcommands.size(), summaries.size(), run.out());
        for (String summary : summaries) {
            assertTrue(summary.endsWith("."), "cut mid-sentence: " + summary);
        }
        assertTrue(summaries.stream().anyMatch(s -> s.startsWith("reparam ") && s.contains("only if they match.")),
                run.out());
    }

    /** Each paragraph of each subcommand's description ends a sentence: picocli prints them as separate lines. */
    @Test
    void descriptionParagraphsEndSentences() {
        for (CommandLine sub : Main.commandLine().getSubcommands().values()) {
            for (String paragraph : sub.getCommandSpec().usageMessage().description()) {
                // %n is picocli's line break (its own help command ends with one)
                assertTrue(paragraph.replace("%n", "").strip().endsWith("."), sub.getCommandName() + ": " + paragraph);
            }
        }
    }

    /** The "Commands:" section: one entry per subcommand, continuation lines joined. */
    private static List<String> commandSummaries(String help) {
        List<String> entries = new ArrayList<>();
        boolean inCommands = false;
        for (String line : help.lines().toList()) {
            if (line.equals("Commands:")) {
                inCommands = true;
            } else if (inCommands && line.startsWith("  ") && !line.startsWith("   ")) {
                entries.add(line.strip().replaceAll("\\s+", " "));
            } else if (inCommands && line.startsWith("   ") && !entries.isEmpty()) {
                entries.set(entries.size() - 1, entries.get(entries.size() - 1) + " " + line.strip());
            } else if (inCommands) {
                break;
            }
        }
        return entries;
    }
}
