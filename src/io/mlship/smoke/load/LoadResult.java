package io.mlship.smoke.load;

import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * What a load run measured: latencies (µs) of every measured request, how many failed and why (counted by
 * reason), and the wall time, from which throughput follows. {@code stoppedEarly} says why the run ended before
 * its planned requests (its verdict was certain), null when it ran to the end; {@code planned} is the request
 * count it was planned with (null for a run by duration).
 */
public record LoadResult(Histogram histogram, long requests, long errors, long wallNanos, Map<String, Long> errorReasons,
                         Integer planned, String stoppedEarly) {

    public LoadResult {
        errorReasons = Map.copyOf(errorReasons);
    }

    public LoadResult(Histogram histogram, long requests, long errors, long wallNanos, Map<String, Long> errorReasons) {
        this(histogram, requests, errors, wallNanos, errorReasons, null, null);
    }

    public double errorRate() {
        return requests == 0 ? 0 : (double) errors / requests;
    }

    /** Requests per second over the measured part of the run. */
    public double throughput() {
        return wallNanos == 0 ? 0 : requests * 1e9 / wallNanos;
    }
}
