package io.mlship.smoke.load;

import java.time.Duration;

/** A load run: {@code requests} in total or for {@code duration}, from {@code concurrency} workers, after {@code warmup} unmeasured requests. */
public record LoadPlan(Integer requests, Duration duration, int concurrency, int warmup) {

    public LoadPlan {
        if ((requests == null) == (duration == null)) {
            throw new IllegalArgumentException("a load run has either a request count or a duration");
        }
        if (concurrency < 1) {
            throw new IllegalArgumentException("concurrency must be at least 1");
        }
    }

    public String describe() {
        return (requests != null ? requests + " requests" : "for " + duration.toMillis() + " ms")
                + " at concurrency " + concurrency + " after " + warmup + " warm-up requests";
    }
}
