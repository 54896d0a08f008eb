package io.mlship.spec;

import com.fasterxml.jackson.databind.JsonNode;
import io.mlship.yaml.LocatedTree;
import java.util.HashMap;
import java.util.Map;

/** JSON pointer of every value in a parsed document → its {@link Origin}. */
public final class SourceMap {
    private final Map<String, Origin> origins;

    public SourceMap() {
        this(new HashMap<>());
    }

    private SourceMap(Map<String, Origin> origins) {
        this.origins = origins;
    }

    /** The origin of every value of a tree as read, its path built as the tree is walked (keys vs. list indexes). */
    static SourceMap of(LocatedTree tree) {
        SourceMap map = new SourceMap();
        map.putAll(tree.root(), "", "", tree);
        return map;
    }

    private void putAll(JsonNode node, String pointer, String dotted, LocatedTree tree) {
        origins.put(pointer, new Origin(dotted, tree.positions().get(pointer).line()));
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                String key = field.getKey();
                putAll(field.getValue(), Pointers.child(pointer, key), Pointers.dottedChild(dotted, key), tree);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                putAll(node.get(i), pointer + "/" + i, Pointers.dottedIndex(dotted, i), tree);
            }
        }
    }

    public void put(String pointer, Origin origin) {
        origins.put(pointer, origin);
    }

    /**
     * The origin of a pointer; for a value that is not in the file (a missing key, a default) the
     * path is derived from the pointer and the line is that of the nearest ancestor that is.
     */
    public Origin find(String pointer) {
        Origin exact = origins.get(pointer);
        if (exact != null) {
            return exact;
        }
        String parent = pointer;
        while (!parent.isEmpty()) {
            parent = parent.substring(0, parent.lastIndexOf('/'));
            Origin known = origins.get(parent);
            if (known != null) {
                String rest = pointer.substring(parent.length());
                return new Origin(Pointers.append(known.path(), rest), known.line());
            }
        }
        return new Origin(Pointers.toDotted(pointer), 0);
    }

    /** Copies every origin at or below {@code fromPrefix} to sit below {@code toPrefix}. */
    public void copySubtree(SourceMap from, String fromPrefix, String toPrefix) {
        from.origins.forEach((pointer, origin) -> {
            if (pointer.equals(fromPrefix) || pointer.startsWith(fromPrefix + "/")) {
                origins.put(toPrefix + pointer.substring(fromPrefix.length()), origin);
            }
        });
    }

    public SourceMap copy() {
        return new SourceMap(new HashMap<>(origins));
    }
}
