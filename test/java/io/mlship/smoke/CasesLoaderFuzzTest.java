package io.mlship.smoke;

import static io.mlship.fuzz.LineMutations.flip;
import static io.mlship.fuzz.LineMutations.indentOf;
import static io.mlship.fuzz.LineMutations.insert;
import static io.mlship.fuzz.LineMutations.reindent;
import static io.mlship.fuzz.LineMutations.replaceKey;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.mlship.result.ErrorCategory;
import io.mlship.result.MlshipException;
import io.mlship.result.Problem;
import io.mlship.smoke.cases.CasesLoader;
import io.mlship.smoke.cases.SmokeCase;
import io.mlship.smoke.expect.Expectation;
import io.mlship.smoke.targets.Response;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Seeded mutation fuzzing of the cases-file loader, YAML and JSON Lines: every mutated input must either load
 * or be refused with our own bad-input error, each problem naming the file and a line — never any other
 * exception. Loaded cases are then checked against a few answers, so what the loader accepts is also usable.
 * Deterministic: the same seed gives the same inputs, and a failing input is printed whole to reproduce it.
 * Explore further with {@code mvn test -Dtest=CasesLoaderFuzzTest -DargLine="-Dmlship.fuzz.seed=S -Dmlship.fuzz.iterations=N"}.
 */
class CasesLoaderFuzzTest {
    private static final int ITERATIONS = Integer.getInteger("mlship.fuzz.iterations", 100_000);
    private static final long SEED = Long.getLong("mlship.fuzz.seed", 20261122L);

    /** Values in YAML flow syntax (also valid where JSON is wanted when they are JSON). */
    private static final String[] VALUES = {
        "-1", "0", "1", "99", "600", "200.5", "99999999999999999999999", "1e309", "-0.0", ".inf", ".nan", "0x1F",
        "null", "~", "\"\"", "[]", "{}", "[1, [2, [3]]]", "{a: {b: {c: d}}}", "true", "false", "yes",
        "\"a\\nb\"", "\"\\u0000\"", "x".repeat(300), "!!binary AAAA", "!!int x", "*nope", "&anchor v", "2026-01-01",
        // JSONPaths, good and bad
        "$", "$.", "$.items", "$..*", "$[", "$.items[", "$.items[-1:]", "$.items[*]", "\"$[?(@.a > 1)]\"", "$.a.length()",
        "\"$['a\"", "\"$..['x','y']\"", "\"$.a[?(@.b =~ /(/)]\"", "items", "\"$[99999999999]\"", "\"$.a[0:0:0]\"",
        // regular expressions, good and bad
        "\"(\"", "\"[z-a]\"", "\"a{99999999999}\"", "\"\\\\\"", "\"(?<n>x)\\\\k<m>\"", "\"(?i)lip\"", "\"*\"",
        // headers, methods, paths
        "GET", "get", "FETCH", "/", "//x", "\"/v1?q=\\r\\nX: y\"", "http://x", "{X-A: 1}", "{X-A: [1]}", "{\"\": x}",
        // schemas
        "{type: object}", "{type: 5}", "{type: [string, nope]}", "{$ref: \"#/nope\"}", "{$ref: \"urn:x\"}",
        "{pattern: \"(\"}", "{minimum: x}", "{required: 5}", "{properties: 5}", "{items: [1]}", "{$schema: x}",
        "{allOf: []}", "{enum: 5}", "{$id: \"#x\"}",
    };
    private static final String[] KEYS = {
        "name", "description", "request", "expect", "method", "path", "headers", "body", "instances", "parameters",
        "status", "schema", "json", "ranking", "each", "equals", "tolerance", "relativeTolerance", "matches", "type",
        "length", "minLength", "maxLength", "exists", "items", "top", "id", "contains", "all", "<<", "?", "unknownKey", "",
    };
    private static final String[] STRUCTURE = {"---", "...", "- ", "? ", ": ", "|", ">-", "&a ", "*a", "<<: *a", "[", "]", "{", "}", "#", "\t", "%YAML 1.2", ",", "\""};
    private static final java.util.regex.Pattern JSON_SCALAR = java.util.regex.Pattern.compile("-?\\d+(\\.\\d+)?|true|false|null|\\[\\]|\\{\\}");
    private static final String[] JSON_TOKENS = {"{", "}", "[", "]", ",", ":", "\"", "\\", "null", "1e999", "-", "\"\\ud800\"", "/*", "//", "\u0000", "NaN"};

