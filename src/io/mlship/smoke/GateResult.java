package io.mlship.smoke;

import io.mlship.smoke.golden.GoldenResult;
import io.mlship.smoke.load.LatencySummary;
import io.mlship.smoke.load.LoadResult;
import java.util.List;

/**
 * The outcome of a gate run. Latency figures come from the load run when there was one, else from the cases'
 * own requests ({@code latencySource} says which). {@code load} and {@code golden} are null when not run;
 * {@code loadSkipped} says why a planned load run was not run (a case had already failed), null otherwise.
 */
public record GateResult(String target, List<CaseResult> cases, LatencySummary latency, String latencySource,
                         LoadResult load, List<ThresholdCheck> thresholds, GoldenResult golden, String loadSkipped) {

    public GateResult {
        cases = List.copyOf(cases);
        thresholds = List.copyOf(thresholds);
    }

    public GateResult(String target, List<CaseResult> cases, LatencySummary latency, String latencySource,
                      LoadResult load, List<ThresholdCheck> thresholds, GoldenResult golden) {
        this(target, cases, latency, latencySource, load, thresholds, golden, null);
    }

    public boolean passed() {
        return cases.stream().allMatch(CaseResult::passed)
                && thresholds.stream().allMatch(ThresholdCheck::passed)
                && (golden == null || golden.passed())
                && (load == null || load.stoppedEarly() == null);
    }

    public String verdict() {
        return passed() ? "passed" : "failed";
    }

    public long failedCases() {
        return cases.stream().filter(CaseResult::failed).count();
    }

    public long casesNotSent() {
        return cases.stream().filter(c -> c.notSent() != null).count();
    }
}
