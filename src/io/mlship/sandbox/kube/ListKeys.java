package io.mlship.sandbox.kube;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.Set;

/**
 * How the Kubernetes API types merge their lists, by field name, for the fields of the kinds the sandbox serves:
 * the lists merged element by element under a key (containers by name, ports by port…, from the types'
 * {@code patchMergeKey} tags) and the lists of scalars merged as sets. Every other list is atomic: replaced
 * whole. Strategic merge patches and server-side apply both read it.
 */
final class ListKeys {
    private static final Map<String, String> MERGE_KEYS = Map.ofEntries(
            Map.entry("containers", "name"), Map.entry("initContainers", "name"), Map.entry("ephemeralContainers", "name"),
            Map.entry("volumes", "name"), Map.entry("imagePullSecrets", "name"), Map.entry("env", "name"),
            Map.entry("volumeMounts", "mountPath"), Map.entry("volumeDevices", "devicePath"),
            Map.entry("hostAliases", "ip"), Map.entry("ownerReferences", "uid"), Map.entry("conditions", "type"),
            Map.entry("topologySpreadConstraints", "topologyKey"), Map.entry("resourceClaims", "name"),
            Map.entry("schedulingGates", "name"));
    private static final Set<String> SCALAR_SETS = Set.of("finalizers");

    private ListKeys() {
    }

    /**
     * The merge key of list {@code field}, or null when the list is not merged by key. {@code ports} is keyed by
     * containerPort in pods and by port in Services, so the lists' elements decide.
     */
    static String mergeKey(String field, JsonNode... lists) {
        if (field.equals("ports")) {
            for (JsonNode list : lists) {
                for (JsonNode el : list) {
                    if (el.has("containerPort")) {
                        return "containerPort";
                    }
                }
            }
            return "port";
        }
        return MERGE_KEYS.get(field);
    }

    /** Whether list {@code field} holds scalars merged as a set ({@code patchStrategy:"merge"} on a list of strings). */
    static boolean isScalarSet(String field) {
        return SCALAR_SETS.contains(field);
    }
}
