package io.mlship.yaml;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * A value read from YAML or JSON and the position of every value in it, by JSON pointer relative to
 * {@code root} ({@code ""} is the root, {@code /request/path} a key, {@code /expect/json/0} a list item).
 * A value under a key is placed at its key, which is the line a person reads as "that setting".
 */
public record LocatedTree(JsonNode root, Map<String, Position> positions) {

    public LocatedTree {
        positions = Map.copyOf(positions);
    }

    /** The position of the value at {@code pointer} or, when it is not in the text, of its nearest ancestor that is. */
    public Position nearest(String pointer) {
        String at = pointer;
        while (true) {
            Position known = positions.get(at);
            if (known != null || at.isEmpty()) {
                return known;
            }
            at = at.substring(0, at.lastIndexOf('/'));
        }
    }
}
