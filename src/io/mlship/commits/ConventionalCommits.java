package io.mlship.commits;

import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Conventional Commits 1.0 subject rule, {@code type(scope)!: description}, with the usual types
 * (those of the Angular convention that commitlint's default configuration uses).
 */
public final class ConventionalCommits {
    public static final List<String> DEFAULT_TYPES =
            List.of("feat", "fix", "docs", "style", "refactor", "perf", "test", "build", "ci", "chore", "revert");

    private static final Pattern SUBJECT = Pattern.compile("^([A-Za-z]+)(\\(([^()\\s][^()]*)\\))?(!)?: (\\S.*)$");
    private static final Pattern HEADER_ONLY = Pattern.compile("^([A-Za-z]+)(\\([^()]+\\))?!?:");

    private final List<String> types;

    public ConventionalCommits(List<String> types) {
        this.types = List.copyOf(types);
    }

    public List<String> types() {
        return types;
    }

    /** Why the subject does not conform, or empty when it does. */
    public Optional<String> problem(String subject) {
        Matcher m = SUBJECT.matcher(subject);
        if (!m.matches()) {
            if (HEADER_ONLY.matcher(subject).find()) {
                return Optional.of("the description after ': ' is missing or starts with a space");
            }
            return Optional.of("does not start with 'type: ' or 'type(scope): '");
        }
        String type = m.group(1);
        if (!types.contains(type)) {
            String lower = type.toLowerCase(java.util.Locale.ROOT);
            return Optional.of("type '" + type + "' is not one of " + String.join(", ", types)
                    + (types.contains(lower) ? " (types are lower case: '" + lower + "')" : ""));
        }
        return Optional.empty();
    }
}
