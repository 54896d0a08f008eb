package io.mlship.smoke.golden;

import com.fasterxml.jackson.databind.JsonNode;
import com.jayway.jsonpath.JsonPath;
import io.mlship.smoke.cases.SmokeCase;
import io.mlship.smoke.expect.Json;
import io.mlship.smoke.expect.Tolerance;
import io.mlship.smoke.targets.Response;
import io.mlship.smoke.targets.Target;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Sends every case to production (the baseline) and to the candidate and compares the answers as JSON: the
 * regression check that catches a model that still answers 200 but says something else.
 */
public final class GoldenComparison {
    private final GoldenPlan plan;

    public GoldenComparison(GoldenPlan plan) {
        this.plan = plan;
    }

    public GoldenResult run(List<SmokeCase> cases, Target baseline, Target candidate) {
        List<GoldenDiff> diffs = new ArrayList<>();
        for (SmokeCase c : cases) {
            compare(c.name(), baseline.send(c.request()), candidate.send(c.request())).ifPresent(diffs::add);
        }
        return new GoldenResult(baseline.describe(), cases.size(), diffs.size(), plan.maxDiffRatio(), diffs);
    }

    /** The first difference between two answers to one case, if any. */
    public Optional<GoldenDiff> compare(String caseName, Response base, Response cand) {
        if (!base.answered() || !cand.answered()) {
            return Optional.of(new GoldenDiff(caseName, "(answer)", answerText(base), answerText(cand)));
        }
        if (base.status() != cand.status()) {
            return Optional.of(new GoldenDiff(caseName, "status", String.valueOf(base.status()), String.valueOf(cand.status())));
        }
        if (base.json() == null || cand.json() == null) {
            return base.body().equals(cand.body()) ? Optional.empty()
                    : Optional.of(new GoldenDiff(caseName, "(body)", snippet(base.body()), snippet(cand.body())));
        }
        JsonNode a = base.json();
        JsonNode b = cand.json();
        for (JsonPath p : plan.ignore()) {
            a = Json.without(a, p);
            b = Json.without(b, p);
        }
        return firstDifference("$", a, b).map(d -> new GoldenDiff(caseName, d[0], d[1], d[2]));
    }

    private Optional<String[]> firstDifference(String path, JsonNode a, JsonNode b) {
        if (a.isNumber() && b.isNumber()) {
            return Tolerance.close(a.doubleValue(), b.doubleValue(), plan.absoluteTolerance(), plan.relativeTolerance())
                    ? Optional.empty() : diff(path, a, b);
        }
        if (a.getNodeType() != b.getNodeType()) {
            return diff(path, a, b);
        }
        if (a.isArray()) {
            if (a.size() != b.size()) {
                return Optional.of(new String[] {path + ".length()", String.valueOf(a.size()), String.valueOf(b.size())});
            }
            for (int i = 0; i < a.size(); i++) {
                Optional<String[]> d = firstDifference(path + "[" + i + "]", a.get(i), b.get(i));
                if (d.isPresent()) {
                    return d;
                }
            }
            return Optional.empty();
        }
        if (a.isObject()) {
            TreeSet<String> keys = new TreeSet<>();
            a.fieldNames().forEachRemaining(keys::add);
            for (Iterator<String> it = b.fieldNames(); it.hasNext(); ) {
                keys.add(it.next());
            }
            for (String k : keys) {
                JsonNode x = a.get(k);
                JsonNode y = b.get(k);
                String child = path + "." + k;
                if (x == null || y == null) {
                    return Optional.of(new String[] {child, Json.show(x), Json.show(y)});
                }
                Optional<String[]> d = firstDifference(child, x, y);
                if (d.isPresent()) {
                    return d;
                }
            }
            return Optional.empty();
        }
        return a.equals(b) ? Optional.empty() : diff(path, a, b);
    }

    private static Optional<String[]> diff(String path, JsonNode a, JsonNode b) {
        return Optional.of(new String[] {path, Json.show(a), Json.show(b)});
    }

    private static String answerText(Response r) {
        return r.answered() ? "status " + r.status() : "no answer: " + r.transportError();
    }

    private static String snippet(String body) {
        return body.length() <= 120 ? body : body.substring(0, 120) + "…";
    }
}
