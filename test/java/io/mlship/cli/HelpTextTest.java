package io.mlship.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * {@code mlship --help} and every command's {@code --help}, run through {@link Main} as a Jenkins log would show
 * them (no terminal): each command is listed with one whole sentence on one line, and descriptions are filled to
 * the width instead of broken where the source happened to break its strings.
 */
class HelpTextTest {
    /** No terminal and no $COLUMNS: the width a Jenkins log gets. */
    static final Map<String, String> NO_TERMINAL = Map.of();

    @TempDir
    Path out;

    @Test
    void theOverviewListsEveryCommandWithItsWholeSummaryOnOneLine() {
        CliRun run = CliRun.of(out, NO_TERMINAL, new ByteArrayOutputStream(), "--help");

        assertThat(run.exitCode()).as(run.err()).isZero();
        List<String> lines = run.out().lines().toList();
        int heading = lines.indexOf("Commands:");
        assertThat(heading).as(run.out()).isNotNegative();
        List<String> rows = lines.subList(heading + 1, lines.size()).stream().filter(l -> !l.isBlank()).toList();
        List<String> names = MlshipCommand.SUBCOMMANDS.stream().map(Map.Entry::getKey).toList();
        assertThat(rows).as("one row per command, none continued on a second line").hasSameSizeAs(names);
        CommandLine cli = MlshipCommand.commandLine(new CliContext());
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            String summary = summary(cli.getSubcommands().get(name).getCommandSpec());
            assertThat(rows.get(i)).as("row of %s", name).matches("  " + name + " +\\S.*")
                    .endsWith(summary).hasSizeLessThanOrEqualTo(HelpLayout.FALLBACK_WIDTH);
            assertOneWholeSentence(name, summary);
        }
    }

    @Test
    void everyCommandsHelpStartsWithItsSummaryAndFillsItsLinesToTheWidth() {
        for (int width : new int[] {HelpLayout.FALLBACK_WIDTH, 120}) {
            for (List<String> command : withMlship(commands())) {
                String[] args = Stream.concat(command.stream(), Stream.of("--help")).toArray(String[]::new);
                CliRun run = CliRun.of(out, Map.of("COLUMNS", String.valueOf(width)), new ByteArrayOutputStream(), args);
                String what = String.join(" ", command) + " --help at " + width + " columns";

                assertThat(run.exitCode()).as("%s: %s", what, run.err()).isZero();
                List<String> lines = run.out().lines().toList();
                assertThat(lines).as(what).allSatisfy(l -> assertThat(l).hasSizeLessThanOrEqualTo(width));
                if (!command.isEmpty()) { // mlship itself starts with its usage: its description is its summary
                    assertThat(lines.get(0)).as(what).isEqualTo(summary(spec(command)));
                }
                assertFilled(what, description(lines), width);
            }
        }
    }

    @Test
    void everyCommandHasAWholeSentenceSummaryAndParagraphsTheRendererWraps() {
        for (List<String> command : withMlship(commands())) {
            CommandSpec spec = spec(command);
            String name = String.join(" ", command);
            if (!command.isEmpty()) { // mlship itself is listed nowhere: its description is its summary
                assertThat(spec.usageMessage().header()).as("%s: one summary line", name).hasSize(1);
                assertOneWholeSentence(name, summary(spec));
            }
            for (String paragraph : spec.usageMessage().description()) {
                // A paragraph per string: one broken into several strings is wrapped where the source broke it.
                assertThat(paragraph).as("%s: description paragraph", name).matches("|.*[.:)]");
            }
            for (OptionSpec option : spec.options()) {
                assertThat(option.description()).as("%s %s: one description string", name, option.longestName())
                        .hasSizeLessThanOrEqualTo(1);
            }
        }
    }

    @Test
    void withoutATerminalHelpIsAsWideAsColumnsSaysElseEightyColumns() {
        assertThat(HelpLayout.fallbackWidth(Map.of())).isEqualTo(80);
        assertThat(HelpLayout.fallbackWidth(Map.of("COLUMNS", "132"))).isEqualTo(132);
        assertThat(HelpLayout.fallbackWidth(Map.of("COLUMNS", "20"))).isEqualTo(HelpLayout.MIN_WIDTH);
        assertThat(HelpLayout.fallbackWidth(Map.of("COLUMNS", "wide"))).isEqualTo(80);
    }

    /** Every command below mlship (sandbox's too), as the words that name it; picocli's own help command left out. */
    static List<List<String>> commands() {
        List<List<String>> all = new ArrayList<>();
        collect(MlshipCommand.commandLine(new CliContext()), List.of(), all);
        return all;
    }

    /** mlship itself (no command words) and then {@code commands}. */
    private static List<List<String>> withMlship(List<List<String>> commands) {
        return Stream.concat(Stream.of(List.<String>of()), commands.stream()).toList();
    }

    private static void collect(CommandLine cli, List<String> words, List<List<String>> all) {
        cli.getSubcommands().forEach((name, sub) -> {
            if (sub.getCommandSpec().userObject() instanceof CommandLine.HelpCommand) {
                return;
            }
            List<String> named = new ArrayList<>(words);
            named.add(name);
            all.add(named);
            collect(sub, named, all);
        });
    }

    private static CommandSpec spec(List<String> command) {
        CommandLine cli = MlshipCommand.commandLine(new CliContext());
        for (String word : command) {
            cli = cli.getSubcommands().get(word);
        }
        return cli.getCommandSpec();
    }

    private static String summary(CommandSpec spec) {
        String[] header = spec.usageMessage().header();
        return header.length > 0 ? header[0] : spec.usageMessage().description()[0];
    }

    private static void assertOneWholeSentence(String name, String summary) {
        assertThat(summary).as("summary of %s", name)
                .matches("\\p{Lu}.*\\.")
                .doesNotContain(". ") // one sentence, not the start of a paragraph
                .hasSizeLessThanOrEqualTo(HelpLayout.FALLBACK_WIDTH - 12); // fits beside the widest command name
    }

    /** The description's lines: between the usage (which ends at a blank line) and the next section heading. */
    private static List<String> description(List<String> lines) {
        int usage = 0;
        while (!lines.get(usage).startsWith("Usage: ")) {
            usage++;
        }
        int start = usage;
        while (!lines.get(start).isBlank()) {
            start++;
        }
        int end = start + 1;
        while (end < lines.size() && !lines.get(end).matches("(Options|Commands):")) {
            end++;
        }
        return lines.subList(start + 1, Math.max(start + 1, end - 1));
    }

    /** Greedy filling: a line ends only where the next word would not have fitted on it. */
    private static void assertFilled(String what, List<String> paragraphLines, int width) {
        for (int i = 0; i + 1 < paragraphLines.size(); i++) {
            String line = paragraphLines.get(i);
            String next = paragraphLines.get(i + 1);
            if (line.isBlank() || next.isBlank()) {
                continue;
            }
            String word = Arrays.stream(next.trim().split(" ")).findFirst().orElse("");
            assertThat(line.length() + 1 + word.length()).as("%s: line '%s' ends before '%s', which would fit", what, line, word)
                    .isGreaterThanOrEqualTo(width);
        }
    }
}
