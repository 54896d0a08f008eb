package io.mlship.spec;

import io.mlship.result.MlshipException;
import java.nio.file.Path;
import java.util.List;

/** The gate: smoke cases, a load run and thresholds that decide whether a release goes on. */
public record SmokeSpec(String cases, String predictionCases, List<String> targets, String requestTimeout, Load load, Thresholds thresholds,
                        Golden golden, Tls tls) {

    public SmokeSpec {
        targets = Lists.copy(targets);
    }

    /** The cases for one target: the endpoint's own when given, else the shared ones. */
    public String casesFor(boolean vertex) {
        return vertex && predictionCases != null ? predictionCases : cases;
    }

    /** The cases file given on the command line, else the spec's for the target resolved against {@code repoRoot}. */
    public Path casesFile(Path given, boolean vertex, Path repoRoot) {
        if (given != null) {
            return given;
        }
        if (casesFor(vertex) == null) {
            throw MlshipException.badInput("no cases: smoke.cases is not set and --cases was not given",
                    "write a cases file (YAML or JSON Lines) and name it in smoke.cases");
        }
        return repoRoot.resolve(casesFor(vertex)).normalize();
    }

    /** {@code afterFailedCases}: run the load even when a case failed (by default the failed case decides). */
    public record Load(Integer requests, String duration, int concurrency, int warmup, boolean afterFailedCases) {
    }

    /**
     * How the gate's HTTPS client trusts the service: {@code caFile}, a PEM bundle added to the JVM's default trust
     * (an internal CA); {@code certFile} and {@code keyFile}, a PEM client certificate and its key for mutual TLS.
     * Paths are relative to the repository root.
     */
    public record Tls(String caFile, String certFile, String keyFile) {
    }

    public record Thresholds(String p50, String p95, String p99, Double errorRate, Double minThroughput) {
    }

    /** {@code ignore}: JSONPaths left out of the comparison (a model's version differs on purpose). */
    public record Golden(boolean enabled, double maxDiffRatio, double absoluteTolerance, double relativeTolerance,
                         List<String> ignore) {
        public Golden {
            ignore = Lists.copy(ignore);
        }
    }
}
