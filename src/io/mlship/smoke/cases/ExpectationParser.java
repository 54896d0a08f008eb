package io.mlship.smoke.cases;

import com.fasterxml.jackson.databind.JsonNode;
import com.jayway.jsonpath.JsonPath;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.resource.AllowSchemaLoader;
import io.mlship.smoke.expect.Expectation;
import io.mlship.smoke.expect.Json;
import io.mlship.smoke.expect.JsonPathExpectation;
import io.mlship.smoke.expect.RankingExpectation;
import io.mlship.smoke.expect.SchemaExpectation;
import io.mlship.smoke.expect.StatusExpectation;
import io.mlship.smoke.expect.ValueCheck;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Turns a case's {@code expect} into {@link Expectation}s, refusing now what could only fail once answers
 * come in: bad JSONPaths and regular expressions, schemas that do not compile, checks no answer can pass.
 */
final class ExpectationParser {
    static final Set<String> EXPECT_KEYS = Set.of("status", "schema", "json", "ranking");
    static final Set<String> JSON_KEYS = Set.of("path", "each", "equals", "tolerance", "relativeTolerance", "matches",
            "type", "length", "minLength", "maxLength", "exists");
    static final Set<String> RANKING_KEYS = Set.of("items", "top", "id", "contains", "all");