    @Test
    void mutatedCasesFilesLoadOrAreRefusedWithOurOwnError() throws IOException {
        List<String> yamlSeeds = yamlSeeds();
        List<String> jsonlSeeds = jsonLines(yamlSeeds);
        CasesLoader loader = new CasesLoader();
        List<Response> answers = answers();
        Random random = new Random(SEED);
        int loaded = 0;
        int refused = 0;
        for (int i = 0; i < ITERATIONS; i++) {
            boolean yaml = random.nextBoolean();
            String name = yaml ? "cases.yaml" : "cases.jsonl";
            String input = yaml ? mutateYaml(pick(yamlSeeds, random), random) : mutateJsonLines(pick(jsonlSeeds, random), random);
            try {
                List<SmokeCase> cases = loader.load(name, input.getBytes(StandardCharsets.UTF_8));
                assertThat(cases).as("cases of input #%d", i).isNotEmpty();
                for (SmokeCase c : cases) {
                    assertThat(c.name()).isNotBlank();
                    for (Expectation e : c.expectations()) {
                        assertThat(e.describe()).isNotNull();
                        answers.forEach(e::check);
                    }
                }
                loaded++;
            } catch (MlshipException e) {
                assertThat(e.category()).as("category for input #%d:%n%s", i, input).isEqualTo(ErrorCategory.BAD_INPUT);
                assertThat(e.problems()).as("problems for input #%d:%n%s", i, input).isNotEmpty();
                e.problems().forEach(p -> located(p, name, input));
                refused++;
            } catch (Throwable t) {
                throw new AssertionError("input #" + i + " (" + name + ", seed " + SEED + ") raised " + t + "\n--- input ---\n" + input, t);
            }
        }
        System.out.printf("cases fuzz: %d inputs, %d loaded, %d refused with problems (seed %d)%n", ITERATIONS, loaded, refused, SEED);
        assertThat(loaded + refused).isEqualTo(ITERATIONS);
        // Mutations must not all break the syntax: a good share has to reach the checks of each case.
        assertThat(loaded).isGreaterThan(ITERATIONS / 50);
    }

    private static void located(Problem p, String file, String input) {
        assertThat(p.message()).as("message of %s for%n%s", p, input).isNotBlank();
        assertThat(p.file()).as("file of %s", p).isEqualTo(file);
        assertThat(p.line()).as("line of %s for%n%s", p, input).isPositive();
    }

    private static String pick(List<String> seeds, Random r) {
        return seeds.get(r.nextInt(seeds.size()));
    }

    /** Answers the loaded cases are checked against: the example's shape, an empty object, a non-JSON body. */
    private static List<Response> answers() throws IOException {
        ObjectMapper json = new ObjectMapper();
        JsonNode reco = json.readTree("""
                {"query": "lipstick", "model": {"name": "reco-ranker"},
                 "items": [{"id": "a", "title": "Matte red", "category": "lipstick", "score": 0.9},
                           {"id": "b", "title": "Gloss", "category": "lipstick", "score": 0.5}],
                 "predictions": [{"items": [{"id": "a", "category": "lipstick"}]}, {"items": []}]}
                """);
        return List.of(new Response(200, reco.toString(), reco, 1, null, null),
                new Response(200, "{}", json.createObjectNode(), 1, null, null),
                new Response(500, "oops", null, 1, null, null));
    }

    private static List<String> yamlSeeds() throws IOException {
        List<String> seeds = new ArrayList<>();
        seeds.add(Files.readString(Path.of("examples/reco-service/smoke/cases.yaml")));
        seeds.add(Files.readString(Path.of("examples/reco-service/smoke/prediction-cases.yaml")));
        // Every key the format has, in one small file, so mutations reach each check.
        seeds.add("""
                - name: search
                  description: everything at once
                  request:
                    method: post
                    path: /v1/search
                    headers: {X-Trace: smoke, Authorization: Bearer x}
                    body: {q: lipstick, k: [1, 2]}
                  expect:
                    status: 201
                    schema: {type: object, required: [items], properties: {items: {type: array, minItems: 1}}}
                    json:
                      - {path: $.items, minLength: 1, maxLength: 10}
                      - {path: $.query, equals: lipstick, matches: "^lip"}
                      - {path: "$.items[*].score", each: true, equals: 0.5, tolerance: 0.5, relativeTolerance: 0.1}
                      - {path: $.model, exists: true, type: object}
                    ranking: {items: $.items, top: 2, id: id, contains: [a], all: {category: lipstick}}
                - name: predict
                  request:
                    instances: [{query: lipstick}]
                    parameters: {k: 3}
                  expect:
                    json:
                      - {path: $.predictions, length: 2}
                """);
        return seeds;
    }

    private static List<String> jsonLines(List<String> yamlSeeds) throws IOException {
        YAMLMapper yaml = new YAMLMapper();
        List<String> out = new ArrayList<>();
        for (String seed : yamlSeeds) {
            StringBuilder lines = new StringBuilder();
            for (JsonNode c : yaml.readTree(seed)) {
                lines.append(c.toString()).append('\n');
            }
            out.add(lines.toString());
        }
        return out;
    }

