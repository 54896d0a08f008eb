package io.mlship.model;

import java.util.regex.Pattern;

/**
 * Vertex AI answers with the project's number in every resource name ({@code projects/123456789012/…}) while
 * mlship builds names from the spec's project id; both name the same resource. Names read back are compared
 * below the project, which is one and the same within one endpoint's answers.
 */
final class ResourceNames {
    private static final Pattern PROJECT = Pattern.compile("^projects/[^/]+/");

    private ResourceNames() {
    }

    /** Whether {@code a} and {@code b} name one resource, the project given by id in one and by number in the other. */
    static boolean same(String a, String b) {
        return PROJECT.matcher(a).replaceFirst("").equals(PROJECT.matcher(b).replaceFirst(""));
    }
}
