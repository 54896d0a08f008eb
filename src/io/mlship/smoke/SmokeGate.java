package io.mlship.smoke;

import io.mlship.progress.Progress;
import io.mlship.smoke.cases.SmokeCase;
import io.mlship.smoke.expect.Expectation;
import io.mlship.smoke.expect.Mismatch;
import io.mlship.smoke.golden.GoldenComparison;
import io.mlship.smoke.golden.GoldenResult;
import io.mlship.smoke.load.EarlyStop;
import io.mlship.smoke.load.LatencySummary;
import io.mlship.smoke.load.LoadResult;
import io.mlship.smoke.load.LoadRunner;
import io.mlship.smoke.targets.HttpTarget;
import io.mlship.smoke.targets.Response;
import io.mlship.smoke.targets.Target;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * Runs a gate: every case once against the target, then the load run, then the golden comparison against the
 * baseline; checks the thresholds and gives the verdict. It never throws for what the target does — a target
 * that is down, wrong or slow makes a failed verdict.
 *
 * <p>It decides as soon as the verdict is certain: a case that waited out its whole timeout means the target
 * hangs, so the remaining cases are not sent; a failed case skips the load run (unless the plan asks for it
 * anyway); and the load run stops once its thresholds can no longer be met ({@link EarlyStop}).
 *
 * <p>With an image under test it first waits for the route to deliver to it ({@link RouteSettle}), and each answer
 * that names an image must name that one.
 */
public final class SmokeGate {
    private final Progress progress;
    private final RouteSettle settle;

    public SmokeGate(Progress progress) {
        this(progress, Duration.ofSeconds(30));
    }

    /** {@code settleBudget}: how long a gate with an image under test waits for the route to deliver to it. */
    public SmokeGate(Progress progress, Duration settleBudget) {
        this.progress = progress;
        this.settle = new RouteSettle(progress, settleBudget, Duration.ofMillis(250));
    }

    /** The counts of {@code now} less those already in {@code before}. */
    private static Map<String, Long> since(Map<String, Long> before, Map<String, Long> now) {
        Map<String, Long> out = new java.util.TreeMap<>();
        now.forEach((k, v) -> {
            long n = v - before.getOrDefault(k, 0L);
            if (n > 0) {
                out.put(k, n);
            }
        });
        return out;
    }

