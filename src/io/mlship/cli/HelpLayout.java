package io.mlship.cli;

import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.UsageMessageSpec;

/**
 * How usage help is laid out. It wraps at the terminal's width when there is one; where there is none (a Jenkins
 * log, a pipe) at {@code $COLUMNS} if that is set, else at {@value #FALLBACK_WIDTH} columns. Summary, usage,
 * description, options and commands are sections with a blank line between them.
 */
final class HelpLayout {
    /** The width a log viewer shows without wrapping again, and what every command's summary is written to fit. */
    static final int FALLBACK_WIDTH = 80;
    /** picocli refuses narrower help (its UsageMessageSpec minimum). */
    static final int MIN_WIDTH = 55;

    private HelpLayout() {
    }

    /** Lays out the help of {@code cli} and of every command added to it so far. */
    static CommandLine apply(CommandLine cli, Map<String, String> env) {
        cli.setUsageHelpAutoWidth(true).setUsageHelpWidth(fallbackWidth(env));
        sections(cli);
        return cli;
    }

    /** {@code $COLUMNS} when it is a usable number, else {@value #FALLBACK_WIDTH}. */
    static int fallbackWidth(Map<String, String> env) {
        String columns = env.get("COLUMNS");
        if (columns == null || !columns.trim().matches("\\d{1,4}")) {
            return FALLBACK_WIDTH;
        }
        return Math.max(MIN_WIDTH, Integer.parseInt(columns.trim()));
    }

    private static void sections(CommandLine cli) {
        UsageMessageSpec usage = cli.getCommandSpec().usageMessage();
        if (usage.header().length > 0) {
            usage.synopsisHeading("%nUsage: ");
        }
        usage.descriptionHeading("%n").optionListHeading("%nOptions:%n").commandListHeading("%nCommands:%n");
        cli.getSubcommands().values().forEach(HelpLayout::sections);
    }
}
