package io.mlship.kube.apply;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What applying {@code desired} would change in {@code live}, as readable lines ({@code spec.replicas: 2 → 3}).
 * Only fields mlship sets are compared: whatever the server or controllers add (defaults, status, uid…) is not
 * a difference, so re-applying an unchanged release finds nothing to do.
 */
public final class ObjectDiff {
    /** Metadata the API server owns; labels and annotations are compared, the rest is ours to ignore. */
    private static final Set<String> COMPARED_METADATA = Set.of("labels", "annotations");
    private static final int MAX_VALUE = 240;

    private ObjectDiff() {
    }

    public static List<String> changes(JsonNode desired, JsonNode live) {
        List<String> out = new ArrayList<>();
        Iterator<Map.Entry<String, JsonNode>> fields = desired.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> f = fields.next();
            String name = f.getKey();
            if (name.equals("status") || name.equals("apiVersion") || name.equals("kind")) {
                continue;
            }
            if (name.equals("metadata")) {
                for (String m : COMPARED_METADATA) {
                    JsonNode want = f.getValue().get(m);
                    if (want != null && !want.isNull()) {
                        compare("metadata." + m, want, live.path("metadata").get(m), out);
                    }
                }
                continue;
            }
            compare(name, f.getValue(), live.get(name), out);
        }
        return out;
    }

    private static void compare(String path, JsonNode want, JsonNode have, List<String> out) {
        if (want == null || want.isNull()) {
            return;
        }
        if (have == null || have.isNull() || have.isMissingNode()) {
            out.add(path + ": (none) → " + show(want));
            return;
        }
        if (want.isObject() && have.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> it = want.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                compare(path + "." + e.getKey(), e.getValue(), have.get(e.getKey()), out);
            }
            return;
        }
        if (want.isArray() && have.isArray() && want.size() == have.size()) {
            for (int i = 0; i < want.size(); i++) {
                compare(path + "[" + i + "]", want.get(i), have.get(i), out);
            }
            return;
        }
        if (want.isValueNode() && have.isValueNode() && want.asText().equals(have.asText())) {
            return; // 1 and "1" are the same int-or-string to the API server
        }
        if (!want.equals(have)) {
            out.add(path + ": " + show(have) + " → " + show(want));
        }
    }

    private static String show(JsonNode n) {
        String s = n.toString();
        return s.length() > MAX_VALUE ? s.substring(0, MAX_VALUE - 1) + "…" : s;
    }
}
