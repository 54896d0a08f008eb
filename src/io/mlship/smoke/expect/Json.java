package io.mlship.smoke.expect;

import com.fasterxml.jackson.databind.JsonNode;
import com.jayway.jsonpath.Configuration;
import com.jayway.jsonpath.InvalidPathException;
import com.jayway.jsonpath.JsonPath;
import com.jayway.jsonpath.PathNotFoundException;
import com.jayway.jsonpath.spi.json.JacksonJsonNodeJsonProvider;
import com.jayway.jsonpath.spi.mapper.JacksonMappingProvider;
import java.util.Optional;

/** JSONPath over Jackson trees, and how values are shown in reports. */
public final class Json {
    private static final Configuration CONFIG = Configuration.builder()
            .jsonProvider(new JacksonJsonNodeJsonProvider())
            .mappingProvider(new JacksonMappingProvider())
            .build();
    private static final int SHOWN = 200;

    private Json() {
    }

    /** Compiles a JSONPath or throws {@link IllegalArgumentException} saying why it is not one. */
    public static JsonPath compile(String path) {
        if (path == null || !path.startsWith("$")) {
            throw new IllegalArgumentException("'" + path + "' is not a JSONPath: it must start with $");
        }
        JsonPath compiled;
        try {
            compiled = JsonPath.compile(path);
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException("'" + path + "' is not a valid JSONPath: " + e.getMessage(), e);
        }
        // The parser quietly drops an unclosed bracket at the end ($.items[ reads as $.items); refuse it here.
        if (!balanced(path)) {
            throw new IllegalArgumentException("'" + path + "' is not a valid JSONPath: unbalanced brackets or parentheses");
        }
        return compiled;
    }

    private static boolean balanced(String path) {
        java.util.ArrayDeque<Character> open = new java.util.ArrayDeque<>();
        char quote = 0;
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (quote != 0) {
                if (c == '\\') {
                    i++;
                } else if (c == quote) {
                    quote = 0;
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
            } else if (c == '[' || c == '(') {
                open.push(c);
            } else if (c == ']' || c == ')') {
                if (open.isEmpty() || open.pop() != (c == ']' ? '[' : '(')) {
                    return false;
                }
            }
        }
        return open.isEmpty() && quote == 0;
    }

    /** The value at {@code path}; empty when a definite path is missing. Indefinite paths give an array. */
    public static Optional<JsonNode> read(JsonNode doc, JsonPath path) {
        try {
            Object value = path.read(doc, CONFIG);
            return Optional.ofNullable((JsonNode) value);
        } catch (PathNotFoundException e) {
            return Optional.empty();
        } catch (RuntimeException e) {
            // A path that does not fit this document's shape (e.g. a filter on a string) reads as missing.
            return Optional.empty();
        }
    }

    /** Deletes what {@code path} selects from a copy of {@code doc}. */
    public static JsonNode without(JsonNode doc, JsonPath path) {
        JsonNode copy = doc.deepCopy();
        try {
            Object result = path.delete(copy, CONFIG);
            return result instanceof JsonNode n ? n : copy;
        } catch (PathNotFoundException e) {
            return copy;
        } catch (RuntimeException e) {
            return copy;
        }
    }

    public static Configuration configuration() {
        return CONFIG;
    }

    /** A value as a report shows it: JSON text, cut to a readable length. */
    public static String show(JsonNode value) {
        if (value == null) {
            return "(missing)";
        }
        String text = value.toString();
        return text.length() <= SHOWN ? text : text.substring(0, SHOWN) + "… (" + text.length() + " characters)";
    }

    /** The JSON type name of a value as the cases file spells types. */
    public static String typeOf(JsonNode value) {
        if (value == null || value.isMissingNode()) {
            return "missing";
        }
        return switch (value.getNodeType()) {
            case ARRAY -> "array";
            case OBJECT, POJO -> "object";
            case STRING, BINARY -> "string";
            case NUMBER -> value.isIntegralNumber() ? "integer" : "number";
            case BOOLEAN -> "boolean";
            case NULL -> "null";
            default -> "missing";
        };
    }
}
