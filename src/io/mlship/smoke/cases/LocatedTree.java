package io.mlship.smoke.cases;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.Map;

/** Reads one JSON/YAML value from a parser into a tree while noting the line of every value by JSON pointer. */
final class LocatedTree {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private LocatedTree() {
    }

    /** Reads the value at the parser's current token. Duplicate keys are an error, as in the spec. */
    static JsonNode read(JsonParser p, String pointer, Map<String, Integer> lines) throws IOException {
        lines.putIfAbsent(pointer, p.currentTokenLocation().getLineNr());
        JsonToken t = p.currentToken();
        if (t == null) {
            throw new JsonParseException(p, "the input ends in the middle of a value", p.currentLocation());
        }
        switch (t) {
            case START_OBJECT -> {
                ObjectNode obj = NODES.objectNode();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String key = p.currentName();
                    String child = pointer + "/" + key.replace("~", "~0").replace("/", "~1");
                    int keyLine = p.currentTokenLocation().getLineNr();
                    if (obj.has(key)) {
                        throw new DuplicateKey(key, keyLine);
                    }
                    lines.put(child, keyLine);
                    p.nextToken();
                    obj.set(key, read(p, child, lines));
                }
                return obj;
            }
            case START_ARRAY -> {
                ArrayNode arr = NODES.arrayNode();
                int i = 0;
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    arr.add(read(p, pointer + "/" + i++, lines));
                }
                return arr;
            }
            case VALUE_STRING -> {
                return NODES.textNode(p.getText());
            }
            case VALUE_NUMBER_INT -> {
                return switch (p.getNumberType()) {
                    case INT -> NODES.numberNode(p.getIntValue());
                    case LONG -> NODES.numberNode(p.getLongValue());
                    default -> NODES.numberNode(p.getBigIntegerValue());
                };
            }
            case VALUE_NUMBER_FLOAT -> {
                return NODES.numberNode(p.getDoubleValue());
            }
            case VALUE_TRUE, VALUE_FALSE -> {
                return NODES.booleanNode(p.getBooleanValue());
            }
            case VALUE_NULL -> {
                return NODES.nullNode();
            }
            // e.g. a YAML !!binary value: refused as a syntax problem at its line, like any other bad value.
            default -> throw new JsonParseException(p, "a value of this kind (" + t + ", e.g. a !!binary tag) is not supported here",
                    p.currentTokenLocation());
        }
    }

    static final class DuplicateKey extends IOException {
        final String key;
        final int line;

        DuplicateKey(String key, int line) {
            super("duplicate key '" + key + "'");
            this.key = key;
            this.line = line;
        }
    }
}
