package io.mlship.smoke;

import io.mlship.smoke.tls.GateTls;
import io.mlship.spec.EnvironmentView;
import io.mlship.spec.ImageDigest;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * One gate run. The target is the service at {@code serviceUrl} (null: unknown yet), or the environment's Vertex AI endpoint when
 * {@code vertex}; with a {@code modelVersion} under test every answer must come from it, and {@code triesPerCase}
 * above 1 re-sends a case until that version answers it (a canary split). With an {@code imageDigest} under test,
 * a service's answer that names another image fails its case. With {@code goldenSkipped} (why), the golden
 * comparison the spec turns on does not run: there is nothing to compare with yet. The reports go to the files named.
 */
public record GateInput(EnvironmentView environment, boolean vertex, URI serviceUrl, Path casesFile, URI baseline,
                        String modelVersion, int triesPerCase, Path junitFile, Path reportFile, Path resultFile,
                        Connection connection, ImageDigest imageDigest, String goldenSkipped) {

    /**
     * How the gate reaches an HTTP(S) service beyond its URL: the TLS files it trusts and shows, whether the load runs
     * after a failed case ({@code loadAfterFailedCases}, over the spec's setting), for a sandbox the address every
     * host name resolves to ({@code hostsAt}, null: DNS), and the headers sent with every request to the target and
     * to the baseline (during a service canary: the route's header, so each reaches the candidate or stable alone).
     */
    public record Connection(GateTls tls, boolean loadAfterFailedCases, InetAddress hostsAt,
                             Map<String, String> targetHeaders, Map<String, String> baselineHeaders) {
        public Connection {
            tls = tls == null ? GateTls.none() : tls;
            targetHeaders = targetHeaders == null ? Map.of() : Map.copyOf(targetHeaders);
            baselineHeaders = baselineHeaders == null ? Map.of() : Map.copyOf(baselineHeaders);
        }

        public Connection(GateTls tls, boolean loadAfterFailedCases, InetAddress hostsAt) {
            this(tls, loadAfterFailedCases, hostsAt, Map.of(), Map.of());
        }

        public static Connection plain() {
            return new Connection(GateTls.none(), false, null);
        }

        /** The same connection, sending {@code target} with the target's requests and {@code baseline} with the baseline's. */
        public Connection withRouteHeaders(Map<String, String> target, Map<String, String> baseline) {
            return new Connection(tls, loadAfterFailedCases, hostsAt, target, baseline);
        }
    }

    public GateInput {
        Objects.requireNonNull(environment, "environment");
        Objects.requireNonNull(casesFile, "casesFile");
        connection = connection == null ? Connection.plain() : connection;
    }

    public GateInput(EnvironmentView environment, boolean vertex, URI serviceUrl, Path casesFile, URI baseline,
                     String modelVersion, int triesPerCase, Path junitFile, Path reportFile, Path resultFile,
                     Connection connection) {
        this(environment, vertex, serviceUrl, casesFile, baseline, modelVersion, triesPerCase, junitFile, reportFile,
                resultFile, connection, null, null);
    }

    public GateInput(EnvironmentView environment, boolean vertex, URI serviceUrl, Path casesFile, URI baseline,
                     String modelVersion, int triesPerCase, Path junitFile, Path reportFile, Path resultFile) {
        this(environment, vertex, serviceUrl, casesFile, baseline, modelVersion, triesPerCase, junitFile, reportFile,
                resultFile, Connection.plain());
    }

    /** The same gate, connecting as {@code c} says. */
    public GateInput withConnection(Connection c) {
        return new GateInput(environment, vertex, serviceUrl, casesFile, baseline, modelVersion, triesPerCase, junitFile,
                reportFile, resultFile, c, imageDigest, goldenSkipped);
    }

    /** The same gate against the service at {@code url} (where the deploy says it answers). */
    public GateInput withServiceUrl(URI url) {
        return new GateInput(environment, false, url, casesFile, baseline, modelVersion, triesPerCase, junitFile,
                reportFile, resultFile, connection, imageDigest, goldenSkipped);
    }

    /** The same gate writing its JUnit XML, report and result file, under the same names, into {@code dir}. */
    public GateInput withFilesIn(Path dir) {
        return new GateInput(environment, vertex, serviceUrl, casesFile, baseline, modelVersion, triesPerCase,
                moved(junitFile, dir), moved(reportFile, dir), moved(resultFile, dir), connection, imageDigest, goldenSkipped);
    }

    private static Path moved(Path file, Path dir) {
        return file == null ? null : dir.resolve(file.getFileName());
    }

    /** The same gate comparing its answers with those of {@code url} (null: no comparison). */
    public GateInput withBaseline(URI url) {
        return new GateInput(environment, vertex, serviceUrl, casesFile, url, modelVersion, triesPerCase, junitFile,
                reportFile, resultFile, connection, imageDigest, goldenSkipped);
    }

    /** The same gate with {@code version} under test (the one just promoted). */
    public GateInput withModelVersion(String version) {
        return new GateInput(environment, vertex, serviceUrl, casesFile, baseline, version, triesPerCase, junitFile,
                reportFile, resultFile, connection, imageDigest, goldenSkipped);
    }

    /** The same gate with the image {@code digest} under test (the one the deploy rolled out). */
    public GateInput withImageDigest(ImageDigest digest) {
        return new GateInput(environment, vertex, serviceUrl, casesFile, baseline, modelVersion, triesPerCase, junitFile,
                reportFile, resultFile, connection, digest, goldenSkipped);
    }

    /** The same gate without the golden comparison, for the reason given (said on the console). */
    public GateInput withoutGolden(String why) {
        return new GateInput(environment, vertex, serviceUrl, casesFile, baseline, modelVersion, triesPerCase, junitFile,
                reportFile, resultFile, connection, imageDigest, why);
    }
}
