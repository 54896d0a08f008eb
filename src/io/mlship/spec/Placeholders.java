package io.mlship.spec;

import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code {name}} placeholders in spec strings, filled from the environment and from build parameters. */
public final class Placeholders {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([A-Za-z][A-Za-z0-9]*)}");

    private Placeholders() {
    }

    public static Set<String> names(String text) {
        Set<String> out = new LinkedHashSet<>();
        if (text != null) {
            Matcher m = PLACEHOLDER.matcher(text);
            while (m.find()) {
                out.add(m.group(1));
            }
        }
        return out;
    }

    static boolean unbalanced(String text) {
        if (text == null) {
            return false;
        }
        String stripped = PLACEHOLDER.matcher(text).replaceAll("");
        return stripped.indexOf('{') >= 0 || stripped.indexOf('}') >= 0;
    }

    /** Fills every placeholder; one without a value is an error naming it and the values that exist. */
    public static String fill(String text, Map<String, String> values, String field) {
        Matcher m = PLACEHOLDER.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = values.get(m.group(1));
            if (value == null) {
                throw new IllegalArgumentException(field + ": no value for {" + m.group(1) + "} in '" + text
                        + "'; known: " + String.join(", ", values.keySet()));
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** The values every environment provides. */
    public static Map<String, String> environmentValues(String envName, EnvironmentSpec env, ServiceSpec service) {
        Map<String, String> values = new java.util.LinkedHashMap<>();
        values.put("env", envName);
        values.put("service", service.name());
        values.put("region", env.region());
        putIfSet(values, "gkeProject", env.projects() == null ? null : env.projects().gke());
        putIfSet(values, "vertexProject", env.projects() == null ? null : env.projects().vertex());
        putIfSet(values, "registryProject", env.projects() == null ? null : env.projects().registry());
        putIfSet(values, "artifactsProject", env.projects() == null ? null : env.projects().artifacts());
        return values;
    }

    private static void putIfSet(Map<String, String> values, String key, String value) {
        if (value != null) {
            values.put(key, value);
        }
    }
}
