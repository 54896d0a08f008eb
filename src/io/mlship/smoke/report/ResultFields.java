package io.mlship.smoke.report;

import io.mlship.smoke.CaseResult;
import io.mlship.smoke.GateResult;
import io.mlship.smoke.ThresholdCheck;
import io.mlship.smoke.expect.Mismatch;
import io.mlship.smoke.golden.GoldenDiff;
import io.mlship.smoke.load.LatencySummary;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The gate's part of {@code smoke.json}: verdict, every failed expectation, latency, thresholds, golden. */
public final class ResultFields {
    private ResultFields() {
    }

    public static void put(GateResult g, Map<String, Object> result) {
        result.put("verdict", g.verdict());
        result.put("target", g.target());
        Map<String, Object> counts = new LinkedHashMap<>();
        counts.put("total", g.cases().size());
        counts.put("passed", g.cases().size() - g.failedCases() - g.casesNotSent());
        counts.put("failed", g.failedCases());
        counts.put("notSent", g.casesNotSent());
        result.put("cases", counts);
        List<Map<String, Object>> failures = new ArrayList<>();
        for (CaseResult c : g.cases()) {
            for (Mismatch m : c.mismatches()) {
                Map<String, Object> f = new LinkedHashMap<>();
                f.put("case", c.smokeCase().name());
                f.put("path", m.path());
                f.put("expected", m.expected());
                f.put("actual", m.actual());
                failures.add(f);
            }
        }
        for (ThresholdCheck t : g.thresholds()) {
            if (!t.passed()) {
                failures.add(failure("(load)", t.name(), t.limit(), t.actual()));
            }
        }
        if (g.load() != null && g.load().stoppedEarly() != null) {
            failures.add(failure("(load)", "load run", g.load().planned() + " requests",
                    "stopped early after " + g.load().requests() + ": " + g.load().stoppedEarly()));
        }
        if (g.golden() != null && !g.golden().passed()) {
            failures.add(failure("(golden)", "diffRatio", "<= " + g.golden().maxDiffRatio(),
                    g.golden().differing() + " of " + g.golden().compared() + " answers differ"));
        }
        result.put("failures", failures);
        result.put("latency", latency(g.latency(), g.latencySource()));
        if (g.load() != null) {
            Map<String, Object> load = new LinkedHashMap<>();
            load.put("requests", g.load().requests());
            load.put("errors", g.load().errors());
            load.put("errorRate", g.load().errorRate());
            load.put("throughput", round(g.load().throughput()));
            load.put("durationMs", g.load().wallNanos() / 1_000_000);
            load.put("errorReasons", g.load().errorReasons());
            if (g.load().planned() != null) {
                load.put("planned", g.load().planned());
            }
            if (g.load().stoppedEarly() != null) {
                load.put("stoppedEarly", g.load().stoppedEarly());
            }
            result.put("load", load);
        } else if (g.loadSkipped() != null) {
            result.put("load", Map.of("skipped", g.loadSkipped()));
        }
        List<Map<String, Object>> thresholds = new ArrayList<>();
        for (ThresholdCheck t : g.thresholds()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", t.name());
            m.put("limit", t.limit());
            m.put("actual", t.actual());
            m.put("passed", t.passed());
            thresholds.add(m);
        }
        result.put("thresholds", thresholds);
        if (g.golden() != null) {
            Map<String, Object> golden = new LinkedHashMap<>();
            golden.put("baseline", g.golden().baseline());
            golden.put("compared", g.golden().compared());
            golden.put("differing", g.golden().differing());
            golden.put("diffRatio", g.golden().diffRatio());
            golden.put("maxDiffRatio", g.golden().maxDiffRatio());
            golden.put("passed", g.golden().passed());
            List<Map<String, Object>> diffs = new ArrayList<>();
            for (GoldenDiff d : g.golden().differences()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("case", d.caseName());
                m.put("path", d.path());
                m.put("baseline", d.baseline());
                m.put("candidate", d.candidate());
                diffs.add(m);
            }
            golden.put("differences", diffs);
            result.put("golden", golden);
        }
    }

    private static Map<String, Object> failure(String kase, String path, String expected, String actual) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("case", kase);
        f.put("path", path);
        f.put("expected", expected);
        f.put("actual", actual);
        return f;
    }

    private static Map<String, Object> latency(LatencySummary l, String source) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("source", source);
        m.put("count", l.count());
        m.put("p50Ms", l.p50Ms());
        m.put("p95Ms", l.p95Ms());
        m.put("p99Ms", l.p99Ms());
        m.put("maxMs", l.maxMs());
        m.put("meanMs", round(l.meanMs()));
        // The histogram's bars, so reports made from the result (the release report) can draw it too.
        m.put("buckets", l.buckets().stream().map(b -> Map.<String, Object>of("upToMs", b.upToMs(), "count", b.count())).toList());
        return m;
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
