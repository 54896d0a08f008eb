package io.mlship.kube.apply;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A deploy worked out against what runs now: the change to each object, the objects to apply, and the exact
 * previous objects (recorded before anything is written) that a rollback puts back.
 */
public record Plan(String namespace, List<Change> changes, Map<ObjectKey, GenericKubernetesResource> desired,
                   Map<ObjectKey, GenericKubernetesResource> previous) {

    public Plan {
        changes = List.copyOf(changes);
        desired = Collections.unmodifiableMap(new LinkedHashMap<>(desired));
        previous = Collections.unmodifiableMap(new LinkedHashMap<>(previous));
    }

    public boolean changesAnything() {
        return changes.stream().anyMatch(Change::changes);
    }

    public List<Change> changed() {
        return changes.stream().filter(Change::changes).toList();
    }

    /** The diff a person reads: one line per object, changed fields indented under updates. */
    public String describe() {
        StringBuilder out = new StringBuilder();
        for (Change c : changes) {
            out.append(c.action().mark()).append(' ').append(c.key()).append(switch (c.action()) {
                case CREATE -> " (new)";
                case UPDATE -> " (" + c.fields().size() + " field" + (c.fields().size() == 1 ? "" : "s") + ")";
                case UNCHANGED -> " (unchanged)";
                case PRUNE -> " (no longer in the spec: deleted)";
            }).append('\n');
            for (String f : c.fields()) {
                out.append("    ").append(f).append('\n');
            }
        }
        return out.toString();
    }

    public List<Map<String, Object>> summary() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Change c : changes) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("kind", c.key().kind());
            m.put("name", c.key().name());
            m.put("action", c.action().name().toLowerCase(java.util.Locale.ROOT));
            if (!c.fields().isEmpty()) {
                m.put("fields", c.fields());
            }
            out.add(m);
        }
        return out;
    }
}
