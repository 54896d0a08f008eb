package io.mlship.kube.apply;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What applying would change, as readable lines ({@code spec.replicas: 2 → 3}), from the live object and the
 * API server's dry-run answer. What only the server keeps is not a difference: status, and metadata other than
 * labels and annotations (resourceVersion, generation, managedFields, uid…). An empty map or list is the same as
 * none.
 */
public final class ObjectDiff {
    private static final Set<String> COMPARED_METADATA = Set.of("labels", "annotations");
    private static final Set<String> IGNORED = Set.of("status", "apiVersion", "kind", "metadata");
    private static final int MAX_VALUE = 240;

    private ObjectDiff() {
    }

    public static List<String> changes(JsonNode live, JsonNode answer) {
        List<String> out = new ArrayList<>();
        for (String m : COMPARED_METADATA) {
            compare("metadata." + m, live.path("metadata").get(m), answer.path("metadata").get(m), out);
        }
        for (String name : names(live, answer)) {
            if (!IGNORED.contains(name)) {
                compare(name, live.get(name), answer.get(name), out);
            }
        }
        return out;
    }

    private static void compare(String path, JsonNode was, JsonNode is, List<String> out) {
        boolean hadNone = none(was);
        boolean hasNone = none(is);
        if (hadNone && hasNone) {
            return;
        }
        if (hadNone || hasNone) {
            out.add(path + ": " + (hadNone ? "(none)" : show(was)) + " → " + (hasNone ? "(none)" : show(is)));
            return;
        }
        if (was.isObject() && is.isObject()) {
            names(was, is).forEach(n -> compare(path + "." + n, was.get(n), is.get(n), out));
            return;
        }
        if (was.isArray() && is.isArray() && was.size() == is.size()) {
            for (int i = 0; i < is.size(); i++) {
                compare(path + "[" + i + "]", was.get(i), is.get(i), out);
            }
            return;
        }
        if (was.isValueNode() && is.isValueNode() && was.asText().equals(is.asText())) {
            return; // 1 and "1" are the same int-or-string to the API server
        }
        if (!was.equals(is)) {
            out.add(path + ": " + show(was) + " → " + show(is));
        }
    }

    private static boolean none(JsonNode n) {
        return n == null || n.isNull() || n.isMissingNode() || (n.isContainerNode() && n.isEmpty());
    }

    private static Set<String> names(JsonNode a, JsonNode b) {
        Set<String> names = new LinkedHashSet<>();
        a.fieldNames().forEachRemaining(names::add);
        b.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static String show(JsonNode n) {
        String s = n.toString();
        return s.length() > MAX_VALUE ? s.substring(0, MAX_VALUE - 1) + "…" : s;
    }
}
