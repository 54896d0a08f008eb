package io.mlship.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;

/**
 * Builds the tree of one environment: the top-level sections with that environment's {@code overrides}
 * merged over them (maps merge key by key, lists and values replace). Origins follow the values, so a
 * problem in an overridden value points at the override's line.
 */
final class EnvironmentMerger {

    record Merged(ObjectNode tree, SourceMap origins) {
    }

    Merged merge(SpecDocument doc, String environment) {
        ObjectNode tree = doc.root().deepCopy();
        SourceMap origins = doc.origins().copy();
        JsonNode overrides = doc.root().path("environments").path(environment).path("overrides");
        if (!overrides.isObject()) {
            return new Merged(tree, origins);
        }
        String overridesPointer = Pointers.child(Pointers.child("/environments", environment), "overrides");
        for (Iterator<Map.Entry<String, JsonNode>> it = overrides.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> section = it.next();
            String from = Pointers.child(overridesPointer, section.getKey());
            String to = Pointers.child("", section.getKey());
            mergeInto(tree, section.getKey(), section.getValue(), from, to, doc.origins(), origins);
        }
        return new Merged(tree, origins);
    }

    private void mergeInto(ObjectNode parent, String key, JsonNode override, String from, String to,
                           SourceMap overrideOrigins, SourceMap origins) {
        JsonNode base = parent.get(key);
        if (base instanceof ObjectNode baseObject && override.isObject()) {
            origins.put(to, overrideOrigins.find(from));
            for (Iterator<Map.Entry<String, JsonNode>> it = override.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> child = it.next();
                mergeInto(baseObject, child.getKey(), child.getValue(), Pointers.child(from, child.getKey()),
                        Pointers.child(to, child.getKey()), overrideOrigins, origins);
            }
            return;
        }
        parent.set(key, override.deepCopy());
        origins.copySubtree(overrideOrigins, from, to);
    }
}
