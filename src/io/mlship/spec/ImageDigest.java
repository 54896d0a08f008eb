package io.mlship.spec;

import io.mlship.result.MlshipException;
import java.util.regex.Pattern;

/** An image manifest digest, {@code sha256:} and 64 lower-case hex characters: what releases deploy by. */
public record ImageDigest(String value) {
    private static final Pattern FORM = Pattern.compile("sha256:[0-9a-f]{64}");

    public ImageDigest {
        if (value == null || !FORM.matcher(value).matches()) {
            throw new IllegalArgumentException("'" + value + "' is not a sha256 digest");
        }
    }

    public static boolean isDigest(String text) {
        return text != null && FORM.matcher(text).matches();
    }

    /** The digest given as {@code field} (an option or parameter name), or exit 2 naming it; null stays null. */
    public static ImageDigest parse(String text, String field) {
        if (text == null) {
            return null;
        }
        if (!isDigest(text)) {
            throw MlshipException.badInput(field + " '" + text + "' is not a sha256 digest",
                    "pass the digest mlship build reported: sha256: followed by 64 lower-case hex characters");
        }
        return new ImageDigest(text);
    }

    /** For a console line: {@code sha256:} and the first 12 hex characters. */
    public String abbreviated() {
        return value.substring(0, 19) + "…";
    }

    @Override
    public String toString() {
        return value;
    }
}
