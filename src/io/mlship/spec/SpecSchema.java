package io.mlship.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.ApplyDefaultsStrategy;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.PathType;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.mlship.result.Problem;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The release spec's JSON Schema ({@code resources/io/mlship/spec/release-spec.schema.json}): checks a tree
 * and turns the validator's findings into {@link Problem}s a person can act on; also applies the schema's
 * defaults, so the schema is the one place defaults are written.
 */
public final class SpecSchema {
    public static final String RESOURCE = "/io/mlship/spec/release-spec.schema.json";

    private final JsonNode schemaTree;
    private final JsonSchema validator;
    private final Suggestions suggestions = new Suggestions();

    public SpecSchema(ObjectMapper json) {
        try (InputStream in = SpecSchema.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("schema resource missing from the mlship jar: " + RESOURCE);
            }
            this.schemaTree = json.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
        // One compiled schema serves both jobs (building it is a large part of a cold start): validate() only
        // checks; the defaults strategy is applied only by walk().
        this.validator = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(schemaTree,
                SchemaValidatorsConfig.builder()
                        .pathType(PathType.JSON_POINTER)
                        .applyDefaultsStrategy(new ApplyDefaultsStrategy(true, false, false))
                        .build());
    }

    public JsonNode tree() {
        return schemaTree;
    }

    /** Every schema problem of {@code root}, located through {@code origins}, in file order. */
    public List<Problem> check(JsonNode root, SourceMap origins, String file) {
        Set<ValidationMessage> messages = validator.validate(root);
        Set<Problem> problems = new LinkedHashSet<>();
        for (ValidationMessage m : messages) {
            if (isWrapper(m.getType())) {
                continue; // allOf/anyOf/$ref also report their children's findings; the children say it better.
            }
            problems.add(toProblem(m, origins, file));
        }
        List<Problem> sorted = new ArrayList<>(problems);
        sorted.sort(Comparator.comparingInt(Problem::line).thenComparing(Problem::path));
        return sorted;
    }

    /** Fills in every {@code default} the schema declares for keys present objects leave out. */
    public void applyDefaults(JsonNode root) {
        validator.walk(root, false);
    }

    private static boolean isWrapper(String type) {
        return type.equals("allOf") || type.equals("anyOf") || type.equals("oneOf") || type.equals("$ref");
    }

    private Problem toProblem(ValidationMessage m, SourceMap origins, String file) {
        String pointer = m.getInstanceLocation().toString();
        String type = m.getType();
        JsonNode at = schemaAt(m, 0);
        JsonNode owner = schemaAt(m, 1);
        switch (type) {
            case "additionalProperties": {
                String key = m.getProperty();
                Origin o = origins.find(Pointers.child(pointer, key));
                List<String> allowed = new ArrayList<>();
                owner.path("properties").fieldNames().forEachRemaining(allowed::add);
                String hint = allowed.isEmpty() ? "remove it" : suggestions.hint(key, allowed);
                return Problem.error(o.path(), file, o.line(), "unknown key", hint);
            }
            case "required": {
                String key = m.getProperty();
                Origin parent = origins.find(pointer);
                String path = Pointers.dottedChild(parent.path(), key);
                String description = owner.path("properties").path(key).path("description").asText("");
                return Problem.error(path, file, parent.line(), "required key is missing",
                        description.isEmpty() ? "add '" + key + "'" : "add it — " + description);
            }
            case "propertyNames": {
                Origin o = origins.find(Pointers.child(pointer, m.getProperty() == null ? "" : m.getProperty()));
                return Problem.error(o.path(), file, o.line(), "'" + m.getProperty() + "' is not a valid name here",
                        describe(owner.path("propertyNames")));
            }
            default: {
                Origin o = origins.find(pointer);
                String message = stripLocation(m.getMessage(), pointer);
                if (type.equals("pattern") || type.equals("const") || type.equals("enum")) {
                    message = "'" + valueText(m.getInstanceNode()) + "' " + (type.equals("pattern")
                            ? "is not valid" : "is not allowed") + (type.equals("pattern") ? "" : ": " + message);
                }
                return Problem.error(o.path(), file, o.line(), message, describe(owner));
            }
        }
    }

    /** The schema object containing the failed keyword ({@code up == 1}) or the keyword's own value ({@code 0}). */
    private JsonNode schemaAt(ValidationMessage m, int up) {
        String fragment = m.getSchemaLocation().getFragment().toString();
        List<String> segments = new ArrayList<>(List.of(fragment.replaceFirst("^#?/?", "").split("/")));
        for (int i = 0; i < up && !segments.isEmpty(); i++) {
            segments.remove(segments.size() - 1);
        }
        JsonNode node = schemaTree;
        for (String s : segments) {
            if (s.isEmpty()) {
                continue;
            }
            String key = s.replace("~1", "/").replace("~0", "~");
            node = node.isArray() ? node.path(Integer.parseInt(key)) : node.path(key);
        }
        return node;
    }

    /** A hint from the schema's description, following one $ref or allOf when the field has none. */
    private String describe(JsonNode schema) {
        if (schema.has("description")) {
            return schema.get("description").asText();
        }
        if (schema.has("$ref")) {
            return describe(resolveRef(schema.get("$ref").asText()));
        }
        if (schema.has("allOf")) {
            for (Iterator<JsonNode> it = schema.get("allOf").elements(); it.hasNext(); ) {
                String d = describe(it.next());
                if (d != null) {
                    return d;
                }
            }
        }
        if (schema.has("pattern")) {
            return "must match " + schema.get("pattern").asText();
        }
        return null;
    }

    private JsonNode resolveRef(String ref) {
        JsonNode node = schemaTree;
        for (String s : ref.replaceFirst("^#/", "").split("/")) {
            node = node.path(s);
        }
        return node;
    }

    private static String stripLocation(String message, String pointer) {
        String prefix = pointer + ": ";
        String out = message.startsWith(prefix) ? message.substring(prefix.length()) : message;
        return out.startsWith(": ") ? out.substring(2) : out;
    }

    private static String valueText(JsonNode node) {
        if (node == null) {
            return "";
        }
        String text = node.isValueNode() ? node.asText() : node.toString();
        return text.length() > 80 ? text.substring(0, 77) + "..." : text;
    }

}
