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

/**
 * The gate decides as soon as its verdict is certain, through the CLI against real local servers: cases before load,
 * no load after a failed case, a load run that stops once its thresholds cannot be met, and in-flight requests
 * cancelled rather than waited out. With the example's settings (5 s request timeout, 200 load requests at
 * concurrency 4) a hanging target used to take about 300 s.
 */
class GateDecidesFastTest {
    /** The example service's gate settings. */
    static final String SMOKE = """
            smoke:
              cases: smoke/cases.yaml
              requestTimeout: 5s
              load: {requests: 200, concurrency: 4, warmup: 20}
              thresholds:
                p95: 300ms
                p99: 1s
                errorRate: 0.01
            """;
    /** The bound the issue gives; the gate needs about one request timeout here, so this leaves room on a busy agent. */
    static final long BOUND_MS = 30_000;

    @TempDir
    Path tmp;

    Path spec(String smoke) throws Exception {
        Path repo = SpecFixtures.repoIn(tmp.resolve("repo"));
        String text = SpecFixtures.validSpec();
        assertThat(text).contains(SmokeCommandTest.FIXTURE_SMOKE);
        Files.writeString(repo.resolve("smoke/cases.yaml"), SmokeGateTest.CASES);
        return SpecFixtures.write(repo, "mlship.yaml", text.replace(SmokeCommandTest.FIXTURE_SMOKE, smoke));
    }

    CliRun smoke(Path spec, String target, String... extra) {
        List<String> args = new ArrayList<>(List.of("smoke", "--spec", spec.toString(), "--env", "staging",
                "--result-dir", tmp.resolve("out").toString(), "--target", target));
        args.addAll(List.of(extra));
        return CliRun.of(tmp.resolve("out"), args.toArray(String[]::new));
    }

    @Test
    @Timeout(120)
    void serverThatNeverAnswersFailsTheGateWithin30Seconds() throws Exception {
        Path spec = spec(SMOKE);
        try (FakeService.Hanging service = new FakeService.Hanging()) {
            long start = System.nanoTime();
            CliRun run = smoke(spec, service.uri().toString());
            long tookMs = (System.nanoTime() - start) / 1_000_000;

            assertThat(run.exitCode()).as(run.err()).isEqualTo(1);
            assertThat(tookMs).as("the verdict of a gate against a hanging target").isLessThan(BOUND_MS);
            JsonNode r = run.result("smoke");
            assertThat(r.path("verdict").asText()).isEqualTo("failed");
            assertThat(r.path("cases").path("failed").asInt()).isEqualTo(1);
            assertThat(r.path("cases").path("notSent").asInt()).isEqualTo(1);
            assertThat(r.path("load").path("skipped").asText()).contains("1 of 2 cases failed (1 not sent)");
            assertThat(run.err()).contains("got no answer within 5000 ms, so the target hangs")
                    .contains("load: skipped");
            String junit = Files.readString(tmp.resolve("out/smoke-junit.xml"));
            assertThat(junit).contains("failures=\"").doesNotContain("failures=\"0\"")
                    .contains("no answer within 5000 ms").contains("<skipped message=");
        }
    }

    @Test
    @Timeout(120)
    void serverThatAnswersWronglyFailsTheGateWithin30Seconds() throws Exception {
        Path spec = spec(SMOKE);
        try (FakeService service = FakeService.wrong()) {
            long start = System.nanoTime();
            CliRun run = smoke(spec, service.uri().toString());
            long tookMs = (System.nanoTime() - start) / 1_000_000;

            assertThat(run.exitCode()).as(run.err()).isEqualTo(1);
            assertThat(tookMs).isLessThan(BOUND_MS);
            JsonNode r = run.result("smoke");
            assertThat(r.path("cases").path("failed").asInt()).isEqualTo(2);
            assertThat(r.path("load").path("skipped").asText()).contains("2 of 2 cases failed, so");
            assertThat(service.requests()).as("the cases only: no warm-up, no load").isEqualTo(2);
            String junit = Files.readString(tmp.resolve("out/smoke-junit.xml"));
            assertThat(junit).contains("$.items[0].category: expected \"lipstick\"")
                    .contains("<skipped message=\"2 of 2 cases failed");
        }
    }

    @Test
    @Timeout(120)
    void loadRunsAfterFailedCasesWhenAskedAndStopsOnceTheErrorBudgetIsSpent() throws Exception {
        Path spec = spec(SMOKE.replace("warmup: 20", "warmup: 0"));
        try (FakeService service = FakeService.start((n, m, p, b) -> n < 2 ? new FakeService.Answer(200, FakeService.FACE_WASH, 0)
                : new FakeService.Answer(503, "{\"error\":\"overloaded\"}", 0))) {
            CliRun run = smoke(spec, service.uri().toString(), "--load-after-failed-cases");

            assertThat(run.exitCode()).as(run.err()).isEqualTo(1);
            JsonNode load = run.result("smoke").path("load");
            // 0.01 × 200 allows 2 errors: the third decides; the other workers' requests then in flight count for nothing.
            assertThat(load.path("errors").asInt()).isBetween(3, 6);
            assertThat(load.path("requests").asInt()).isLessThan(200);
            assertThat(load.path("planned").asInt()).isEqualTo(200);
            assertThat(load.path("stoppedEarly").asText()).startsWith("error budget spent: 3 errors")
                    .contains("at most 2 of 200 requests");
            assertThat(run.err()).contains("load: stopped early after");
            assertThat(Files.readString(tmp.resolve("out/smoke-junit.xml"))).contains("stopped early after");
            assertThat(Files.readString(tmp.resolve("out/smoke-report.html"))).contains("Load run stopped early");
        }
    }

    @Test
    @Timeout(120)
    void targetThatHangsUnderLoadIsJudgedWithinAboutTwoRequestTimeouts() throws Exception {
        Path spec = spec(SMOKE.replace("5s", "1s").replace("p95: 300ms", "p95: 500ms"));
        // The cases are answered, then every request hangs: the warm-up ends at its first timeout, the measured run at
        // the timeouts of its first requests in flight, and those are cancelled instead of waited out.
        try (FakeService service = FakeService.start((n, m, p, b) -> new FakeService.Answer(200, FakeService.LIPSTICKS,
                n < 2 ? 0 : 60_000))) {
            long start = System.nanoTime();
            CliRun run = smoke(spec.getParent().resolve("mlship.yaml"), service.uri().toString(),
                    "--cases", writeCases());
            long tookMs = (System.nanoTime() - start) / 1_000_000;

            assertThat(run.exitCode()).as(run.err()).isEqualTo(1);
            JsonNode load = run.result("smoke").path("load");
            assertThat(load.path("stoppedEarly").asText()).isNotEmpty();
            assertThat(load.path("requests").asInt()).isLessThan(20);
            assertThat(run.err()).contains("load: warm-up ended early");
            // Two timeouts of 1 s, with room for a loaded machine; the whole run would take 50 s.
            assertThat(tookMs).isLessThan(15_000);
        }
    }

    private String writeCases() throws Exception {
        Path cases = tmp.resolve("passing-cases.yaml");
        Files.writeString(cases, """
                - name: lipstick
                  request: {method: GET, path: "/v1/recommendations?q=lipstick&k=3"}
                  expect: {status: 200}
                - name: again
                  request: {method: GET, path: "/v1/recommendations?q=lipstick&k=3"}
                  expect: {status: 200}
                """);
        return cases.toString();
    }
}
