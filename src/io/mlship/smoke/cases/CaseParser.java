package io.mlship.smoke.cases;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.mlship.result.Problem;
import io.mlship.smoke.expect.Expectation;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Turns the cases of one file, tree by tree, into {@link SmokeCase}s: checks the keys, the name (unique in the
 * file) and the request, and has the expectations checked. A case with any problem is left out.
 */
final class CaseParser {
    static final Set<String> CASE_KEYS = Set.of("name", "description", "request", "expect");
    static final Set<String> REQUEST_KEYS = Set.of("method", "path", "headers", "body", "instances", "parameters");
    static final Set<String> METHODS = Set.of("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS");

    private final ExpectationParser expectations;
    private final List<Problem> problems;
    private final List<SmokeCase> cases = new ArrayList<>();
    private final Set<String> names = new HashSet<>();

    /** {@code problems} collects what is wrong with any case of the file. */
    CaseParser(ExpectationParser expectations, List<Problem> problems) {
        this.expectations = expectations;
        this.problems = problems;
    }

    /** The cases without problems so far, in the file's order. */
    List<SmokeCase> cases() {
        return List.copyOf(cases);
    }

    void parse(CaseTree tree) {
        CaseProblems at = new CaseProblems(tree, problems);
        JsonNode node = tree.tree().root();
        String where = tree.label();
        int before = at.count();
        if (!node.isObject()) {
            at.error(where, "", "a case must be a mapping with name, request and expect", null);
            return;
        }
        at.unknownKeys(node, CASE_KEYS, where, "");
        JsonNode nameNode = node.get("name");
        String name = nameNode != null && nameNode.isTextual() ? nameNode.asText().trim() : "";
        if (name.isEmpty()) {
            at.error(where + ".name", "/name", "every case needs a name", "the name becomes the test's name in JUnit");
        } else {
            where = "case '" + name + "'";
            if (!names.add(name)) {
                at.error(where, "/name", "two cases are called '" + name + "'", "names must be unique: they become JUnit test names");
            }
        }
        SmokeRequest request = request(node.get("request"), where + ".request", at);
        List<Expectation> expected = new ArrayList<>();
        int status = expectations.parse(node.get("expect"), where + ".expect", at, expected);
        if (at.count() == before && request != null) {
            cases.add(new SmokeCase(name, request, expected, status, tree.file(), tree.line("")));
        }
    }

    private SmokeRequest request(JsonNode r, String where, CaseProblems at) {
        String ptr = "/request";
        if (r == null || !r.isObject()) {
            at.error(where, ptr, "every case needs a request", "HTTP: method, path (headers, body); prediction: instances (parameters)");
            return null;
        }
        at.unknownKeys(r, REQUEST_KEYS, where, ptr);
        boolean http = r.has("path") || r.has("method") || r.has("headers") || r.has("body");
        boolean predict = r.has("instances") || r.has("parameters");
        if (http && predict) {
            at.error(where, ptr, "a request is either HTTP (method, path, headers, body) or a prediction (instances, parameters), not both", null);
            return null;
        }
        return predict ? prediction(r, where, ptr, at) : httpCall(r, where, ptr, at);
    }

    private static SmokeRequest prediction(JsonNode r, String where, String ptr, CaseProblems at) {
        JsonNode instances = r.get("instances");
        if (instances == null || !instances.isArray() || instances.isEmpty()) {
            at.error(where + ".instances", ptr + "/instances", "instances must be a non-empty list", "e.g. instances: [{query: lipstick}]");
            return null;
        }
        JsonNode params = r.get("parameters");
        if (params != null && !params.isObject()) {
            at.error(where + ".parameters", ptr + "/parameters", "parameters must be a mapping", null);
            return null;
        }
        return new SmokeRequest.PredictCall((ArrayNode) instances, params);
    }

    private static SmokeRequest httpCall(JsonNode r, String where, String ptr, CaseProblems at) {
        JsonNode path = r.get("path");
        if (path == null || !path.isTextual() || !path.asText().startsWith("/")) {
            at.error(where + ".path", ptr + "/path", "path must be text starting with '/'", "e.g. path: /v1/recommendations?q=lipstick");
            return null;
        }
        JsonNode body = r.get("body");
        String method = r.has("method") ? r.get("method").asText().toUpperCase(Locale.ROOT) : (body != null ? "POST" : "GET");
        if (!METHODS.contains(method)) {
            at.error(where + ".method", ptr + "/method", "'" + r.get("method").asText() + "' is not an HTTP method", "one of " + new TreeSet<>(METHODS));
            return null;
        }
        Map<String, String> headers = new LinkedHashMap<>();
        JsonNode h = r.get("headers");
        if (h != null) {
            if (!h.isObject()) {
                at.error(where + ".headers", ptr + "/headers", "headers must be a mapping of name to value", null);
                return null;
            }
            for (Map.Entry<String, JsonNode> e : h.properties()) {
                headers.put(e.getKey(), e.getValue().asText());
            }
        }
        return new SmokeRequest.HttpCall(method, path.asText(), headers, body);
    }
}
