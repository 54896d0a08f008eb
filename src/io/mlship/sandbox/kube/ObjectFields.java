package io.mlship.sandbox.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The field paths of an object, as server-side apply sees them: maps are granular (each key its own field), lists
 * {@link ListKeys} merges by key are granular per element, sets of scalars per value, every other list is atomic.
 * Only the fields a writer of the given {@link Scope} sets count: not {@code apiVersion}/{@code kind}, not the
 * metadata the server owns (name, uid, resourceVersion, managedFields…), and status only through {@code /status}.
 */
final class ObjectFields {
    /** Which part of an object a write is about: the object itself, or its status subresource. */
    enum Scope { MAIN, STATUS }

    /** Paths an update added or changed (new maps and elements with everything in them), and paths it removed. */
    record Comparison(FieldSet changed, FieldSet removed) {
    }

    /** "No object yet" (a create); never changed. */
    private static final JsonNode NOTHING = JsonNodeFactory.instance.objectNode();
    private static final Set<String> WRITABLE_METADATA = Set.of("labels", "annotations", "ownerReferences", "finalizers", "generateName");

    private record Child(String element, JsonNode value) {
    }

    private ObjectFields() {
    }

    /** What an applier of {@code config} owns: every leaf it sets, and each keyed-list element it sets. */
    static FieldSet applied(JsonNode config, Scope scope) {
        Set<List<String>> out = new LinkedHashSet<>();
        applied(config, List.of(), scope, out);
        return new FieldSet(out);
    }

    private static void applied(JsonNode node, List<String> path, Scope scope, Set<List<String>> out) {
        List<Child> kids = children(node, path, scope);
        if (kids == null) {
            out.add(path);
            return;
        }
        if (!path.isEmpty() && path.get(path.size() - 1).startsWith("k:")) {
            out.add(path);
        }
        for (Child kid : kids) {
            applied(kid.value(), append(path, kid.element()), scope, out);
        }
    }

    /** What changed from {@code before} (null: nothing) to {@code after}, for attributing an update. */
    static Comparison compare(JsonNode before, JsonNode after, Scope scope) {
        Set<List<String>> changed = new LinkedHashSet<>();
        Set<List<String>> removed = new LinkedHashSet<>();
        compare(before == null ? NOTHING : before, after, List.of(), scope, changed, removed);
        return new Comparison(new FieldSet(changed), new FieldSet(removed));
    }

    private static void compare(JsonNode before, JsonNode after, List<String> path, Scope scope,
                                Set<List<String>> changed, Set<List<String>> removed) {
        List<Child> was = children(before, path, scope);
        List<Child> is = children(after, path, scope);
        if (was == null || is == null) {
            if (was != null || is != null || !sameValue(before, after)) {
                everything(before, path, scope, removed);
                removed.remove(path);
                everything(after, path, scope, changed);
            }
            return;
        }
        Map<String, JsonNode> old = byElement(was);
        Map<String, JsonNode> now = byElement(is);
        now.forEach((element, value) -> {
            List<String> p = append(path, element);
            if (old.containsKey(element)) {
                compare(old.get(element), value, p, scope, changed, removed);
            } else {
                everything(value, p, scope, changed);
            }
        });
        old.forEach((element, value) -> {
            if (!now.containsKey(element)) {
                everything(value, append(path, element), scope, removed);
            }
        });
    }

    /** {@code path} and every path below it. */
    private static void everything(JsonNode node, List<String> path, Scope scope, Set<List<String>> out) {
        if (!path.isEmpty() && !path.equals(List.of(FieldSet.field("metadata")))) {
            out.add(path);
        }
        List<Child> kids = children(node, path, scope);
        if (kids != null) {
            kids.forEach(k -> everything(k.value(), append(path, k.element()), scope, out));
        }
    }

    /**
     * A copy of {@code object} without the fields in {@code remove} that nobody in {@code owned} still claims
     * (at or below them): what an applier stopped setting and no other manager sets.
     */
    static JsonNode pruned(JsonNode object, FieldSet remove, FieldSet owned, Scope scope) {
        JsonNode copy = object.deepCopy();
        prune(copy, List.of(), remove, owned, scope);
        return copy;
    }

    private static void prune(JsonNode node, List<String> path, FieldSet remove, FieldSet owned, Scope scope) {
        List<Child> kids = children(node, path, scope);
        if (kids == null) {
            return;
        }
        List<Integer> dropped = new ArrayList<>();
        for (int i = 0; i < kids.size(); i++) {
            List<String> p = append(path, kids.get(i).element());
            if (remove.contains(p) && !owned.reaches(p)) {
                dropped.add(i);
            } else {
                prune(kids.get(i).value(), p, remove, owned, scope);
            }
        }
        if (node instanceof ObjectNode map) {
            dropped.forEach(i -> map.remove(kids.get(i).element().substring(2)));
        } else if (node instanceof ArrayNode list) {
            for (int i = dropped.size() - 1; i >= 0; i--) {
                list.remove(dropped.get(i).intValue());
            }
        }
    }

    /**
     * The fields or elements of a node, each with its path element; null for a leaf (a scalar, an atomic list, an
     * empty map). Array children are in array order, one per element.
     */
    private static List<Child> children(JsonNode node, List<String> path, Scope scope) {
        if (node.isObject()) {
            boolean root = path.isEmpty();
            boolean metadata = path.equals(List.of(FieldSet.field("metadata")));
            if (node.isEmpty() && !root && !metadata) {
                return null;
            }
            List<Child> out = new ArrayList<>();
            node.fields().forEachRemaining(e -> {
                String name = e.getKey();
                boolean tracked = root ? tracked(name, scope) : !metadata || WRITABLE_METADATA.contains(name);
                if (tracked && !e.getValue().isNull()) {
                    out.add(new Child(FieldSet.field(name), e.getValue()));
                }
            });
            return out;
        }
        if (!node.isArray() || node.isEmpty() || path.isEmpty()) {
            return null;
        }
        String field = path.get(path.size() - 1).substring(2);
        String key = ListKeys.mergeKey(field, node);
        List<Child> out = new ArrayList<>();
        if (key != null) {
            for (JsonNode el : node) {
                if (!el.isObject() || !el.hasNonNull(key)) {
                    return null; // an element without its key: the list is treated as one value
                }
                out.add(new Child(FieldSet.key(key, el.get(key)), el));
            }
            return out;
        }
        if (ListKeys.isScalarSet(field)) {
            for (JsonNode el : node) {
                if (!el.isValueNode()) {
                    return null;
                }
                out.add(new Child(FieldSet.value(el), el));
            }
            return out;
        }
        return null;
    }

    private static boolean tracked(String topLevelField, Scope scope) {
        return switch (scope) {
            case STATUS -> topLevelField.equals("status");
            case MAIN -> !topLevelField.equals("status") && !topLevelField.equals("apiVersion") && !topLevelField.equals("kind");
        };
    }

    private static Map<String, JsonNode> byElement(List<Child> kids) {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        kids.forEach(k -> out.putIfAbsent(k.element(), k.value()));
        return out;
    }

    private static boolean sameValue(JsonNode a, JsonNode b) {
        if (a.isNumber() && b.isNumber()) {
            return a.decimalValue().compareTo(b.decimalValue()) == 0;
        }
        return a.equals(b);
    }

    private static List<String> append(List<String> path, String element) {
        List<String> out = new ArrayList<>(path.size() + 1);
        out.addAll(path);
        out.add(element);
        return List.copyOf(out);
    }
}
