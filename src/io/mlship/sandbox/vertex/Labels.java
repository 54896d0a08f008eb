package io.mlship.sandbox.vertex;

import java.util.Map;
import java.util.regex.Pattern;

/** The label rules models and endpoints share. */
final class Labels {
    private static final Pattern KEY = Pattern.compile("[a-z][a-z0-9_-]{0,62}");
    private static final Pattern VALUE = Pattern.compile("[a-z0-9_-]{0,63}");

    private Labels() {
    }

    /** Vertex AI keeps at most 64 labels on a resource. */
    static final int MAX_LABELS = 64;

    static void check(Map<String, String> labels) {
        if (labels.size() > MAX_LABELS) {
            throw ApiError.invalid(labels.size() + " labels: at most " + MAX_LABELS + " are allowed");
        }
        for (Map.Entry<String, String> l : labels.entrySet()) {
            if (!KEY.matcher(l.getKey()).matches() || !VALUE.matcher(l.getValue()).matches()) {
                throw ApiError.invalid("label " + l.getKey() + "=" + l.getValue()
                        + " is not valid: lower-case letters, digits, '_' and '-', at most 63 characters");
            }
        }
    }
}
