package io.mlship.kube.apply;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.Iterator;
import java.util.Map;

/**
 * Reads an object's {@code metadata.managedFields} ({@code fieldsV1}: {@code f:NAME} fields, {@code k:{…}}
 * keyed-list elements, {@code v:…} set values) to take out the part one manager owns, and merges field sets.
 */
final class OwnedFields {
    private static final ObjectMapper JSON = new ObjectMapper();

    private OwnedFields() {
    }

    /** The union of {@code manager}'s fieldsV1 over its entries of the given operations; null when it has none. */
    static ObjectNode of(JsonNode object, String manager, String... operations) {
        ObjectNode union = null;
        for (JsonNode e : object.path("metadata").path("managedFields")) {
            boolean op = java.util.Arrays.asList(operations).contains(e.path("operation").asText());
            if (manager.equals(e.path("manager").asText()) && op && !e.hasNonNull("subresource") && e.get("fieldsV1") instanceof ObjectNode f) {
                union = union == null ? f.deepCopy() : merge(union, f);
            }
        }
        return union;
    }

    /** {@code into} with every path of {@code more} added (changed in place). */
    static ObjectNode merge(ObjectNode into, JsonNode more) {
        more.fields().forEachRemaining(e -> {
            if (into.get(e.getKey()) instanceof ObjectNode mine && e.getValue().isObject()) {
                merge(mine, e.getValue());
            } else if (!into.has(e.getKey())) {
                into.set(e.getKey(), e.getValue().deepCopy());
            }
        });
        return into;
    }

    /** The parts of {@code node} that {@code fields} names: what that manager set (its applied configuration). */
    static JsonNode extract(JsonNode node, JsonNode fields) {
        if (node.isObject()) {
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            for (Iterator<Map.Entry<String, JsonNode>> it = fields.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                String name = f.getKey().startsWith("f:") ? f.getKey().substring(2) : null;
                if (name != null && node.has(name)) {
                    out.set(name, isLeaf(f.getValue()) ? node.get(name).deepCopy() : extract(node.get(name), f.getValue()));
                }
            }
            return out;
        }
        if (node.isArray()) {
            ArrayNode out = JsonNodeFactory.instance.arrayNode();
            for (JsonNode el : node) {
                for (Iterator<Map.Entry<String, JsonNode>> it = fields.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> f = it.next();
                    if (f.getKey().startsWith("v:") && value(f.getKey()).equals(el)) {
                        out.add(el.deepCopy());
                    } else if (f.getKey().startsWith("k:") && matches(el, value(f.getKey()))) {
                        out.add(isLeaf(f.getValue()) ? el.deepCopy() : extract(el, f.getValue()));
                    }
                }
            }
            return out;
        }
        return node.deepCopy();
    }

    private static boolean isLeaf(JsonNode fields) {
        return fields.isEmpty() || (fields.size() == 1 && fields.has("."));
    }

    private static boolean matches(JsonNode element, JsonNode key) {
        if (!element.isObject() || !key.isObject()) {
            return false;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = key.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> k = it.next();
            JsonNode have = element.get(k.getKey());
            if (have == null || !(have.equals(k.getValue()) || (have.isNumber() && k.getValue().isNumber()
                    && have.decimalValue().compareTo(k.getValue().decimalValue()) == 0))) {
                return false;
            }
        }
        return true;
    }

    private static JsonNode value(String element) {
        try {
            return JSON.readTree(element.substring(2));
        } catch (IOException e) {
            throw new IllegalArgumentException("a managedFields path element that is not JSON: " + element, e);
        }
    }
}
