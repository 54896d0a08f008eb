package io.mlship.sandbox.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Applies a Kubernetes strategic merge patch (what {@code kubectl apply} sends for built-in kinds) to an object:
 * maps merge, {@code null} deletes, and the lists Kubernetes merges by a key (containers by name, ports by port…)
 * merge element by element; other lists are replaced. Understands the directives kubectl's three-way patches use:
 * {@code $patch} (replace/delete/merge), {@code $retainKeys}, {@code $setElementOrder/FIELD} and
 * {@code $deleteFromPrimitiveList/FIELD}. The merge keys come from {@link ListKeys}; lists it does not know are
 * replaced, as for custom resources.
 */
final class StrategicMergePatch {
    private static final String PATCH = "$patch";
    private static final String RETAIN_KEYS = "$retainKeys";
    private static final String ORDER = "$setElementOrder/";
    private static final String DELETE_FROM = "$deleteFromPrimitiveList/";

    private StrategicMergePatch() {
    }

    /** The result of applying {@code patch} to {@code target}; neither argument is changed. */
    static JsonNode apply(JsonNode target, JsonNode patch) {
        if (!patch.isObject()) {
            throw new IllegalArgumentException("a strategic merge patch is a JSON object, not " + patch.getNodeType());
        }
        JsonNode merged = mergeObject(target != null && target.isObject() ? (ObjectNode) target.deepCopy()
                : JsonNodeFactory.instance.objectNode(), (ObjectNode) patch);
        return merged == null ? JsonNodeFactory.instance.objectNode() : merged;
    }

    /** Merges {@code patch} into {@code target} (changed in place); null means "delete this map". */
    private static ObjectNode mergeObject(ObjectNode target, ObjectNode patch) {
        String directive = patch.path(PATCH).asText("merge");
        if (directive.equals("delete")) {
            return null;
        }
        if (directive.equals("replace")) {
            ObjectNode replaced = patch.deepCopy();
            replaced.remove(PATCH);
            return replaced;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = patch.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String field = e.getKey();
            JsonNode value = e.getValue();
            if (field.equals(PATCH) || field.equals(RETAIN_KEYS) || field.startsWith(ORDER)) {
                continue; // applied below, once the fields are merged
            }
            if (field.startsWith(DELETE_FROM)) {
                String list = field.substring(DELETE_FROM.length());
                if (target.get(list) instanceof ArrayNode current) {
                    Set<JsonNode> drop = new HashSet<>();
                    value.forEach(drop::add);
                    ArrayNode kept = target.putArray(list);
                    current.forEach(v -> {
                        if (!drop.contains(v)) {
                            kept.add(v);
                        }
                    });
                }
                continue;
            }
            JsonNode current = target.get(field);
            if (value.isNull()) {
                target.remove(field);
            } else if (value.isObject() && current != null && current.isObject()) {
                ObjectNode merged = mergeObject((ObjectNode) current, (ObjectNode) value);
                if (merged == null) {
                    target.remove(field);
                } else {
                    target.set(field, merged);
                }
            } else if (value.isObject()) {
                ObjectNode fresh = mergeObject(JsonNodeFactory.instance.objectNode(), (ObjectNode) value);
                if (fresh != null) {
                    target.set(field, fresh);
                }
            } else if (value.isArray() && current != null && current.isArray()) {
                target.set(field, mergeList(field, (ArrayNode) current, (ArrayNode) value));
            } else if (value.isArray()) {
                target.set(field, mergeList(field, JsonNodeFactory.instance.arrayNode(), (ArrayNode) value));
            } else {
                target.set(field, value.deepCopy());
            }
        }
        if (patch.get(RETAIN_KEYS) instanceof ArrayNode retain) {
            Set<String> keep = new HashSet<>();
            retain.forEach(k -> keep.add(k.asText()));
            target.retain(keep);
        }
        for (Iterator<String> names = patch.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (name.startsWith(ORDER) && target.get(name.substring(ORDER.length())) instanceof ArrayNode list) {
                target.set(name.substring(ORDER.length()), reorder(name.substring(ORDER.length()), list, (ArrayNode) patch.get(name)));
            }
        }
        return target;
    }

    private static ArrayNode mergeList(String field, ArrayNode current, ArrayNode patch) {
        for (JsonNode el : patch) {
            if (el.isObject() && el.path(PATCH).asText().equals("replace")) {
                ArrayNode replaced = JsonNodeFactory.instance.arrayNode();
                patch.forEach(p -> {
                    if (!(p.isObject() && p.has(PATCH))) {
                        replaced.add(p.deepCopy());
                    }
                });
                return replaced;
            }
        }
        String key = ListKeys.mergeKey(field, current, patch);
        if (key == null) {
            if (!ListKeys.isScalarSet(field)) {
                return patch.deepCopy();
            }
            ArrayNode union = current.deepCopy();
            patch.forEach(v -> {
                if (!contains(union, v)) {
                    union.add(v.deepCopy());
                }
            });
            return union;
        }
        ArrayNode result = current.deepCopy();
        for (JsonNode el : patch) {
            if (!el.isObject()) {
                continue;
            }
            int at = indexOf(result, key, el.get(key));
            if (el.path(PATCH).asText().equals("delete")) {
                if (at >= 0) {
                    result.remove(at);
                }
            } else if (at >= 0) {
                ObjectNode merged = mergeObject((ObjectNode) result.get(at), (ObjectNode) el);
                if (merged == null) {
                    result.remove(at);
                } else {
                    result.set(at, merged);
                }
            } else {
                ObjectNode fresh = mergeObject(JsonNodeFactory.instance.objectNode(), (ObjectNode) el);
                if (fresh != null) {
                    result.add(fresh);
                }
            }
        }
        return result;
    }

    /** Orders a merged list like {@code order} (the patch's {@code $setElementOrder}); elements it lacks go last. */
    private static ArrayNode reorder(String field, ArrayNode list, ArrayNode order) {
        String key = ListKeys.mergeKey(field, list, order);
        ArrayNode sorted = JsonNodeFactory.instance.arrayNode();
        List<JsonNode> rest = new ArrayList<>();
        list.forEach(rest::add);
        for (JsonNode o : order) {
            for (Iterator<JsonNode> it = rest.iterator(); it.hasNext(); ) {
                JsonNode el = it.next();
                boolean same = key == null ? el.equals(o) : el.path(key).equals(o.path(key));
                if (same) {
                    sorted.add(el);
                    it.remove();
                    break;
                }
            }
        }
        rest.forEach(sorted::add);
        return sorted;
    }

    private static int indexOf(ArrayNode list, String key, JsonNode value) {
        for (int i = 0; i < list.size(); i++) {
            if (value != null && value.equals(list.get(i).get(key))) {
                return i;
            }
        }
        return -1;
    }

    private static boolean contains(ArrayNode list, JsonNode v) {
        for (JsonNode el : list) {
            if (el.equals(v)) {
                return true;
            }
        }
        return false;
    }
}
