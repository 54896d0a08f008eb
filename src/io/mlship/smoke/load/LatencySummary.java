package io.mlship.smoke.load;

import java.util.ArrayList;
import java.util.List;
import org.HdrHistogram.Histogram;

/**
 * Latency figures from an HDR histogram recorded in microseconds; values in milliseconds. {@code buckets} is a
 * coarse histogram (log-spaced upper bounds in ms and counts) for the report's chart.
 */
public record LatencySummary(long count, double p50Ms, double p95Ms, double p99Ms, double maxMs, double meanMs,
                             List<Bucket> buckets) {

    public record Bucket(double upToMs, long count) {
    }

    public LatencySummary {
        buckets = List.copyOf(buckets);
    }

    public static LatencySummary of(Histogram h) {
        if (h.getTotalCount() == 0) {
            return new LatencySummary(0, 0, 0, 0, 0, 0, List.of());
        }
        return new LatencySummary(h.getTotalCount(), ms(h.getValueAtPercentile(50)), ms(h.getValueAtPercentile(95)),
                ms(h.getValueAtPercentile(99)), ms(h.getMaxValue()), h.getMean() / 1000.0, buckets(h));
    }

    /** Buckets doubling from 0.125 ms up to the slowest answer: readable over four orders of magnitude. */
    private static List<Bucket> buckets(Histogram h) {
        List<Bucket> out = new ArrayList<>();
        long bound = 125; // µs
        long max = h.getMaxValue();
        long below = 0;
        while (true) {
            long upTo = h.getCountBetweenValues(0, bound);
            out.add(new Bucket(bound / 1000.0, upTo - below));
            below = upTo;
            if (bound >= max || out.size() >= 40) {
                break;
            }
            bound *= 2;
        }
        // Keep the chart from starting with a run of empty buckets.
        int first = 0;
        while (first < out.size() - 1 && out.get(first).count() == 0) {
            first++;
        }
        return out.subList(Math.max(0, first - 1), out.size());
    }

    private static double ms(long micros) {
        return micros / 1000.0;
    }

}
