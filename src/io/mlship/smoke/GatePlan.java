package io.mlship.smoke;

import io.mlship.smoke.cases.SmokeCase;
import io.mlship.smoke.golden.GoldenPlan;
import io.mlship.smoke.load.LoadPlan;
import java.time.Duration;
import java.util.List;

/**
 * Everything one gate run needs, checked before the first request. {@code load} and {@code golden} are null when
 * not run; {@code expectedModelVersion}, when set, must be the version that served every case (Vertex targets).
 * {@code triesPerCase} above 1 means the endpoint splits traffic (a canary): a case is sent again until the
 * version under test answers it, and the other versions' answers are counted but not checked.
 * {@code expectedImageDigest}, when set, is the image an HTTP service's answers must name when they name one
 * (the service echoes its pod's digest): an answer from another version fails its case.
 */
public record GatePlan(List<SmokeCase> cases, Duration requestTimeout, LoadPlan load, Thresholds thresholds,
                       GoldenPlan golden, String expectedModelVersion, int triesPerCase, String expectedImageDigest) {

    public GatePlan {
        cases = List.copyOf(cases);
        thresholds = thresholds == null ? Thresholds.none() : thresholds;
        if (triesPerCase < 1) {
            throw new IllegalArgumentException("triesPerCase must be at least 1");
        }
    }

    public GatePlan(List<SmokeCase> cases, Duration requestTimeout, LoadPlan load, Thresholds thresholds,
                    GoldenPlan golden, String expectedModelVersion, int triesPerCase) {
        this(cases, requestTimeout, load, thresholds, golden, expectedModelVersion, triesPerCase, null);
    }

    public GatePlan(List<SmokeCase> cases, Duration requestTimeout, LoadPlan load, Thresholds thresholds,
                    GoldenPlan golden, String expectedModelVersion) {
        this(cases, requestTimeout, load, thresholds, golden, expectedModelVersion, 1);
    }

    public GatePlan withLoad(LoadPlan l) {
        return new GatePlan(cases, requestTimeout, l, thresholds, golden, expectedModelVersion, triesPerCase,
                expectedImageDigest);
    }

    public GatePlan withImageDigest(String digest) {
        return new GatePlan(cases, requestTimeout, load, thresholds, golden, expectedModelVersion, triesPerCase, digest);
    }

    public boolean canary() {
        return triesPerCase > 1 && expectedModelVersion != null;
    }
}
