package io.mlship.smoke.expect;

import com.fasterxml.jackson.databind.JsonNode;
import com.jayway.jsonpath.JsonPath;
import io.mlship.smoke.targets.Response;
import java.util.List;
import java.util.Optional;

/**
 * A check of the value a JSONPath selects in the answer's JSON. With {@code each}, the path selects several
 * values (e.g. {@code $.items[*].category}) and every one of them must pass; there must be at least one.
 */
public record JsonPathExpectation(String pathText, JsonPath path, ValueCheck check, boolean each) implements Expectation {

    @Override
    public String describe() {
        return pathText + (each ? " each " : " ") + check.expected();
    }

    @Override
    public List<Mismatch> check(Response response) {
        if (response.json() == null) {
            return List.of(new Mismatch(pathText, check.expected(), "body is not JSON: " + snippet(response.body())));
        }
        Optional<JsonNode> value = Json.read(response.json(), path);
        if (value.isEmpty() || value.get().isMissingNode()) {
            return List.of(new Mismatch(pathText, check.expected(), "(missing)"));
        }
        if (!each) {
            return check.test(value.get()) ? List.of() : List.of(new Mismatch(pathText, check.expected(), check.actual(value.get())));
        }
        JsonNode values = value.get();
        if (!values.isArray() || values.isEmpty()) {
            return List.of(new Mismatch(pathText, "at least one value, each " + check.expected(), Json.show(values)));
        }
        for (int i = 0; i < values.size(); i++) {
            if (!check.test(values.get(i))) {
                return List.of(new Mismatch(pathText + " (value " + (i + 1) + " of " + values.size() + ")",
                        check.expected(), check.actual(values.get(i))));
            }
        }
        return List.of();
    }

    static String snippet(String body) {
        if (body == null || body.isEmpty()) {
            return "(empty)";
        }
        return body.length() <= 120 ? body : body.substring(0, 120) + "…";
    }
}
