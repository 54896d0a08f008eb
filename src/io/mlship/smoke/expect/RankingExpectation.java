package io.mlship.smoke.expect;

import com.fasterxml.jackson.databind.JsonNode;
import com.jayway.jsonpath.JsonPath;
import io.mlship.smoke.targets.Response;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Checks of a ranked result list, the way a person judges a recommender: the top {@code k} results contain
 * these ids, and every one of them (all results when no k is given) has these attribute values — searching
 * "lipstick" must return lipsticks, not face wash.
 */
public record RankingExpectation(String itemsText, JsonPath items, Integer top, String idField, List<String> contains,
                                 Map<String, JsonNode> all) implements Expectation {

    public RankingExpectation {
        contains = List.copyOf(contains);
        all = Map.copyOf(all);
    }

    @Override
    public String describe() {
        List<String> parts = new ArrayList<>();
        String scope = top == null ? "all results" : "top " + top;
        if (!contains.isEmpty()) {
            parts.add(scope + " of " + itemsText + " contain " + contains);
        }
        if (!all.isEmpty()) {
            parts.add("every one of " + scope + " of " + itemsText + " has " + all);
        }
        return String.join("; ", parts);
    }

    @Override
    public List<Mismatch> check(Response response) {
        if (response.json() == null) {
            return List.of(new Mismatch(itemsText, "a JSON list of results", "body is not JSON: " + JsonPathExpectation.snippet(response.body())));
        }
        Optional<JsonNode> found = Json.read(response.json(), items);
        if (found.isEmpty() || !found.get().isArray()) {
            return List.of(new Mismatch(itemsText, "a list of results", found.map(Json::show).orElse("(missing)")));
        }
        JsonNode list = found.get();
        int n = top == null ? list.size() : Math.min(top, list.size());
        List<Mismatch> out = new ArrayList<>();
        if (top != null && list.size() < top) {
            out.add(new Mismatch(itemsText, "at least " + top + " results", list.size() + " results"));
        }
        if (!contains.isEmpty()) {
            Set<String> ids = new LinkedHashSet<>();
            for (int i = 0; i < n; i++) {
                JsonNode id = list.get(i).get(idField);
                if (id != null) {
                    ids.add(id.asText());
                }
            }
            List<String> missing = contains.stream().filter(id -> !ids.contains(id)).toList();
            if (!missing.isEmpty()) {
                out.add(new Mismatch(itemsText + "[0:" + n + "]." + idField, "contains " + contains, "missing " + missing + " in " + ids));
            }
        }
        for (Map.Entry<String, JsonNode> want : all.entrySet()) {
            for (int i = 0; i < n; i++) {
                JsonNode actual = list.get(i).get(want.getKey());
                if (actual == null || !want.getValue().equals(actual)) {
                    out.add(new Mismatch(itemsText + "[" + i + "]." + want.getKey(), Json.show(want.getValue()),
                            describeItem(list.get(i), want.getKey())));
                    break; // The first offender says enough; a report of every one would drown the others.
                }
            }
        }
        return out;
    }

    private String describeItem(JsonNode item, String field) {
        String value = Json.show(item.get(field));
        JsonNode id = item.get(idField);
        return id == null ? value : value + " (" + idField + " " + id.asText() + ")";
    }
}
