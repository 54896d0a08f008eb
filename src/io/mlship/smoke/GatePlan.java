package io.mlship.smoke;

import io.mlship.smoke.cases.SmokeCase;
import io.mlship.smoke.golden.GoldenPlan;
import io.mlship.smoke.load.LoadPlan;
import java.time.Duration;
import java.util.List;

/**
 * Everything one gate run needs, checked before the first request. {@code load} and {@code golden} are null when
 * not run; {@code expectedModelVersion}, when set, must be the version that served every case (Vertex targets).
 */
public record GatePlan(List<SmokeCase> cases, Duration requestTimeout, LoadPlan load, Thresholds thresholds,
                       GoldenPlan golden, String expectedModelVersion) {

    public GatePlan {
        cases = List.copyOf(cases);
        thresholds = thresholds == null ? Thresholds.none() : thresholds;
    }
}
