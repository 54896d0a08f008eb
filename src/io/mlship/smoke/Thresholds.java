package io.mlship.smoke;

import java.time.Duration;

/** Limits the load figures must keep; null means "not checked". */
public record Thresholds(Duration p50, Duration p95, Duration p99, Double errorRate, Double minThroughput) {

    public static Thresholds none() {
        return new Thresholds(null, null, null, null, null);
    }
}
