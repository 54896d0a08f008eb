package io.mlship.smoke.load;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * When a load run of a known number of requests can stop because its verdict is already certain: more errors than
 * {@code errorRate} allows over all the planned requests, or more requests slower than a percentile's limit than
 * that percentile lets through (more than 5% of them slower than p95, say). Nothing the remaining requests could
 * do would then make the run pass, so sending them only prolongs a failed gate.
 *
 * @param planned        the request count of the run; 0 for a run by duration (no count, so no early stop)
 * @param allowedErrors  errors the run may have and still pass; -1 when errors are not a threshold
 * @param latencyBounds  one per percentile threshold
 */
public record EarlyStop(long planned, long allowedErrors, List<LatencyBound> latencyBounds) {

    /** At most {@code allowedSlow} of the planned requests may take longer than {@code limitMicros}. */
    public record LatencyBound(String name, long limitMicros, long allowedSlow) {
    }

    public EarlyStop {
        latencyBounds = List.copyOf(latencyBounds);
    }

    public static EarlyStop never() {
        return new EarlyStop(0, -1, List.of());
    }

    /**
     * The rule for {@code planned} requests (null: a run by duration) under these thresholds (null: not checked).
     * A percentile q over n requests is the value at rank ceil(q·n), so it stays within its limit only while at
     * most n − ceil(q·n) requests are slower.
     */
    public static EarlyStop of(Integer planned, Double errorRate, Duration p50, Duration p95, Duration p99) {
        if (planned == null) {
            return never();
        }
        long n = planned;
        // The small epsilon keeps 0.01 × 200 at 2 allowed errors, not 1.9999999.
        long errors = errorRate == null ? -1 : (long) Math.floor(errorRate * n + 1e-9);
        List<LatencyBound> bounds = new ArrayList<>();
        bound(bounds, "p50", 0.50, p50, n);
        bound(bounds, "p95", 0.95, p95, n);
        bound(bounds, "p99", 0.99, p99, n);
        return new EarlyStop(n, errors, bounds);
    }

    private static void bound(List<LatencyBound> out, String name, double q, Duration limit, long n) {
        if (limit != null) {
            long rank = (long) Math.ceil(q * n - 1e-9);
            out.add(new LatencyBound(name, limit.toNanos() / 1000, n - rank));
        }
    }

    public boolean enabled() {
        return planned > 0 && (allowedErrors >= 0 || !latencyBounds.isEmpty());
    }

    public Watch watch() {
        return new Watch(this);
    }

    /** Counts one run's requests as they complete, from many workers at once. */
    public static final class Watch {
        private final EarlyStop rule;
        private final AtomicLong errors = new AtomicLong();
        private final AtomicLongArray slow;

        private Watch(EarlyStop rule) {
            this.rule = rule;
            this.slow = new AtomicLongArray(rule.latencyBounds().size());
        }

        /** Counts one request; returns why the verdict is now certain, or null while it is not. */
        public String record(boolean error, long micros) {
            if (!rule.enabled()) {
                return null;
            }
            if (error && rule.allowedErrors() >= 0) {
                long e = errors.incrementAndGet();
                if (e > rule.allowedErrors()) {
                    return "error budget spent: " + e + " errors, while the error rate threshold allows at most "
                            + rule.allowedErrors() + " of " + rule.planned() + " requests";
                }
            }
            for (int i = 0; i < rule.latencyBounds().size(); i++) {
                LatencyBound b = rule.latencyBounds().get(i);
                if (micros > b.limitMicros()) {
                    long s = slow.incrementAndGet(i);
                    if (s > b.allowedSlow()) {
                        return b.name() + " can no longer be met: " + s + " requests slower than "
                                + millis(b.limitMicros()) + ", while " + b.name() + " allows at most "
                                + b.allowedSlow() + " of " + rule.planned();
                    }
                }
            }
            return null;
        }

        private static String millis(long micros) {
            return micros % 1000 == 0 ? micros / 1000 + " ms" : micros / 1000.0 + " ms";
        }
    }
}
