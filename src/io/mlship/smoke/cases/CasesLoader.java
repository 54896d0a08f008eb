package io.mlship.smoke.cases;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.resource.AllowSchemaLoader;
import io.mlship.result.MlshipException;
import io.mlship.result.Problem;
import io.mlship.smoke.expect.Expectation;
import io.mlship.smoke.expect.Json;
import io.mlship.smoke.expect.JsonPathExpectation;
import io.mlship.smoke.expect.RankingExpectation;
import io.mlship.smoke.expect.SchemaExpectation;
import io.mlship.smoke.expect.StatusExpectation;
import io.mlship.smoke.expect.ValueCheck;
import io.mlship.spec.Suggestions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Reads a cases file — YAML (a list of cases) or JSON Lines (one case per line) — and checks every case
 * before anything is sent: unknown keys, bad JSONPaths and regular expressions, impossible checks. All
 * problems are reported at once, each with the file and line, as a bad-input error (exit 2).
 */
public final class CasesLoader {
    static final Set<String> CASE_KEYS = Set.of("name", "description", "request", "expect");
    static final Set<String> REQUEST_KEYS = Set.of("method", "path", "headers", "body", "instances", "parameters");
    static final Set<String> EXPECT_KEYS = Set.of("status", "schema", "json", "ranking");
    static final Set<String> JSON_KEYS = Set.of("path", "each", "equals", "tolerance", "relativeTolerance", "matches",
            "type", "length", "minLength", "maxLength", "exists");
    static final Set<String> RANKING_KEYS = Set.of("items", "top", "id", "contains", "all");
    static final Set<String> METHODS = Set.of("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS");
    private static final int MAX_BYTES = 4 * 1024 * 1024;