    private static String mutateYaml(String seed, Random r) {
        List<String> lines = new ArrayList<>(Arrays.asList(seed.split("\n", -1)));
        int mutations = 1 + r.nextInt(2);
        for (int m = 0; m < mutations && !lines.isEmpty(); m++) {
            int at = r.nextInt(lines.size());
            String line = lines.get(at);
            switch (r.nextInt(10)) {
                case 0 -> lines.remove(at);
                case 1 -> lines.add(at, line);
                case 2, 3 -> lines.set(at, replaceValue(line, VALUES[r.nextInt(VALUES.length)], r));
                case 4 -> lines.set(at, replaceKey(line, KEYS[r.nextInt(KEYS.length)]));
                case 5 -> lines.set(at, reindent(line, r));
                case 6 -> lines.add(at, indentOf(line) + KEYS[r.nextInt(KEYS.length)] + ": " + VALUES[r.nextInt(VALUES.length)]);
                case 7 -> lines.set(at, insert(line, STRUCTURE[r.nextInt(STRUCTURE.length)], r));
                case 8 -> lines.set(at, flip(line, r));
                default -> {
                    int other = r.nextInt(lines.size());
                    lines.set(at, lines.get(other));
                    lines.set(other, line);
                }
            }
        }
        return truncateSometimes(String.join("\n", lines), r);
    }

    private static String mutateJsonLines(String seed, Random r) {
        List<String> lines = new ArrayList<>(Arrays.asList(seed.split("\n", -1)));
        int mutations = 1 + r.nextInt(2);
        for (int m = 0; m < mutations; m++) {
            int at = r.nextInt(lines.size());
            String line = lines.get(at);
            switch (r.nextInt(8)) {
                case 0 -> lines.remove(at);
                case 1 -> lines.add(at, line);
                case 2, 3 -> lines.set(at, replaceJsonValue(line, r));
                case 4 -> lines.set(at, replaceJsonKey(line, r));
                case 5 -> lines.set(at, insert(line, JSON_TOKENS[r.nextInt(JSON_TOKENS.length)], r));
                case 6 -> lines.set(at, flip(line, r));
                default -> lines.add(at, "\r");
            }
            if (lines.isEmpty()) {
                lines.add("");
            }
        }
        return truncateSometimes(String.join("\n", lines), r);
    }

    private static String truncateSometimes(String out, Random r) {
        return r.nextInt(20) == 0 && !out.isEmpty() ? out.substring(0, r.nextInt(out.length())) : out;
    }

    /** Replaces the value after a random {@code ":"} of a JSON line with a fuzz value, as JSON when it is YAML-only. */
    private static String replaceJsonValue(String line, Random r) {
        int colon = nth(line, ':', r);
        if (colon < 0) {
            return line;
        }
        int end = valueEnd(line, colon + 1);
        String value = VALUES[r.nextInt(VALUES.length)];
        String asJson = value.startsWith("\"") || JSON_SCALAR.matcher(value).matches() ? value : quote(value);
        return line.substring(0, colon + 1) + (r.nextInt(4) == 0 ? value : asJson) + line.substring(end);
    }

    private static String replaceJsonKey(String line, Random r) {
        int colon = nth(line, ':', r);
        if (colon < 1 || line.charAt(colon - 1) != '"') {
            return line;
        }
        int start = line.lastIndexOf('"', colon - 2);
        return start < 0 ? line : line.substring(0, start) + quote(KEYS[r.nextInt(KEYS.length)]) + line.substring(colon);
    }

    private static int nth(String line, char c, Random r) {
        List<Integer> at = new ArrayList<>();
        for (int i = 0; i < line.length(); i++) {
            if (line.charAt(i) == c) {
                at.add(i);
            }
        }
        return at.isEmpty() ? -1 : at.get(r.nextInt(at.size()));
    }

    /** Where the JSON value starting at {@code from} ends (roughly: the next top-level comma or closing bracket). */
    private static int valueEnd(String line, int from) {
        int depth = 0;
        boolean inString = false;
        for (int i = from; i < line.length(); i++) {
            char c = line.charAt(i);
            if (inString) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    inString = false;
                }
            } else if (c == '"') {
                inString = true;
            } else if (c == '{' || c == '[') {
                depth++;
            } else if (c == '}' || c == ']' || c == ',') {
                if (depth == 0) {
                    return i;
                }
                if (c != ',') {
                    depth--;
                }
            }
        }
        return line.length();
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static String replaceValue(String line, String value, Random r) {
        int colon = line.indexOf(": ");
        if (colon >= 0 && r.nextBoolean()) {
            return line.substring(0, colon + 2) + value;
        }
        // Inside flow mappings ({path: $.items, length: 5}) replace one value in place.
        int inner = line.lastIndexOf(": ");
        if (inner >= 0) {
            int end = inner + 2;
            while (end < line.length() && ",}]".indexOf(line.charAt(end)) < 0) {
                end++;
            }
            return line.substring(0, inner + 2) + value + line.substring(end);
        }
        int dash = line.indexOf("- ");
        return dash >= 0 ? line.substring(0, dash + 2) + value : line + " " + value;
    }
}
