package io.mlship.sandbox.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A set of field paths, as a managedFields entry's {@code fieldsV1} holds them. A path is a list of elements in
 * the API's encoding: {@code f:NAME} a field, {@code k:{"name":"server"}} the element of a keyed list,
 * {@code v:"x"} a value of a set list. In {@code fieldsV1} a path is a nested object; {@code "."} marks a path
 * that is itself in the set and also has members below it.
 */
record FieldSet(Set<List<String>> paths) {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final FieldSet EMPTY = new FieldSet(Set.of());

    FieldSet {
        paths = Collections.unmodifiableSet(new LinkedHashSet<>(paths));
    }

    static String field(String name) {
        return "f:" + name;
    }

    static String key(String keyField, JsonNode value) {
        return "k:" + JSON.createObjectNode().set(keyField, value).toString();
    }

    static String value(JsonNode value) {
        return "v:" + value.toString();
    }

    boolean isEmpty() {
        return paths.isEmpty();
    }

    boolean contains(List<String> path) {
        return paths.contains(path);
    }

    /** Whether the set holds {@code prefix} or anything below it. */
    boolean reaches(List<String> prefix) {
        for (List<String> p : paths) {
            if (p.size() >= prefix.size() && p.subList(0, prefix.size()).equals(prefix)) {
                return true;
            }
        }
        return false;
    }

    FieldSet union(FieldSet other) {
        Set<List<String>> all = new LinkedHashSet<>(paths);
        all.addAll(other.paths);
        return new FieldSet(all);
    }

    FieldSet minus(FieldSet other) {
        Set<List<String>> left = new LinkedHashSet<>(paths);
        left.removeAll(other.paths);
        return new FieldSet(left);
    }

    FieldSet intersect(FieldSet other) {
        Set<List<String>> both = new LinkedHashSet<>(paths);
        both.retainAll(other.paths);
        return new FieldSet(both);
    }

    /** The set without {@code path} and everything below it. */
    FieldSet without(List<String> path) {
        Set<List<String>> left = new LinkedHashSet<>();
        for (List<String> p : paths) {
            if (!(p.size() >= path.size() && p.subList(0, path.size()).equals(path))) {
                left.add(p);
            }
        }
        return new FieldSet(left);
    }

    /** The {@code fieldsV1} object. */
    ObjectNode toFieldsV1() {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        for (List<String> path : paths) {
            ObjectNode at = root;
            for (String element : path) {
                at = at.get(element) instanceof ObjectNode child ? child : at.putObject(element);
            }
        }
        for (List<String> path : paths) {
            ObjectNode at = root;
            for (String element : path) {
                at = (ObjectNode) at.get(element);
            }
            if (!at.isEmpty() && !at.has(".")) {
                at.putObject(".");
            }
        }
        return sortedCopy(root);
    }

    /** Reads a {@code fieldsV1} object; throws IllegalArgumentException naming what is wrong. */
    static FieldSet fromFieldsV1(JsonNode fields) {
        if (fields == null || fields.isNull() || fields.isMissingNode()) {
            return EMPTY;
        }
        if (!fields.isObject()) {
            throw new IllegalArgumentException("fieldsV1 must be an object, not " + fields.getNodeType());
        }
        Set<List<String>> paths = new LinkedHashSet<>();
        collect(fields, new ArrayList<>(), paths);
        return new FieldSet(paths);
    }

    private static void collect(JsonNode node, List<String> path, Set<List<String>> out) {
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().equals(".")) {
                out.add(List.copyOf(path));
                continue;
            }
            String element = e.getKey();
            if (!(element.startsWith("f:") || element.startsWith("k:") || element.startsWith("v:") || element.startsWith("i:"))) {
                throw new IllegalArgumentException("fieldsV1 has a key that is not a path element: " + element);
            }
            List<String> child = new ArrayList<>(path);
            child.add(element);
            if (e.getValue().isEmpty()) {
                out.add(List.copyOf(child));
            } else {
                collect(e.getValue(), child, out);
            }
        }
    }

    /** A path as the API prints it in conflicts: {@code .spec.template.spec.containers[name="server"].image}. */
    static String print(List<String> path) {
        StringBuilder out = new StringBuilder();
        for (String element : path) {
            String rest = element.substring(2);
            switch (element.charAt(0)) {
                case 'f' -> out.append('.').append(rest);
                case 'v' -> out.append("[=").append(rest).append(']');
                case 'i' -> out.append('[').append(rest).append(']');
                default -> {
                    List<String> pairs = new ArrayList<>();
                    try {
                        JSON.readTree(rest).fields().forEachRemaining(kv -> pairs.add(kv.getKey() + "=" + kv.getValue()));
                    } catch (IOException e) {
                        pairs.add(rest);
                    }
                    out.append('[').append(String.join(",", pairs)).append(']');
                }
            }
        }
        return out.toString();
    }

    /** The API server writes fieldsV1 with its keys sorted, {@code "."} first. */
    private static ObjectNode sortedCopy(ObjectNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        Collections.sort(names);
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        for (String name : names) {
            out.set(name, sortedCopy((ObjectNode) node.get(name)));
        }
        return out;
    }
}
