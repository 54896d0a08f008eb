package io.mlship.smoke;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mlship.cli.CliRun;
import io.mlship.spec.SpecFixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code mlship smoke} end to end in-process: exit codes, result file, outputs, and bad input before any request. */
class SmokeCommandTest {
    static final String FIXTURE_SMOKE = """
            smoke:
              cases: smoke/cases.yaml
              targets: [service, vertex]
              thresholds:
                p95: 300ms
                p99: 1s
            """;
    static final String SMOKE = """
            smoke:
              cases: smoke/cases.yaml
              requestTimeout: 2s
              load: {requests: 30, concurrency: 2, warmup: 2}
              thresholds:
                p95: 1s
                errorRate: 0.01
                minThroughput: 1
              golden:
                ignore: [$.model]
            """;

    @TempDir
    Path tmp;

    Path spec(String smoke, String cases) throws Exception {
        Path repo = SpecFixtures.repoIn(tmp.resolve("repo"));
        String text = SpecFixtures.validSpec();
        assertThat(text).contains(FIXTURE_SMOKE);
        Files.writeString(repo.resolve("smoke/cases.yaml"), cases);
        return SpecFixtures.write(repo, "mlship.yaml", text.replace(FIXTURE_SMOKE, smoke));
    }

    CliRun smoke(Path spec, String... extra) {
        List<String> args = new ArrayList<>(List.of("smoke", "--spec", spec.toString(), "--env", "staging",
                "--result-dir", tmp.resolve("out").toString()));
        args.addAll(List.of(extra));
        return CliRun.of(tmp.resolve("out"), args.toArray(String[]::new));
    }

    @Test
    void passingGateExitsZeroAndWritesResultJunitAndReport() throws Exception {
        try (FakeService service = FakeService.right()) {
            CliRun run = smoke(spec(SMOKE, SmokeGateTest.CASES), "--target", service.uri().toString());

            assertThat(run.exitCode()).as(run.err()).isZero();
            JsonNode r = run.result("smoke");
            assertThat(r.path("verdict").asText()).isEqualTo("passed");
            assertThat(r.path("cases").path("total").asInt()).isEqualTo(2);
            assertThat(r.path("failures")).isEmpty();
            assertThat(r.path("latency").path("count").asInt()).isEqualTo(30);
            assertThat(r.path("thresholds")).hasSize(3);
            assertThat(Path.of(r.path("junitFile").asText())).isEqualTo(tmp.resolve("out/smoke-junit.xml")).exists();
            assertThat(Path.of(r.path("reportFile").asText())).isEqualTo(tmp.resolve("out/smoke-report.html")).exists();
            assertThat(run.err()).contains("[mlship smoke] verdict: passed");
        }
    }

    @Test
    void failedGateExitsOneWithEveryFailedExpectation() throws Exception {
        try (FakeService service = FakeService.wrong()) {
            Path junit = tmp.resolve("reports/junit.xml");
            Path report = tmp.resolve("reports/smoke.html");
            CliRun run = smoke(spec(SMOKE, SmokeGateTest.CASES), "--target", service.uri().toString(),
                    "--junit", junit.toString(), "--report", report.toString());

            assertThat(run.exitCode()).as(run.err()).isEqualTo(1);
            JsonNode r = run.result("smoke");
            assertThat(r.path("verdict").asText()).isEqualTo("failed");
            assertThat(r.path("errorDetails").path("category").asText()).isEqualTo("gateFailed");
            assertThat(r.path("errorDetails").path("message").asText())
                    .startsWith("smoke gate failed against " + service.uri() + ": 2 of 2 cases failed");
            assertThat(r.path("failures").get(0).path("case").asText()).isEqualTo("lipstick returns lipsticks");
            assertThat(r.path("failures")).anySatisfy(f -> {
                assertThat(f.path("path").asText()).isEqualTo("$.items[0].category");
                assertThat(f.path("expected").asText()).isEqualTo("\"lipstick\"");
                assertThat(f.path("actual").asText()).isEqualTo("\"face wash\" (id P0018)");
            });
            assertThat(junit).exists();
            assertThat(report).exists();
        }
    }

    @Test
    void goldenComparisonWithBaseline() throws Exception {
        try (FakeService prod = FakeService.right(); FakeService candidate = FakeService.wrong()) {
            CliRun run = smoke(spec("""
                    smoke:
                      cases: smoke/cases.yaml
                      golden: {maxDiffRatio: 0.5, ignore: [$.model]}
                    """, """
                    - name: plain
                      request: {method: GET, path: /v1/recommendations}
                    """), "--target", candidate.uri().toString(), "--baseline", prod.uri().toString());

            assertThat(run.exitCode()).as(run.err()).isEqualTo(1);
            JsonNode golden = run.result("smoke").path("golden");
            assertThat(golden.path("differing").asInt()).isEqualTo(1);
            assertThat(golden.path("passed").asBoolean()).isFalse();
            assertThat(golden.path("differences").get(0).path("path").asText()).isEqualTo("$.items[0].category");
        }
    }

    @Test
    @Timeout(60)
    void hangingTargetFailsTheGateWithinItsTimeouts() throws Exception {
        try (FakeService.Hanging service = new FakeService.Hanging()) {
            long start = System.nanoTime();
            CliRun run = smoke(spec(SMOKE.replace("2s", "300ms").replace("p95: 1s", "p95: 250ms"), SmokeGateTest.CASES),
                    "--target", service.uri().toString());

            assertThat(run.exitCode()).as(run.err()).isEqualTo(1);
            // The first case waits out its 300 ms; the second is not sent and the load run is skipped.
            assertThat(run.result("smoke").path("cases").path("notSent").asInt()).isEqualTo(1);
            assertThat(run.result("smoke").path("load").path("skipped").asText()).startsWith("1 of 2 cases failed");
            assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(20_000);
        }
    }

