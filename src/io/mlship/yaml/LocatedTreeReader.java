package io.mlship.yaml;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;

/**
 * Reads YAML or JSON with Jackson's streaming parser into a {@link LocatedTree}: the value and the line of every
 * key and item in it, so that checks made later on the tree can send a person to the line to fix.
 *
 * <p>Callers drive the parser ({@link #open}) and read one value at a time ({@link #read}), because what the
 * top level must be (one mapping, a list read item by item, one value per line) differs between formats.
 * Besides what the parser itself refuses (syntax, the limits), reading throws {@link DuplicateKeyException}
 * and {@link UnsupportedValueException}.
 */
public final class LocatedTreeReader {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** How numbers become nodes. */
    public enum Numbers {
        /** Whole numbers as {@code BigInteger}, others as {@code BigDecimal}: nothing is rounded before a schema checks it. */
        EXACT,
        /**
         * {@code int}, {@code long} or {@code BigInteger} as they fit, others as {@code double}: the kinds Jackson
         * reads JSON into by default, so a value compares equal to the same value in a parsed JSON answer.
         */
        PLAIN
    }

    /**
     * What the parser refuses: nesting deeper than {@code maxDepth} levels, YAML longer than
     * {@code maxCodePoints} characters.
     */
    public record Limits(int maxDepth, int maxCodePoints) {

        /** Jackson's and SnakeYAML's own defaults (1,000 levels, 3 Mi characters). */
        public static Limits libraryDefaults() {
            return new Limits(StreamReadConstraints.DEFAULT_MAX_DEPTH, new LoaderOptions().getCodePointLimit());
        }
    }

    private final JsonFactory factory;
    private final Numbers numbers;

    private LocatedTreeReader(JsonFactory factory, Numbers numbers) {
        this.factory = factory;
        this.numbers = numbers;
    }

    public static LocatedTreeReader yaml(Limits limits, Numbers numbers) {
        LoaderOptions loader = new LoaderOptions();
        loader.setCodePointLimit(limits.maxCodePoints());
        JsonFactory factory = YAMLFactory.builder().loaderOptions(loader).streamReadConstraints(constraints(limits))
                // `key:` with nothing after it is null (not ""), so a check can say "null found, object expected".
                .enable(YAMLParser.Feature.EMPTY_STRING_AS_NULL)
                // read() finds duplicate keys itself and knows their path; Jackson's own check knows only the name.
                .disable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
        return new LocatedTreeReader(factory, numbers);
    }

    public static LocatedTreeReader json(Limits limits, Numbers numbers) {
        JsonFactory factory = JsonFactory.builder().streamReadConstraints(constraints(limits))
                .disable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
        return new LocatedTreeReader(factory, numbers);
    }

    private static StreamReadConstraints constraints(Limits limits) {
        return StreamReadConstraints.builder().maxNestingDepth(limits.maxDepth()).build();
    }

    /** A parser over {@code content}; factories are thread-safe and costly to make, parsers cheap. */
    public JsonParser open(byte[] content) throws IOException {
        return factory.createParser(content);
    }

    public JsonParser open(String content) throws IOException {
        return factory.createParser(content);
    }

    /** Reads the value at the parser's current token, leaving the parser on its last token. */
    public LocatedTree read(JsonParser parser) throws IOException {
        Map<String, Position> positions = new HashMap<>();
        JsonNode root = read(parser, "", new ArrayList<>(), positions);
        return new LocatedTree(root, positions);
    }

    /** {@code path} holds the keys and indexes that lead to this value, for a duplicate key's report. */
    private JsonNode read(JsonParser p, String pointer, List<Object> path, Map<String, Position> positions)
            throws IOException {
        // A key already gave this value its position: the key's line reads better than the value's.
        positions.putIfAbsent(pointer, position(p.currentTokenLocation()));
        JsonToken token = p.currentToken();
        if (token == null) {
            throw new JsonParseException(p, "the input ends in the middle of a value", p.currentLocation());
        }
        switch (token) {
            case START_OBJECT: {
                ObjectNode object = NODES.objectNode();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String key = p.currentName();
                    if (object.has(key)) {
                        throw new DuplicateKeyException(p, key, path);
                    }
                    String child = pointer + "/" + key.replace("~", "~0").replace("/", "~1");
                    positions.put(child, position(p.currentTokenLocation()));
                    p.nextToken();
                    path.add(key);
                    object.set(key, read(p, child, path, positions));
                    path.remove(path.size() - 1);
                }
                return object;
            }
            case START_ARRAY: {
                ArrayNode array = NODES.arrayNode();
                int index = 0;
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    path.add(index);
                    array.add(read(p, pointer + "/" + index, path, positions));
                    path.remove(path.size() - 1);
                    index++;
                }
                return array;
            }
            case VALUE_STRING:
                return NODES.textNode(p.getText());
            case VALUE_NUMBER_INT:
                return numbers == Numbers.EXACT ? NODES.numberNode(p.getBigIntegerValue()) : plainInteger(p);
            case VALUE_NUMBER_FLOAT:
                return numbers == Numbers.EXACT ? NODES.numberNode(p.getDecimalValue()) : NODES.numberNode(p.getDoubleValue());
            case VALUE_TRUE:
                return NODES.booleanNode(true);
            case VALUE_FALSE:
                return NODES.booleanNode(false);
            case VALUE_NULL:
                return NODES.nullNode();
            default:
                throw new UnsupportedValueException(p, token);
        }
    }

    private static JsonNode plainInteger(JsonParser p) throws IOException {
        return switch (p.getNumberType()) {
            case INT -> NODES.numberNode(p.getIntValue());
            case LONG -> NODES.numberNode(p.getLongValue());
            default -> NODES.numberNode(p.getBigIntegerValue());
        };
    }

    private static Position position(JsonLocation at) {
        return new Position(at.getLineNr(), at.getColumnNr());
    }
}
