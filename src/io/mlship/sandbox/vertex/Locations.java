package io.mlship.sandbox.vertex;

import java.util.regex.Pattern;

/** The {@code projects/P/locations/L} prefix every Vertex AI resource name starts with. */
final class Locations {
    private static final Pattern LOCATION = Pattern.compile("projects/([^/]+)/locations/([^/]+)");

    private Locations() {
    }

    /** The location {@code name} is in (or is); INVALID_ARGUMENT if it is not below one. */
    static String of(String name) {
        var m = LOCATION.matcher(name);
        if (!m.lookingAt()) {
            throw ApiError.invalid("'" + name + "' is not below projects/{project}/locations/{location}");
        }
        return m.group();
    }
}
