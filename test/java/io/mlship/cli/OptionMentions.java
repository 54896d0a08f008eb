package io.mlship.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/**
 * Checks the {@code --options} a text names against the options that exist. An option may be one of:
 * <ul>
 * <li>the command the text is about: in {@code cli/<Name>Command.java} that command, elsewhere any mlship command
 * (but not the CLI's own {@code --version}, which no command takes as an input);</li>
 * <li>a command the text names before it: {@code mlship COMMAND} (and the commands below it), or a bare
 * {@code mlship} / {@code "$MLSHIP_CLI"} for the CLI's own {@code --help} and {@code --version};</li>
 * <li>another tool the text names before it, or the tool a file is about ({@link OtherTools#FILES_ABOUT}), with the options
 * {@link OtherTools} lists for it.</li>
 * </ul>
 */
final class OptionMentions {
    /** A long option: not part of a longer word, a path or a YAML separator. */
    private static final Pattern OPTION = Pattern.compile("(?<![\\w$/.@-])--[a-z][a-z0-9]*(?:-[a-z0-9]+)*");
    private static final Pattern MLSHIP = Pattern.compile("(?<![\\w./-])mlship(?![\\w./-])|\\$MLSHIP_CLI\\b|\\$MLSHIP_JAR\\b");
    private static final Pattern COMMAND_FILE = Pattern.compile("([A-Z][a-z]+)Command\\.java");
    private static final Set<String> THE_CLIS_OWN = Set.of("--version");

    /** One option named where it does not exist. */
    record Wrong(Path file, int line, String option, String where, String text) {
        @Override
        public String toString() {
            return file + ":" + line + ": " + option + " is not an option of " + where + " in: " + text.strip();
        }
    }

    private final CommandLine mlship;
    private final Pattern otherTool;

    OptionMentions(CommandLine mlship) {
        this.mlship = mlship;
        this.otherTool = Pattern.compile("(?<![\\w./-])(" + String.join("|", OtherTools.OPTIONS.keySet().stream()
                .map(Pattern::quote).toList()) + ")(?![\\w./-])");
    }

    List<Wrong> check(SourceTexts.Text text) {
        List<Wrong> wrong = new ArrayList<>();
        Matcher option = OPTION.matcher(text.text());
        while (option.find()) {
            if (option.end() < text.text().length() && text.text().charAt(option.end()) == '-') {
                continue; // the start of an option's name being built ("--skip-" + part): checked where it is whole
            }
            Scope scope = scope(text.file(), text.text().substring(0, option.start()));
            if (!scope.options().contains(option.group())) {
                wrong.add(new Wrong(text.file(), text.line(), option.group(), scope.name(), text.text()));
            }
        }
        return wrong;
    }

    /** The options a mention may name, and what they belong to. */
    private record Scope(String name, Set<String> options) {
        Scope and(Scope other) {
            Set<String> both = new TreeSet<>(options);
            both.addAll(other.options);
            return new Scope(name + ", " + other.name, both);
        }
    }

    private Scope scope(Path file, String before) {
        Scope scope = fileScope(file);
        Matcher named = MLSHIP.matcher(before);
        while (named.find()) {
            scope = scope.and(commandAfter(before.substring(named.start())));
        }
        Matcher tool = otherTool.matcher(before);
        while (tool.find()) {
            scope = scope.and(toolScope(tool.group(1)));
        }
        return scope;
    }

    /** What a file's texts are about when they name nothing. */
    private Scope fileScope(Path file) {
        String path = file.toString().replace('\\', '/');
        Matcher command = COMMAND_FILE.matcher(file.getFileName().toString());
        Scope scope;
        if (path.contains("io/mlship/cli/") && command.matches() && command.group(1).equals("Mlship")) {
            scope = new Scope("mlship", options(mlship));
        } else if (path.contains("io/mlship/cli/") && command.matches()
                && mlship.getSubcommands().containsKey(command.group(1).toLowerCase())) {
            scope = commandAfter("mlship " + command.group(1).toLowerCase());
        } else {
            scope = new Scope("any mlship command", withoutTheClisOwn(options(mlship)));
        }
        for (Map.Entry<String, String> runs : OtherTools.FILES_ABOUT.entrySet()) {
            if (path.endsWith(runs.getKey())) {
                scope = scope.and(toolScope(runs.getValue()));
            }
        }
        return scope;
    }

    private static Scope toolScope(String tool) {
        return new Scope(tool, OtherTools.OPTIONS.get(tool));
    }

    /** mlship, then as many command words as name (sub)commands. */
    private Scope commandAfter(String text) {
        String[] words = text.split("[\\s\\]\"'`]+");
        CommandLine cli = mlship;
        StringBuilder name = new StringBuilder("mlship");
        for (int i = 1; i < words.length && cli.getSubcommands().containsKey(words[i]); i++) {
            cli = cli.getSubcommands().get(words[i]);
            name.append(' ').append(words[i]);
        }
        if (cli == mlship) {
            Set<String> own = new TreeSet<>();
            mlship.getCommandSpec().options().forEach(o -> own.addAll(List.of(o.names())));
            return new Scope("mlship", own);
        }
        return new Scope(name.toString(), withoutTheClisOwn(options(cli)));
    }

    private static Set<String> withoutTheClisOwn(Set<String> options) {
        Set<String> rest = new TreeSet<>(options);
        rest.removeAll(THE_CLIS_OWN);
        return rest;
    }

    /** The options of a command and of every command below it. */
    private static Set<String> options(CommandLine cli) {
        Set<String> names = new TreeSet<>();
        cli.getCommandSpec().options().forEach(o -> names.addAll(List.of(o.names())));
        cli.getSubcommands().values().forEach(sub -> names.addAll(options(sub)));
        return names;
    }
}
