package io.mlship.spec;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mlship.result.MlshipException;
import io.mlship.result.Problem;
import io.mlship.yaml.DuplicateKeyException;
import io.mlship.yaml.LocatedTree;
import io.mlship.yaml.LocatedTreeReader;
import io.mlship.yaml.UnsupportedValueException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Reads {@code mlship.yaml} (or JSON) into a tree while recording the line of every key and item, so that
 * later checks can point a person at the line to fix. Refuses oversized and deeply nested input.
 */
public final class SpecParser {
    /** A spec is a few kilobytes; anything near this is a mistake or an attack. */
    public static final int MAX_BYTES = 1024 * 1024;
    public static final int MAX_DEPTH = 40;

    private static final LocatedTreeReader.Limits LIMITS = new LocatedTreeReader.Limits(MAX_DEPTH, MAX_BYTES);

    // Exact numbers: the schema checks them (multipleOf, maximum) and nothing should be rounded first.
    private final LocatedTreeReader yaml = LocatedTreeReader.yaml(LIMITS, LocatedTreeReader.Numbers.EXACT);
    private final LocatedTreeReader json = LocatedTreeReader.json(LIMITS, LocatedTreeReader.Numbers.EXACT);

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
        LocatedTreeReader reader = isJson ? json : yaml;
        try (JsonParser parser = reader.open(bytes)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                throw fail(displayName, 0, "the spec is empty", "start from examples/reco-service/mlship.yaml");
            }
            if (first != JsonToken.START_OBJECT) {
                throw fail(displayName, parser.currentTokenLocation().getLineNr(),
                        "the spec must be a mapping of keys (apiVersion, service, …), not " + describe(first),
                        "start from examples/reco-service/mlship.yaml");
            }
            LocatedTree tree = reader.read(parser);
            if (parser.nextToken() != null) {
                throw fail(displayName, parser.currentTokenLocation().getLineNr(),
                        "more than one document in the spec", "keep one release spec per file (remove the extra '---')");
            }
            return new SpecDocument(file, repoRoot, (ObjectNode) tree.root(), SourceMap.of(tree));
        } catch (DuplicateKeyException e) {
            String parent = Pointers.dotted(e.parentPath());
            throw fail(displayName, e.line(), "duplicate key '" + e.key() + "' in " + (parent.isEmpty() ? "the spec" : parent),
                    "keep one of the two", Pointers.dottedChild(parent, e.key()));
        } catch (UnsupportedValueException e) {
            throw fail(displayName, e.line(), "unexpected " + describe(e.token()), null);
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
            // SnakeYAML may report its own limits as unchecked exceptions.
            throw fail(displayName, 0, "the spec was refused: " + firstLine(e.getMessage()),
                    "a release spec needs no anchors/aliases and is well under " + MAX_BYTES + " bytes");
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