    @Test
    void malformedCasesFileIsBadInputBeforeAnyRequest() throws Exception {
        try (FakeService service = FakeService.right()) {
            CliRun run = smoke(spec(SMOKE, "- name: a\n  request: {path: /a}\n- name: b\n  request: [path: /b\n"),
                    "--target", service.uri().toString());

            assertThat(run.exitCode()).isEqualTo(2);
            assertThat(run.err()).containsPattern("cases\\.yaml:[45]: not valid YAML");
            assertThat(service.requests()).isZero();
        }
    }

    @Test
    void badJsonPathIsBadInputBeforeAnyRequest() throws Exception {
        try (FakeService service = FakeService.right()) {
            CliRun run = smoke(spec(SMOKE, """
                    - name: a
                      request: {path: /a}
                      expect:
                        json: [{path: "$.items[?(@.x ==", length: 1}]
                    """), "--target", service.uri().toString());

            assertThat(run.exitCode()).isEqualTo(2);
            assertThat(run.err()).contains("cases.yaml:4: case 'a'.expect.json[0].path: '$.items[?(@.x ==' is not a valid JSONPath");
            JsonNode problem = run.result("smoke").path("errorDetails").path("problems").get(0);
            assertThat(problem.path("line").asInt()).isEqualTo(4);
            assertThat(service.requests()).isZero();
        }
    }

    @Test
    void anImageDigestIsTheServicesSoItIsBadInputForTheEndpointOrWhenMalformed() throws Exception {
        try (FakeService service = FakeService.right()) {
            Path spec = spec(SMOKE, SmokeGateTest.CASES);
            CliRun endpoint = smoke(spec, "--target", "vertex", "--image-digest", "sha256:" + "a".repeat(64));
            assertThat(endpoint.exitCode()).isEqualTo(2);
            assertThat(endpoint.err()).contains("--image-digest is the service's image").contains("--model-version-id");

            CliRun malformed = smoke(spec, "--target", service.uri().toString(), "--image-digest", "latest");
            assertThat(malformed.exitCode()).isEqualTo(2);
            assertThat(malformed.err()).contains("--image-digest");
            assertThat(service.requests()).isZero();
        }
    }

    @Test
    void impossibleThresholdsAreBadInputBeforeAnyRequest() throws Exception {
        try (FakeService service = FakeService.right()) {
            String target = service.uri().toString();
            CliRun zero = smoke(spec(SMOKE.replace("p95: 1s", "p95: 0ms"), SmokeGateTest.CASES), "--target", target);
            assertThat(zero.exitCode()).isEqualTo(2);
            assertThat(zero.err()).contains("smoke.thresholds.p95 is 0ms");

            CliRun inverted = smoke(spec(SMOKE.replace("p95: 1s", "p95: 1s\n    p99: 500ms"), SmokeGateTest.CASES), "--target", target);
            assertThat(inverted.exitCode()).isEqualTo(2);
            assertThat(inverted.err()).contains("p95 1s is above p99 500ms");

            CliRun noLoad = smoke(spec(SMOKE.replace("  load: {requests: 30, concurrency: 2, warmup: 2}\n", ""), SmokeGateTest.CASES),
                    "--target", target);
            assertThat(noLoad.exitCode()).isEqualTo(2);
            assertThat(noLoad.err()).contains("minThroughput needs a load run");

            CliRun goldenWithoutBaseline = smoke(spec(SMOKE.replace("  golden:\n", "  golden:\n    enabled: true\n"), SmokeGateTest.CASES),
                    "--target", target);
            assertThat(goldenWithoutBaseline.exitCode()).isEqualTo(2);
            assertThat(goldenWithoutBaseline.err()).contains("no --baseline");
            assertThat(service.requests()).isZero();
        }
    }

    @Test
    void targetsThatCannotBeUsedAreBadInput() throws Exception {
        Path spec = spec(SMOKE, SmokeGateTest.CASES);
        CliRun ftp = smoke(spec, "--target", "ftp://example.com");
        assertThat(ftp.exitCode()).isEqualTo(2);
        assertThat(ftp.err()).contains("--target 'ftp://example.com' is not an http(s) URL");

        CliRun vertexHttpCases = smoke(spec, "--target", "vertex");
        assertThat(vertexHttpCases.exitCode()).isEqualTo(2);
        assertThat(vertexHttpCases.err()).contains("these cases are HTTP calls: lipstick returns lipsticks");

        Path predictOnly = spec(SMOKE, """
                - name: p
                  request: {instances: [{query: lipstick}]}
                """);
        // Nothing is sent when the sandbox named is not running.
        CliRun noSandbox = smoke(predictOnly, "--target", "vertex", "--sandbox", tmp.resolve("no-sandbox").toString());
        assertThat(noSandbox.exitCode()).isEqualTo(3);
        assertThat(noSandbox.err()).contains("no sandbox running in").contains("mlship sandbox up --state");

        CliRun missingCases = smoke(spec, "--cases", tmp.resolve("nope.yaml").toString(), "--target", "http://127.0.0.1:1");
        assertThat(missingCases.exitCode()).isEqualTo(2);
        assertThat(missingCases.err()).contains("nope.yaml does not exist");
    }
}
