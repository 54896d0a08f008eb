package io.mlship.smoke.load;

import java.time.Duration;

/**
 * A load run: {@code requests} in total or for {@code duration}, from {@code concurrency} workers, after
 * {@code warmup} unmeasured requests. {@code afterFailedCases}: run it even when a case failed (by default a failed
 * case decides the verdict, and the load run would only prolong a failed gate).
 */
public record LoadPlan(Integer requests, Duration duration, int concurrency, int warmup, boolean afterFailedCases) {

    public LoadPlan {
        if ((requests == null) == (duration == null)) {
            throw new IllegalArgumentException("a load run has either a request count or a duration");
        }
        if (concurrency < 1) {
            throw new IllegalArgumentException("concurrency must be at least 1");
        }
    }

    public LoadPlan(Integer requests, Duration duration, int concurrency, int warmup) {
        this(requests, duration, concurrency, warmup, false);
    }

    public LoadPlan runningAfterFailedCases() {
        return new LoadPlan(requests, duration, concurrency, warmup, true);
    }

    public String describe() {
        return (requests != null ? requests + " requests" : "for " + duration.toMillis() + " ms")
                + " at concurrency " + concurrency + " after " + warmup + " warm-up requests";
    }
}