    /**
     * Schemas in a cases file may only refer inside themselves (and to the bundled meta-schemas): a {@code $ref}
     * or {@code $schema} naming a URL would otherwise be fetched while checking answers — a network call the
     * cases file should not be able to make, and one that cannot be checked before anything is sent.
     */
    private final JsonSchemaFactory schemas = JsonSchemaFactory.builder(JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012))
            .schemaLoaders(loaders -> loaders.values(list -> list.add(0,
                    new AllowSchemaLoader(iri -> iri.toString().startsWith("classpath:")))))
            .build();

    /** Adds the expectations of {@code e} (a case's {@code expect}, or null) to {@code out}; returns the expected status. */
    int parse(JsonNode e, String where, CaseProblems at, List<Expectation> out) {
        String ptr = "/expect";
        int status = 200;
        if (e == null) {
            out.add(new StatusExpectation(status));
            return status;
        }
        if (!e.isObject()) {
            at.error(where, ptr, "expect must be a mapping", "keys: " + new TreeSet<>(EXPECT_KEYS));
            return status;
        }
        at.unknownKeys(e, EXPECT_KEYS, where, ptr);
        JsonNode s = e.get("status");
        if (s != null) {
            if (!s.canConvertToInt() || !s.isIntegralNumber() || s.asInt() < 100 || s.asInt() > 599) {
                at.error(where + ".status", ptr + "/status", "'" + s.asText() + "' is not an HTTP status", "a number from 100 to 599");
            } else {
                status = s.asInt();
            }
        }
        out.add(new StatusExpectation(status));
        JsonNode schema = e.get("schema");
        if (schema != null) {
            if (!schema.isObject()) {
                at.error(where + ".schema", ptr + "/schema", "schema must be a JSON Schema object", null);
            } else {
                try {
                    JsonSchema compiled = schemas.getSchema(schema);
                    // References are resolved lazily by default; resolve them now, so a broken one is refused here.
                    compiled.initializeValidators();
                    out.add(new SchemaExpectation(compiled));
                } catch (RuntimeException ex) {
                    at.error(where + ".schema", ptr + "/schema", "not a usable JSON Schema: " + ex.getMessage(), null);
                }
            }
        }
        JsonNode checks = e.get("json");
        if (checks != null) {
            if (!checks.isArray()) {
                at.error(where + ".json", ptr + "/json", "json must be a list of checks", "- {path: $.items, length: 5}");
            } else {
                for (int i = 0; i < checks.size(); i++) {
                    jsonCheck(checks.get(i), where + ".json[" + i + "]", ptr + "/json/" + i, at, out);
                }
            }
        }
        JsonNode ranking = e.get("ranking");
        if (ranking != null) {
            ranking(ranking, where + ".ranking", ptr + "/ranking", at, out);
        }
        return status;
    }

    private void jsonCheck(JsonNode c, String where, String ptr, CaseProblems at, List<Expectation> out) {
        if (!c.isObject()) {
            at.error(where, ptr, "a check must be a mapping", "- {path: $.items, length: 5}");
            return;
        }
        int before = at.count();
        at.unknownKeys(c, JSON_KEYS, where, ptr);
        var path = compile(c.get("path"), where + ".path", ptr + "/path", at);
        boolean each = c.path("each").asBoolean(false);
        List<ValueCheck> found = new ArrayList<>();
        double abs = nonNegative(c, "tolerance", where, ptr, at);
        double rel = nonNegative(c, "relativeTolerance", where, ptr, at);
        if (c.has("equals")) {
            JsonNode v = c.get("equals");
            if ((abs > 0 || rel > 0) && !v.isNumber()) {
                at.error(where + ".tolerance", ptr + "/equals", "a tolerance needs a number to compare with, not " + Json.show(v), null);
            }
            found.add(new ValueCheck.Equals(v, abs, rel));
        } else if (c.has("tolerance") || c.has("relativeTolerance")) {
            at.error(where, ptr, "tolerance without equals", "write equals: <number> and the tolerance around it");
        }
        if (c.has("matches")) {
            try {
                found.add(new ValueCheck.Matches(Pattern.compile(c.get("matches").asText())));
            } catch (PatternSyntaxException ex) {
                at.error(where + ".matches", ptr + "/matches", "not a regular expression: " + ex.getDescription(), "Java regex syntax");
            }
        }
        if (c.has("type")) {
            String t = c.get("type").asText();
            if (!ValueCheck.TYPES.contains(t)) {
                at.error(where + ".type", ptr + "/type", "'" + t + "' is not a JSON type", "one of " + new TreeSet<>(ValueCheck.TYPES));
            } else {
                found.add(new ValueCheck.Type(t));
            }
        }
        Integer exactly = count(c, "length", where, ptr, at);
        Integer min = count(c, "minLength", where, ptr, at);
        Integer max = count(c, "maxLength", where, ptr, at);
        if (exactly != null && (min != null || max != null)) {
            at.error(where + ".length", ptr + "/length", "length with minLength/maxLength", "give an exact length or bounds");
        } else if (min != null && max != null && min > max) {
            at.error(where + ".minLength", ptr + "/minLength", "minLength " + min + " is above maxLength " + max + ": no value can pass", null);
        }
        if (exactly != null || min != null || max != null) {
            found.add(new ValueCheck.Length(exactly, min, max));
        }
        if (c.has("exists")) {
            if (!c.get("exists").asBoolean()) {
                at.error(where + ".exists", ptr + "/exists", "exists: false is not supported", "check what must be there");
            } else {
                found.add(new ValueCheck.Exists());
            }
        }
        if (found.isEmpty() && at.count() == before) {
            at.error(where, ptr, "the check says nothing to check", "add equals, matches, type, length/minLength/maxLength or exists");
        }
        if (at.count() == before && path != null) {
            for (ValueCheck v : found) {
                out.add(new JsonPathExpectation(c.get("path").asText(), path, v, each));
            }
        }
    }

    private void ranking(JsonNode r, String where, String ptr, CaseProblems at, List<Expectation> out) {
        if (!r.isObject()) {
            at.error(where, ptr, "ranking must be a mapping", "items, top, id, contains, all");
            return;
        }
        int before = at.count();
        at.unknownKeys(r, RANKING_KEYS, where, ptr);
        var items = compile(r.get("items"), where + ".items", ptr + "/items", at);
        Integer top = count(r, "top", where, ptr, at);
        if (top != null && top < 1) {
            at.error(where + ".top", ptr + "/top", "top must be at least 1", null);
        }
        String id = r.path("id").asText("id");
        List<String> contains = new ArrayList<>();
        JsonNode c = r.get("contains");
        if (c != null) {
            if (!c.isArray()) {
                at.error(where + ".contains", ptr + "/contains", "contains must be a list of ids", null);
            } else {
                c.forEach(v -> contains.add(v.asText()));
            }
        }
        if (top != null && contains.size() > top) {
            at.error(where + ".contains", ptr + "/contains", contains.size() + " ids can never all be in the top " + top,
                    "raise top or expect fewer ids");
        }
        Map<String, JsonNode> all = new LinkedHashMap<>();
        JsonNode a = r.get("all");
        if (a != null) {
            if (!a.isObject() || a.isEmpty()) {
                at.error(where + ".all", ptr + "/all", "all must map attribute names to the value every result has", "all: {category: lipstick}");
            } else {
                for (Map.Entry<String, JsonNode> f : a.properties()) {
                    all.put(f.getKey(), f.getValue());
                }
            }
        }
        if (contains.isEmpty() && all.isEmpty() && at.count() == before) {
            at.error(where, ptr, "the ranking check says nothing to check", "add contains (ids) or all (attribute values)");
        }
        if (at.count() == before && items != null) {
            out.add(new RankingExpectation(r.get("items").asText(), items, top, id, contains, all));
        }
    }

    private static JsonPath compile(JsonNode text, String where, String ptr, CaseProblems at) {
        if (text == null || !text.isTextual()) {
            at.error(where, ptr, "a JSONPath is required", "e.g. $.predictions[0].items");
            return null;
        }
        try {
            return Json.compile(text.asText());
        } catch (IllegalArgumentException e) {
            at.error(where, ptr, e.getMessage(), "JSONPath syntax: $.items[0].id, $.items[*].category, $.items.length()");
            return null;
        }
    }

    private static double nonNegative(JsonNode c, String key, String where, String ptr, CaseProblems at) {
        JsonNode v = c.get(key);
        if (v == null) {
            return 0;
        }
        if (!v.isNumber() || v.asDouble() < 0) {
            at.error(where + "." + key, ptr + "/" + key, key + " must be a number >= 0, not " + Json.show(v), null);
            return 0;
        }
        return v.asDouble();
    }

    private static Integer count(JsonNode c, String key, String where, String ptr, CaseProblems at) {
        JsonNode v = c.get(key);
        if (v == null) {
            return null;
        }
        if (!v.isIntegralNumber() || v.asInt() < 0) {
            at.error(where + "." + key, ptr + "/" + key, key + " must be a whole number >= 0, not " + Json.show(v), null);
            return null;
        }
        return v.asInt();
    }
}
