package io.mlship.spec;

import java.util.Collection;
import java.util.Comparator;
import java.util.Locale;
import java.util.Optional;
import org.apache.commons.text.similarity.LevenshteinDistance;

/** "Did you mean …?" for misspelt keys and names. */
public final class Suggestions {
    private final LevenshteinDistance distance = LevenshteinDistance.getDefaultInstance();

    /** The closest candidate, if it is close enough to be a plausible typo. */
    public Optional<String> closest(String wrong, Collection<String> candidates) {
        String lower = wrong.toLowerCase(Locale.ROOT);
        int allowed = Math.max(2, wrong.length() / 3);
        return candidates.stream()
                .filter(c -> distance.apply(lower, c.toLowerCase(Locale.ROOT)) <= allowed
                        || c.toLowerCase(Locale.ROOT).startsWith(lower) && lower.length() >= 3)
                .min(Comparator.comparingInt((String c) -> distance.apply(lower, c.toLowerCase(Locale.ROOT)))
                        .thenComparing(Comparator.naturalOrder()));
    }

    /** {@code did you mean 'ingress'?} or, with no close match, the list of allowed names. */
    public String hint(String wrong, Collection<String> candidates) {
        return closest(wrong, candidates)
                .map(c -> "did you mean '" + c + "'?")
                .orElseGet(() -> "allowed: " + String.join(", ", candidates.stream().sorted().toList()));
    }
}