    private final ObjectMapper json;
    /** Factories are thread-safe and costly to make; parsers are cheap. */
    private final YAMLFactory yaml = new YAMLFactory();
    /**
     * Schemas in a cases file may only refer inside themselves (and to the bundled meta-schemas): a {@code $ref}
     * or {@code $schema} naming a URL would otherwise be fetched while checking answers — a network call the
     * cases file should not be able to make, and one that cannot be checked before anything is sent.
     */
    private final JsonSchemaFactory schemas = JsonSchemaFactory.builder(JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012))
            .schemaLoaders(loaders -> loaders.values(list -> list.add(0,
                    new AllowSchemaLoader(iri -> iri.toString().startsWith("classpath:")))))
            .build();

    public CasesLoader(ObjectMapper json) {
        this.json = json;
    }

    public List<SmokeCase> load(Path file) {
        String name = file.toString();
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw MlshipException.badInput("cases file " + name + " does not exist",
                    "check smoke.cases in the spec or --cases (paths are relative to the spec's folder)");
        } catch (IOException e) {
            throw MlshipException.badInput("cannot read cases file " + name + ": " + e.getMessage(), "check the file's permissions");
        }
        return load(name, bytes);
    }

    /** Checks and reads the cases in {@code bytes}; {@code name} (its file name) decides the format and locates problems. */
    public List<SmokeCase> load(String name, byte[] bytes) {
        if (bytes.length > MAX_BYTES) {
            throw MlshipException.badInput("cases file " + name + " is larger than 4 MiB", "smoke cases are a handful of requests, not a data set");
        }
        String text = new String(bytes, StandardCharsets.UTF_8);
        String lower = name.toLowerCase(java.util.Locale.ROOT);
        Reader reader = new Reader(name);
        if (lower.endsWith(".jsonl") || lower.endsWith(".ndjson")) {
            reader.readJsonLines(text);
        } else if (lower.endsWith(".yaml") || lower.endsWith(".yml") || lower.endsWith(".json")) {
            reader.readYaml(text);
        } else {
            throw MlshipException.badInput("cases file " + name + " is neither YAML nor JSON Lines",
                    "name it *.yaml / *.yml (a list of cases) or *.jsonl (one case per line)");
        }
        if (reader.problems.isEmpty() && reader.cases.isEmpty()) {
            reader.problems.add(Problem.error(null, name, 1, "no cases", "add at least one case: name, request, expect"));
        }
        if (!reader.problems.isEmpty()) {
            int n = reader.problems.size();
            throw MlshipException.badInput("cases file " + name + " has " + n + " problem" + (n == 1 ? "" : "s"),
                    "fix them; nothing was sent to the target", reader.problems);
        }
        return List.copyOf(reader.cases);
    }

    /** The state of reading one file. */
    private final class Reader {
        final String file;
        final List<Problem> problems = new ArrayList<>();
        final List<SmokeCase> cases = new ArrayList<>();
        final Set<String> names = new HashSet<>();
        Map<String, Integer> lines = new HashMap<>();
        int lineOffset;

        Reader(String file) {
            this.file = file;
        }

        void readYaml(String text) {
            try (JsonParser p = yaml.createParser(text)) {
                JsonToken first = p.nextToken();
                if (first == null) {
                    return;
                }
                if (first != JsonToken.START_ARRAY) {
                    problems.add(Problem.error(null, file, p.currentTokenLocation().getLineNr(),
                            "the file must be a list of cases", "start each case with '- name: …'"));
                    return;
                }
                int index = 0;
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    lines = new HashMap<>();
                    JsonNode node = LocatedTree.read(p, "", lines);
                    parseCase(node, "cases[" + index++ + "]");
                }
                if (p.nextToken() != null) {
                    problems.add(Problem.error(null, file, p.currentTokenLocation().getLineNr(),
                            "more than one YAML document", "keep all cases in one list"));
                }
            } catch (LocatedTree.DuplicateKey e) {
                problems.add(Problem.error(e.key, file, e.line, "duplicate key '" + e.key + "'", "keep one of them"));
            } catch (JsonProcessingException e) {
                problems.add(syntax(e, 0, "YAML"));
            } catch (IOException e) {
                problems.add(Problem.error(null, file, 0, "cannot read: " + e.getMessage(), null));
            }
        }

        void readJsonLines(String text) {
            String[] rows = text.split("\r?\n", -1);
            for (int i = 0; i < rows.length; i++) {
                String row = rows[i].trim();
                if (row.isEmpty() || row.startsWith("//")) {
                    continue;
                }
                lineOffset = i;
                try (JsonParser p = json.getFactory().createParser(row)) {
                    p.nextToken();
                    lines = new HashMap<>();
                    JsonNode node = LocatedTree.read(p, "", lines);
                    if (p.nextToken() != null) {
                        problems.add(Problem.error(null, file, i + 1, "more than one JSON value on the line",
                                "JSON Lines hold one case per line"));
                        continue;
                    }
                    parseCase(node, "line " + (i + 1));
                } catch (LocatedTree.DuplicateKey e) {
                    problems.add(Problem.error(e.key, file, i + 1, "duplicate key '" + e.key + "'", "keep one of them"));
                } catch (JsonProcessingException e) {
                    problems.add(syntax(e, i, "JSON"));
                } catch (IOException e) {
                    problems.add(Problem.error(null, file, i + 1, "cannot read: " + e.getMessage(), null));
                }
            }
            lineOffset = 0;
        }

        private Problem syntax(JsonProcessingException e, int offset, String format) {
            JsonLocation at = e.getLocation();
            if ((at == null || at.getLineNr() < 1) && e.getProcessor() instanceof JsonParser p) {
                at = p.currentLocation();
            }
            // Limit errors (nesting depth) may come without a location: name the line (JSON Lines) or the file's start.
            int line = at == null || at.getLineNr() < 1 ? offset + 1 : at.getLineNr() + offset;
            String why = e.getOriginalMessage() == null ? "" : e.getOriginalMessage().replaceAll("\\s+", " ").trim();
            return Problem.error(null, file, line, "not valid " + format + ": " + why, "fix the syntax at this line");
        }

        private int line(String pointer) {
            String p = pointer;
            while (true) {
                Integer l = lines.get(p);
                if (l != null) {
                    return l + lineOffset;
                }
                if (p.isEmpty()) {
                    return lineOffset + 1;
                }
                p = p.substring(0, p.lastIndexOf('/'));
            }
        }

        private void error(String where, String pointer, String message, String hint) {
            problems.add(Problem.error(where, file, line(pointer), message, hint));
        }

        private boolean keys(JsonNode node, Set<String> allowed, String where, String pointer) {
            boolean ok = true;
            for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
                String k = it.next();
                if (!allowed.contains(k)) {
                    error(where + "." + k, pointer + "/" + k, "unknown key", new Suggestions().hint(k, new TreeSet<>(allowed)));
                    ok = false;
                }
            }
            return ok;
        }

        void parseCase(JsonNode node, String where) {
            int before = problems.size();
            if (!node.isObject()) {
                error(where, "", "a case must be a mapping with name, request and expect", null);
                return;
            }
            keys(node, CASE_KEYS, where, "");
            JsonNode nameNode = node.get("name");
            String name = nameNode != null && nameNode.isTextual() ? nameNode.asText().trim() : "";
            if (name.isEmpty()) {
                error(where + ".name", "/name", "every case needs a name", "the name becomes the test's name in JUnit");
            } else {
                where = "case '" + name + "'";
                if (!names.add(name)) {
                    error(where, "/name", "two cases are called '" + name + "'", "names must be unique: they become JUnit test names");
                }
            }
            SmokeRequest request = request(node.get("request"), where + ".request");
            List<Expectation> expectations = new ArrayList<>();
            int status = expect(node.get("expect"), where + ".expect", expectations);
            if (problems.size() == before && request != null) {
                cases.add(new SmokeCase(name, request, expectations, status, file, line("")));
            }
        }

        private SmokeRequest request(JsonNode r, String where) {
            String ptr = "/request";
            if (r == null || !r.isObject()) {
                error(where, ptr, "every case needs a request", "HTTP: method, path (headers, body); prediction: instances (parameters)");
                return null;
            }
            keys(r, REQUEST_KEYS, where, ptr);
            boolean http = r.has("path") || r.has("method") || r.has("headers") || r.has("body");
            boolean predict = r.has("instances") || r.has("parameters");
            if (http && predict) {
                error(where, ptr, "a request is either HTTP (method, path, headers, body) or a prediction (instances, parameters), not both", null);
                return null;
            }
            if (predict) {
                JsonNode instances = r.get("instances");
                if (instances == null || !instances.isArray() || instances.isEmpty()) {
                    error(where + ".instances", ptr + "/instances", "instances must be a non-empty list", "e.g. instances: [{query: lipstick}]");
                    return null;
                }
                JsonNode params = r.get("parameters");
                if (params != null && !params.isObject()) {
                    error(where + ".parameters", ptr + "/parameters", "parameters must be a mapping", null);
                    return null;
                }
                return new SmokeRequest.PredictCall((ArrayNode) instances, params);
            }
            JsonNode path = r.get("path");
            if (path == null || !path.isTextual() || !path.asText().startsWith("/")) {
                error(where + ".path", ptr + "/path", "path must be text starting with '/'", "e.g. path: /v1/recommendations?q=lipstick");
                return null;
            }
            JsonNode body = r.get("body");
            String method = r.has("method") ? r.get("method").asText().toUpperCase(java.util.Locale.ROOT) : (body != null ? "POST" : "GET");
            if (!METHODS.contains(method)) {
                error(where + ".method", ptr + "/method", "'" + r.get("method").asText() + "' is not an HTTP method", "one of " + new TreeSet<>(METHODS));
                return null;
            }
            Map<String, String> headers = new LinkedHashMap<>();
            JsonNode h = r.get("headers");
            if (h != null) {
                if (!h.isObject()) {
                    error(where + ".headers", ptr + "/headers", "headers must be a mapping of name to value", null);
                    return null;
                }
                h.fields().forEachRemaining(e -> headers.put(e.getKey(), e.getValue().asText()));
            }
            return new SmokeRequest.HttpCall(method, path.asText(), headers, body);
        }

        /** Adds the case's expectations; returns the expected status. */
        private int expect(JsonNode e, String where, List<Expectation> out) {
            String ptr = "/expect";
            int status = 200;
            if (e == null) {
                out.add(new StatusExpectation(status));
                return status;
            }
            if (!e.isObject()) {
                error(where, ptr, "expect must be a mapping", "keys: " + new TreeSet<>(EXPECT_KEYS));
                return status;
            }
            keys(e, EXPECT_KEYS, where, ptr);
            JsonNode s = e.get("status");
            if (s != null) {
                if (!s.canConvertToInt() || !s.isIntegralNumber() || s.asInt() < 100 || s.asInt() > 599) {
                    error(where + ".status", ptr + "/status", "'" + s.asText() + "' is not an HTTP status", "a number from 100 to 599");
                } else {
                    status = s.asInt();
                }
            }
            out.add(new StatusExpectation(status));
            JsonNode schema = e.get("schema");
            if (schema != null) {
                if (!schema.isObject()) {
                    error(where + ".schema", ptr + "/schema", "schema must be a JSON Schema object", null);
                } else {
                    try {
                        JsonSchema compiled = schemas.getSchema(schema);
                        // References are resolved lazily by default; resolve them now, so a broken one is refused here.
                        compiled.initializeValidators();
                        out.add(new SchemaExpectation(compiled));
                    } catch (RuntimeException ex) {
                        error(where + ".schema", ptr + "/schema", "not a usable JSON Schema: " + ex.getMessage(), null);
                    }
                }
            }
            JsonNode checks = e.get("json");
            if (checks != null) {
                if (!checks.isArray()) {
                    error(where + ".json", ptr + "/json", "json must be a list of checks", "- {path: $.items, length: 5}");
                } else {
                    for (int i = 0; i < checks.size(); i++) {
                        jsonCheck(checks.get(i), where + ".json[" + i + "]", ptr + "/json/" + i, out);
                    }
                }
            }
            JsonNode ranking = e.get("ranking");
            if (ranking != null) {
                ranking(ranking, where + ".ranking", ptr + "/ranking", out);
            }
            return status;
        }

        private void jsonCheck(JsonNode c, String where, String ptr, List<Expectation> out) {
            if (!c.isObject()) {
                error(where, ptr, "a check must be a mapping", "- {path: $.items, length: 5}");
                return;
            }
            int before = problems.size();
            keys(c, JSON_KEYS, where, ptr);
            var path = compile(c.get("path"), where + ".path", ptr + "/path");
            boolean each = c.path("each").asBoolean(false);
            List<ValueCheck> found = new ArrayList<>();
            double abs = nonNegative(c, "tolerance", where, ptr);
            double rel = nonNegative(c, "relativeTolerance", where, ptr);
            if (c.has("equals")) {
                JsonNode v = c.get("equals");
                if ((abs > 0 || rel > 0) && !v.isNumber()) {
                    error(where + ".tolerance", ptr + "/equals", "a tolerance needs a number to compare with, not " + Json.show(v), null);
                }
                found.add(new ValueCheck.Equals(v, abs, rel));
            } else if (c.has("tolerance") || c.has("relativeTolerance")) {
                error(where, ptr, "tolerance without equals", "write equals: <number> and the tolerance around it");
            }
            if (c.has("matches")) {
                try {
                    found.add(new ValueCheck.Matches(Pattern.compile(c.get("matches").asText())));
                } catch (PatternSyntaxException ex) {
                    error(where + ".matches", ptr + "/matches", "not a regular expression: " + ex.getDescription(), "Java regex syntax");
                }
            }
            if (c.has("type")) {
                String t = c.get("type").asText();
                if (!ValueCheck.TYPES.contains(t)) {
                    error(where + ".type", ptr + "/type", "'" + t + "' is not a JSON type", "one of " + new TreeSet<>(ValueCheck.TYPES));
                } else {
                    found.add(new ValueCheck.Type(t));
                }
            }
            Integer exactly = count(c, "length", where, ptr);
            Integer min = count(c, "minLength", where, ptr);
            Integer max = count(c, "maxLength", where, ptr);
            if (exactly != null && (min != null || max != null)) {
                error(where + ".length", ptr + "/length", "length with minLength/maxLength", "give an exact length or bounds");
            } else if (min != null && max != null && min > max) {
                error(where + ".minLength", ptr + "/minLength", "minLength " + min + " is above maxLength " + max + ": no value can pass", null);
            }
            if (exactly != null || min != null || max != null) {
                found.add(new ValueCheck.Length(exactly, min, max));
            }
            if (c.has("exists")) {
                if (!c.get("exists").asBoolean()) {
                    error(where + ".exists", ptr + "/exists", "exists: false is not supported", "check what must be there");
                } else {
                    found.add(new ValueCheck.Exists());
                }
            }
            if (found.isEmpty() && problems.size() == before) {
                error(where, ptr, "the check says nothing to check", "add equals, matches, type, length/minLength/maxLength or exists");
            }
            if (problems.size() == before && path != null) {
                for (ValueCheck v : found) {
                    out.add(new JsonPathExpectation(c.get("path").asText(), path, v, each));
                }
            }
        }

        private void ranking(JsonNode r, String where, String ptr, List<Expectation> out) {
            if (!r.isObject()) {
                error(where, ptr, "ranking must be a mapping", "items, top, id, contains, all");
                return;
            }
            int before = problems.size();
            keys(r, RANKING_KEYS, where, ptr);
            var items = compile(r.get("items"), where + ".items", ptr + "/items");
            Integer top = count(r, "top", where, ptr);
            if (top != null && top < 1) {
                error(where + ".top", ptr + "/top", "top must be at least 1", null);
            }
            String id = r.path("id").asText("id");
            List<String> contains = new ArrayList<>();
            JsonNode c = r.get("contains");
            if (c != null) {
                if (!c.isArray()) {
                    error(where + ".contains", ptr + "/contains", "contains must be a list of ids", null);
                } else {
                    c.forEach(v -> contains.add(v.asText()));
                }
            }
            if (top != null && contains.size() > top) {
                error(where + ".contains", ptr + "/contains", contains.size() + " ids can never all be in the top " + top,
                        "raise top or expect fewer ids");
            }
            Map<String, JsonNode> all = new LinkedHashMap<>();
            JsonNode a = r.get("all");
            if (a != null) {
                if (!a.isObject() || a.isEmpty()) {
                    error(where + ".all", ptr + "/all", "all must map attribute names to the value every result has", "all: {category: lipstick}");
                } else {
                    a.fields().forEachRemaining(f -> all.put(f.getKey(), f.getValue()));
                }
            }
            if (contains.isEmpty() && all.isEmpty() && problems.size() == before) {
                error(where, ptr, "the ranking check says nothing to check", "add contains (ids) or all (attribute values)");
            }
            if (problems.size() == before && items != null) {
                out.add(new RankingExpectation(r.get("items").asText(), items, top, id, contains, all));
            }
        }

        private com.jayway.jsonpath.JsonPath compile(JsonNode text, String where, String ptr) {
            if (text == null || !text.isTextual()) {
                error(where, ptr, "a JSONPath is required", "e.g. $.predictions[0].items");
                return null;
            }
            try {
                return Json.compile(text.asText());
            } catch (IllegalArgumentException e) {
                error(where, ptr, e.getMessage(), "JSONPath syntax: $.items[0].id, $.items[*].category, $.items.length()");
                return null;
            }
        }

        private double nonNegative(JsonNode c, String key, String where, String ptr) {
            JsonNode v = c.get(key);
            if (v == null) {
                return 0;
            }
            if (!v.isNumber() || v.asDouble() < 0) {
                error(where + "." + key, ptr + "/" + key, key + " must be a number >= 0, not " + Json.show(v), null);
                return 0;
            }
            return v.asDouble();
        }

        private Integer count(JsonNode c, String key, String where, String ptr) {
            JsonNode v = c.get(key);
            if (v == null) {
                return null;
            }
            if (!v.isIntegralNumber() || v.asInt() < 0) {
                error(where + "." + key, ptr + "/" + key, key + " must be a whole number >= 0, not " + Json.show(v), null);
                return null;
            }
            return v.asInt();
        }
    }
}
