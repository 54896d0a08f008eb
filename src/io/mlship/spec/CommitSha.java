package io.mlship.spec;

import io.mlship.result.MlshipException;
import java.util.regex.Pattern;

/** A git commit id, full or abbreviated (7-40 lower-case hex characters). */
public record CommitSha(String value) {
    private static final Pattern FORM = Pattern.compile("[0-9a-f]{7,40}");

    public CommitSha {
        if (value == null || !FORM.matcher(value).matches()) {
            throw new IllegalArgumentException("'" + value + "' is not a git commit id");
        }
    }

    /** The commit given as {@code field}, or exit 2 naming it; null or blank is no commit. */
    public static CommitSha parse(String text, String field) {
        if (text == null || text.isBlank()) {
            return null;
        }
        if (!FORM.matcher(text).matches()) {
            throw MlshipException.badInput(field + " '" + text + "' is not a git commit id",
                    "pass the full or short commit id: 7-40 lower-case hex characters");
        }
        return new CommitSha(text);
    }

    @Override
    public String toString() {
        return value;
    }
}
