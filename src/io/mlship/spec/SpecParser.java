package io.mlship.spec;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import io.mlship.result.MlshipException;
import io.mlship.result.Problem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.yaml.snakeyaml.LoaderOptions;

/**
 * Reads {@code mlship.yaml} (or JSON) into a tree while recording the line of every key and item, so that
 * later checks can point a person at the line to fix. Refuses oversized and deeply nested input.
 */
public final class SpecParser {
    /** A spec is a few kilobytes; anything near this is a mistake or an attack. */
    public static final int MAX_BYTES = 1024 * 1024;
    public static final int MAX_DEPTH = 40;

    private final JsonFactory yaml;
    private final JsonFactory json;

    public SpecParser() {
        LoaderOptions loader = new LoaderOptions();
        loader.setAllowDuplicateKeys(false);
        loader.setMaxAliasesForCollections(50);
        loader.setNestingDepthLimit(MAX_DEPTH + 10);
        loader.setCodePointLimit(MAX_BYTES);
        StreamReadConstraints limits = StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build();
        // `key:` with nothing after it is null (not ""), so the schema can say "null found, object expected".
        this.yaml = YAMLFactory.builder().loaderOptions(loader).streamReadConstraints(limits)
                .enable(YAMLParser.Feature.EMPTY_STRING_AS_NULL)
                .disable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
        this.json = JsonFactory.builder().streamReadConstraints(limits)
                .disable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
    }

    public SpecDocument parse(Path file, Path repoRoot) {
        String name = file.getFileName().toString();
        byte[] bytes;
        try {
            if (Files.isDirectory(file)) {
                throw fail(name, 0, "is a folder, not a spec file", "pass the path of mlship.yaml itself");
            }
            long size = Files.size(file);
            if (size > MAX_BYTES) {
                throw fail(name, 0, "is " + size + " bytes; a spec may have at most " + MAX_BYTES,
                        "keep large data (cases, catalogues) in their own files and refer to them by path");
            }
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw fail(name, 0, "spec file not found: " + file,
                    "pass --spec with the path of your mlship.yaml (relative to the current folder)");
        } catch (IOException e) {
            throw fail(name, 0, "cannot read spec file " + file + ": " + e.getMessage(), "check the file's permissions");
        }
        return parse(name, bytes, file, repoRoot);
    }

    /** Parses spec content that did not come from a file on disk (e.g. built by the Groovy DSL). */
    public SpecDocument parse(String displayName, byte[] bytes, Path file, Path repoRoot) {
        boolean isJson = displayName.toLowerCase(Locale.ROOT).endsWith(".json");
        SourceMap origins = new SourceMap();
        try (JsonParser parser = (isJson ? json : yaml).createParser(bytes)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                throw fail(displayName, 0, "the spec is empty", "start from examples/reco-service/mlship.yaml");
            }
            if (first != JsonToken.START_OBJECT) {
                throw fail(displayName, parser.currentTokenLocation().getLineNr(),
                        "the spec must be a mapping of keys (apiVersion, service, …), not " + describe(first),
                        "start from examples/reco-service/mlship.yaml");
            }
            ObjectNode root = (ObjectNode) read(parser, "", "", origins, displayName);
            if (parser.nextToken() != null) {
                throw fail(displayName, parser.currentTokenLocation().getLineNr(),
                        "more than one document in the spec", "keep one release spec per file (remove the extra '---')");
            }
            return new SpecDocument(file, repoRoot, root, origins);
        } catch (StreamConstraintsException e) {
            throw fail(displayName, 0, "the spec is nested deeper than " + MAX_DEPTH + " levels",
                    "a release spec needs only a few levels; check for runaway indentation or anchors");
        } catch (JsonProcessingException e) {
            int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
            throw fail(displayName, line, "not valid " + (isJson ? "JSON" : "YAML") + ": " + firstLine(e.getOriginalMessage()),
                    "check indentation and quoting around line " + line);
        } catch (IOException e) {
            throw fail(displayName, 0, "cannot read the spec: " + e.getMessage(), null);
        } catch (RuntimeException e) {
            if (e instanceof MlshipException m) {
                throw m;
            }
            // SnakeYAML reports its own limits (aliases, code points) as unchecked exceptions.
            throw fail(displayName, 0, "the spec was refused: " + firstLine(e.getMessage()),
                    "a release spec needs no anchors/aliases and is well under " + MAX_BYTES + " bytes");
        }
    }

    private JsonNode read(JsonParser p, String pointer, String dotted, SourceMap origins, String file) throws IOException {
        JsonNodeFactory nodes = JsonNodeFactory.instance;
        JsonToken token = p.currentToken();
        int line = p.currentTokenLocation().getLineNr();
        origins.putIfAbsentLine(pointer, new Origin(dotted, line));
        switch (token) {
            case START_OBJECT: {
                ObjectNode object = nodes.objectNode();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String key = p.currentName();
                    int keyLine = p.currentTokenLocation().getLineNr();
                    String childPointer = Pointers.child(pointer, key);
                    String childDotted = Pointers.dottedChild(dotted, key);
                    if (object.has(key)) {
                        throw fail(file, keyLine, "duplicate key '" + key + "' in " + (dotted.isEmpty() ? "the spec" : dotted),
                                "keep one of the two", childDotted);
                    }
                    origins.put(childPointer, new Origin(childDotted, keyLine));
                    p.nextToken();
                    object.set(key, read(p, childPointer, childDotted, origins, file));
                }
                return object;
            }
            case START_ARRAY: {
                ArrayNode array = nodes.arrayNode();
                int index = 0;
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    array.add(read(p, pointer + "/" + index, Pointers.dottedIndex(dotted, index), origins, file));
                    index++;
                }
                return array;
            }
            case VALUE_STRING:
                return nodes.textNode(p.getText());
            case VALUE_NUMBER_INT:
                return nodes.numberNode(p.getBigIntegerValue());
            case VALUE_NUMBER_FLOAT:
                return nodes.numberNode(p.getDecimalValue());
            case VALUE_TRUE:
                return nodes.booleanNode(true);
            case VALUE_FALSE:
                return nodes.booleanNode(false);
            case VALUE_NULL:
                return nodes.nullNode();
            default:
                throw fail(file, line, "unexpected " + describe(token), null);
        }
    }

    private static MlshipException fail(String file, int line, String message, String hint) {
        return fail(file, line, message, hint, "");
    }

    private static MlshipException fail(String file, int line, String message, String hint, String path) {
        Problem problem = Problem.error(path, file, line, message, hint);
        return MlshipException.badInput(file + " cannot be read as a release spec", null, List.of(problem));
    }

    private static String describe(JsonToken token) {
        return switch (token) {
            case START_ARRAY -> "a list";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            default -> token.asString() == null ? token.name() : token.asString();
        };
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unknown error";
        }
        int nl = message.indexOf('\n');
        return (nl < 0 ? message : message.substring(0, nl)).trim();
    }
}
