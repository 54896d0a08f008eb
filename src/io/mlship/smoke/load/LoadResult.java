package io.mlship.smoke.load;

import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * What a load run measured: latencies (µs) of every measured request, how many failed and why (counted by
 * reason), and the wall time, from which throughput follows.
 */
public record LoadResult(Histogram histogram, long requests, long errors, long wallNanos, Map<String, Long> errorReasons) {

    public LoadResult {
        errorReasons = Map.copyOf(errorReasons);
    }

    public double errorRate() {
        return requests == 0 ? 0 : (double) errors / requests;
    }

    /** Requests per second over the measured part of the run. */
    public double throughput() {
        return wallNanos == 0 ? 0 : requests * 1e9 / wallNanos;
    }
}