    public GateResult run(GatePlan plan, Target target, Target baseline) throws InterruptedException {
        progress.step(plan.cases().size() + " cases against " + target.describe());
        Map<String, Long> beforeCases = Map.of();
        if (plan.expectedImageDigest() != null && !plan.cases().isEmpty()) {
            settle.await(target, plan.cases().get(0).request(), plan.expectedImageDigest(), plan.requestTimeout());
            beforeCases = target.imageDigests(); // what answered while the route settled is not judged
        }
        long highest = Math.max(2_000, plan.requestTimeout().toNanos() / 1000 * 2);
        Histogram caseLatency = new Histogram(1, highest, 3);
        List<CaseResult> results = new ArrayList<>();
        String hanging = null;
        for (SmokeCase c : plan.cases()) {
            if (hanging != null) {
                results.add(CaseResult.notSent(c, hanging));
                continue;
            }
            CaseResult result = runCase(plan, target, c);
            results.add(result);
            caseLatency.recordValue(Math.min(highest, Math.max(1, result.response().latencyNanos() / 1000)));
            progress.step("  " + (result.passed() ? "ok    " : "FAILED") + " " + c.name()
                    + (result.passed() ? "" : ": " + describe(result.mismatches().get(0))));
            if (timedOut(result.response(), plan)) {
                // A target that let a case wait out its whole timeout would make every further case wait as long.
                hanging = "case '" + c.name() + "' got no answer within " + plan.requestTimeout().toMillis()
                        + " ms, so the target hangs and the verdict is certain";
                if (results.size() < plan.cases().size()) {
                    progress.step("  the remaining cases are not sent: " + hanging);
                }
            }
        }
        LoadResult load = null;
        String loadSkipped = null;
        long failed = results.stream().filter(CaseResult::failed).count();
        long notSent = results.stream().filter(r -> r.notSent() != null).count();
        if (plan.load() != null && failed > 0 && !plan.load().afterFailedCases()) {
            loadSkipped = failed + " of " + results.size() + " cases failed" + (notSent > 0 ? " (" + notSent + " not sent)" : "")
                    + ", so the verdict is certain (smoke.load.afterFailedCases: true or --load-after-failed-cases runs it anyway)";
            progress.step("load: skipped: " + loadSkipped);
        } else if (plan.load() != null) {
            Thresholds t = plan.thresholds();
            load = new LoadRunner(progress).run(target, plan.cases(), plan.load(), plan.requestTimeout(),
                    EarlyStop.of(plan.load().requests(), t.errorRate(), t.p50(), t.p95(), t.p99()));
        }
        LatencySummary latency = LatencySummary.of(load != null ? load.histogram() : caseLatency);
        List<ThresholdCheck> checks = thresholds(plan.thresholds(), latency, load, results, loadSkipped != null);
        ThresholdCheck versions = plan.canary() ? canaryVersions(plan.expectedModelVersion(), target.modelVersions())
                : allFrom("modelVersionId", "version ", plan.expectedModelVersion(), target.modelVersions());
        if (versions != null) {
            checks.add(versions);
            progress.step("answers by model version: " + versions.actual()
                    + (versions.passed() ? "" : " — expected " + versions.limit()));
        }
        ThresholdCheck images = allFrom("imageDigest", "", plan.expectedImageDigest(), since(beforeCases, target.imageDigests()));
        if (images != null) {
            checks.add(images);
            progress.step("answers by image: " + images.actual() + (images.passed() ? "" : " — expected " + images.limit()));
        } else if (plan.expectedImageDigest() != null) {
            progress.step("the service names no image in its answers (" + HttpTarget.IMAGE_DIGEST_HEADER + " from "
                    + "MLSHIP_IMAGE_DIGEST): which version answered is not checked");
        }
        GoldenResult golden = null;
        if (plan.golden() != null && baseline != null) {
            progress.step("golden: comparing " + plan.cases().size() + " answers with " + baseline.describe());
            golden = new GoldenComparison(plan.golden()).run(plan.cases(), baseline, target);
            progress.step(String.format(Locale.ROOT, "golden: %d of %d answers differ (%.1f%%, at most %.1f%% allowed)",
                    golden.differing(), golden.compared(), golden.diffRatio() * 100, golden.maxDiffRatio() * 100));
        }
        GateResult result = new GateResult(target.describe(), results, latency, load != null ? "load" : "cases", load,
                checks, golden, loadSkipped);
        progress.step("verdict: " + result.verdict());
        return result;
    }

    /** One case; in a canary split it is asked again until the version under test answers. */
    private CaseResult runCase(GatePlan plan, Target target, SmokeCase c) {
        Response r = target.send(c.request());
        int tries = 1;
        // A canary split: only the version under test's answers are checked, so ask again until it answers.
        while (plan.canary() && r.answered() && !plan.expectedModelVersion().equals(r.modelVersionId())
                && tries < plan.triesPerCase()) {
            r = target.send(c.request());
            tries++;
        }
        if (tries > 1) {
            progress.step("  (" + c.name() + ": sent " + tries + " times until version "
                    + plan.expectedModelVersion() + (plan.expectedModelVersion().equals(r.modelVersionId()) ? " answered)" : " — it never answered)"));
        }
        List<Mismatch> mismatches = new ArrayList<>(check(c, r, plan.expectedModelVersion()));
        if (plan.expectedImageDigest() != null && r.imageDigest() != null && !plan.expectedImageDigest().equals(r.imageDigest())) {
            // Another version answered (stable behind a route, an old pod): its answer says nothing of this one.
            mismatches.add(new Mismatch("imageDigest", plan.expectedImageDigest(), r.imageDigest()));
        }
        return new CaseResult(c, r, mismatches);
    }

    /** No answer at all after the whole request timeout: the target hangs (refused or reset answer at once). */
    private static boolean timedOut(Response r, GatePlan plan) {
        return !r.answered() && r.latencyNanos() >= plan.requestTimeout().toNanos() - Duration.ofMillis(50).toNanos();
    }

