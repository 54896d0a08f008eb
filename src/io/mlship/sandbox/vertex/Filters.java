package io.mlship.sandbox.vertex;

import com.google.cloud.aiplatform.v1.Endpoint;
import com.google.cloud.aiplatform.v1.Model;
import java.util.Map;

/**
 * The subset of AIP-160 list filters the emulator understands: {@code display_name=…} and
 * {@code labels.KEY=…}, joined by AND. Anything else is rejected rather than ignored.
 */
final class Filters {
    private Filters() {
    }

    static boolean matches(String filter, Model m) {
        return matches(filter, m.getDisplayName(), m.getLabelsMap());
    }

    static boolean matches(String filter, Endpoint e) {
        return matches(filter, e.getDisplayName(), e.getLabelsMap());
    }

    private static boolean matches(String filter, String displayName, Map<String, String> labels) {
        if (filter == null || filter.isBlank()) {
            return true;
        }
        for (String term : filter.split("(?i)\\s+AND\\s+")) {
            int eq = term.indexOf('=');
            if (eq < 0) {
                throw ApiError.invalid("unsupported filter term '" + term + "' (use field=value)");
            }
            String field = term.substring(0, eq).trim();
            String value = term.substring(eq + 1).trim();
            if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
                value = value.substring(1, value.length() - 1);
            }
            String actual;
            if (field.equals("display_name") || field.equals("displayName")) {
                actual = displayName;
            } else if (field.startsWith("labels.")) {
                actual = labels.get(field.substring("labels.".length()));
            } else {
                throw ApiError.invalid("unsupported filter field '" + field + "'");
            }
            if (!value.equals(actual)) {
                return false;
            }
        }
        return true;
    }
}
