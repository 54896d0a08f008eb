package io.mlship.smoke;

import com.jayway.jsonpath.JsonPath;
import io.mlship.result.MlshipException;
import io.mlship.smoke.cases.SmokeCase;
import io.mlship.smoke.cases.SmokeRequest;
import io.mlship.smoke.expect.Json;
import io.mlship.smoke.golden.GoldenPlan;
import io.mlship.smoke.load.LoadPlan;
import io.mlship.spec.Durations;
import io.mlship.spec.SmokeSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns the spec's {@code smoke} section and the loaded cases into a {@link GatePlan}, refusing — as bad input,
 * before any request — what could never pass or never run.
 */
public final class GatePlanner {

    public GatePlan plan(SmokeSpec smoke, List<SmokeCase> cases, boolean vertexTarget, boolean baselineGiven,
                         String expectedModelVersion) {
        return plan(smoke, cases, vertexTarget, baselineGiven, expectedModelVersion, 1);
    }

    /** {@code triesPerCase} > 1: a canary split, where each case is re-sent until the version under test answers. */
    public GatePlan plan(SmokeSpec smoke, List<SmokeCase> cases, boolean vertexTarget, boolean baselineGiven,
                         String expectedModelVersion, int triesPerCase) {
        return plan(smoke, cases, vertexTarget, baselineGiven, expectedModelVersion, triesPerCase, false);
    }

    /** {@code goldenSkipped}: the spec's golden comparison does not run, with or without a baseline. */
    public GatePlan plan(SmokeSpec smoke, List<SmokeCase> cases, boolean vertexTarget, boolean baselineGiven,
                         String expectedModelVersion, int triesPerCase, boolean goldenSkipped) {
        Duration timeout = Durations.parse(smoke.requestTimeout());
        LoadPlan load = load(smoke.load());
        Thresholds thresholds = thresholds(smoke.thresholds(), load);
        if (vertexTarget) {
            List<String> http = cases.stream().filter(c -> c.request() instanceof SmokeRequest.HttpCall)
                    .map(c -> c.name() + " (" + c.file() + ":" + c.line() + ")").toList();
            if (!http.isEmpty()) {
                throw MlshipException.badInput("a Vertex AI endpoint takes predictions, but these cases are HTTP calls: "
                        + String.join(", ", http), "give them request.instances, or run them against the service URL");
            }
        }
        GoldenPlan golden = null;
        SmokeSpec.Golden g = smoke.golden();
        if (goldenSkipped) {
            golden = null;
        } else if (baselineGiven) {
            List<JsonPath> ignore = new ArrayList<>();
            List<String> ignoreText = g == null ? List.of() : g.ignore();
            for (String p : ignoreText) {
                try {
                    ignore.add(Json.compile(p));
                } catch (IllegalArgumentException e) {
                    throw MlshipException.badInput("smoke.golden.ignore: " + e.getMessage(), "e.g. $.model");
                }
            }
            golden = g == null ? new GoldenPlan(0.05, 1e-6, 1e-4, List.of(), List.of())
                    : new GoldenPlan(g.maxDiffRatio(), g.absoluteTolerance(), g.relativeTolerance(), ignoreText, ignore);
        } else if (g != null && g.enabled() && !vertexTarget) {
            // (The endpoint's gate has no golden comparison: during its canary split it judges only the candidate.)
            throw MlshipException.badInput("smoke.golden.enabled is true but no --baseline was given",
                    "pass --baseline with the production URL to compare with, or set golden.enabled: false for a first release");
        }
        return new GatePlan(cases, timeout, load, thresholds, golden, expectedModelVersion, triesPerCase);
    }

    private static LoadPlan load(SmokeSpec.Load l) {
        if (l == null) {
            return null;
        }
        if (l.requests() == null && l.duration() == null) {
            throw MlshipException.badInput("smoke.load needs requests or duration", "e.g. requests: 200, or duration: 30s");
        }
        Duration d = l.duration() == null ? null : Durations.parse(l.duration());
        if (d != null && d.isZero()) {
            throw MlshipException.badInput("smoke.load.duration is 0", "a load run needs some time, e.g. 30s");
        }
        return new LoadPlan(l.requests(), d, l.concurrency(), l.warmup(), l.afterFailedCases());
    }

    private static Thresholds thresholds(SmokeSpec.Thresholds t, LoadPlan load) {
        if (t == null) {
            return Thresholds.none();
        }
        Duration p50 = positive(t.p50(), "p50");
        Duration p95 = positive(t.p95(), "p95");
        Duration p99 = positive(t.p99(), "p99");
        if (t.minThroughput() != null && load == null) {
            throw MlshipException.badInput("smoke.thresholds.minThroughput needs a load run",
                    "throughput is measured by smoke.load (requests or duration, concurrency); add it or drop the threshold");
        }
        return new Thresholds(p50, p95, p99, t.errorRate(), t.minThroughput());
    }

    private static Duration positive(String text, String name) {
        if (text == null) {
            return null;
        }
        Duration d = Durations.parse(text);
        if (d.isZero()) {
            throw MlshipException.badInput("smoke.thresholds." + name + " is " + text + ": no request answers in no time",
                    "set a latency the service can reach, e.g. " + name + ": 300ms");
        }
        return d;
    }
}