    /** "version 1: 3 of 4, version 2: 1 of 4": how many answers each came from, for a check's actual value. */
    private static String counts(Map<String, Long> served, String prefix) {
        long total = served.values().stream().mapToLong(Long::longValue).sum();
        StringBuilder seen = new StringBuilder();
        served.forEach((who, count) -> seen.append(seen.length() == 0 ? "" : ", ")
                .append(prefix).append(who).append(": ").append(count).append(" of ").append(total));
        return seen.toString();
    }

    /**
     * Whether every answer, cases and load run, that said where it came from (a Vertex AI model version, or the image
     * a service echoes) came from the one under test; null when nothing is under test or no answer said.
     */
    static ThresholdCheck allFrom(String name, String prefix, String expected, Map<String, Long> served) {
        if (expected == null || served.isEmpty()) {
            return null;
        }
        return new ThresholdCheck(name, "all answers from " + prefix + expected, counts(served, prefix),
                served.keySet().equals(java.util.Set.of(expected)));
    }

    /** In a canary split the version under test must be among the answers; the others served their share. */
    static ThresholdCheck canaryVersions(String expected, Map<String, Long> served) {
        if (expected == null || served.isEmpty()) {
            return null;
        }
        String seen = counts(served, "version ");
        return new ThresholdCheck("modelVersionId", "version " + expected + " among the answers (canary split)",
                seen, served.getOrDefault(expected, 0L) > 0);
    }

    static List<Mismatch> check(SmokeCase c, Response r, String expectedModelVersion) {
        if (!r.answered()) {
            return List.of(new Mismatch("(answer)", "an answer", "no answer: " + r.transportError()));
        }
        List<Mismatch> out = new ArrayList<>();
        for (Expectation e : c.expectations()) {
            out.addAll(e.check(r));
        }
        if (expectedModelVersion != null && !expectedModelVersion.equals(r.modelVersionId())) {
            out.add(new Mismatch("modelVersionId", expectedModelVersion, String.valueOf(r.modelVersionId())));
        }
        return out;
    }

    private static List<ThresholdCheck> thresholds(Thresholds t, LatencySummary latency, LoadResult load, List<CaseResult> cases,
                                                   boolean loadSkipped) {
        List<ThresholdCheck> out = new ArrayList<>();
        percentile(out, "p50", t.p50(), latency.p50Ms());
        percentile(out, "p95", t.p95(), latency.p95Ms());
        percentile(out, "p99", t.p99(), latency.p99Ms());
        if (t.errorRate() != null) {
            double rate = load != null ? load.errorRate()
                    : errorRateOfCases(cases);
            out.add(new ThresholdCheck("errorRate", "<= " + fmt(t.errorRate()), fmt(rate), rate <= t.errorRate()));
        }
        if (t.minThroughput() != null && !loadSkipped) { // not measured: the skipped run says why
            double rps = load == null ? 0 : load.throughput();
            out.add(new ThresholdCheck("throughput", ">= " + fmt(t.minThroughput()) + " req/s", fmt(rps) + " req/s",
                    rps >= t.minThroughput()));
        }
        return out;
    }

    /** Of the cases that were sent, the share without an answer or with another status than expected. */
    private static double errorRateOfCases(List<CaseResult> cases) {
        List<CaseResult> sent = cases.stream().filter(c -> c.notSent() == null).toList();
        return sent.isEmpty() ? 0 : (double) sent.stream().filter(c -> !c.response().answered()
                || c.response().status() != c.smokeCase().expectedStatus()).count() / sent.size();
    }

    private static void percentile(List<ThresholdCheck> out, String name, Duration limit, double actualMs) {
        if (limit != null) {
            out.add(new ThresholdCheck(name, "<= " + limit.toMillis() + " ms", fmt(actualMs) + " ms", actualMs <= limit.toMillis()));
        }
    }

    static String fmt(double v) {
        return String.format(Locale.ROOT, "%.3f", v).replaceAll("0+$", "").replaceAll("\\.$", "");
    }

    static String describe(Mismatch m) {
        return m.path() + ": expected " + m.expected() + ", got " + m.actual();
    }
}
