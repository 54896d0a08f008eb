package io.mlship.smoke;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.mlship.cli.ConsoleProgress;
import io.mlship.smoke.cases.CasesLoader;
import io.mlship.smoke.cases.SmokeCase;
import io.mlship.smoke.expect.Mismatch;
import io.mlship.smoke.golden.GoldenPlan;
import io.mlship.smoke.load.LoadPlan;
import io.mlship.smoke.targets.HttpTarget;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The gate against local services that answer right, wrong, slow, flaky and not at all. */
class SmokeGateTest {
    static final String CASES = """
            - name: lipstick returns lipsticks
              request: {method: GET, path: "/v1/recommendations?q=lipstick&k=3"}
              expect:
                status: 200
                json:
                  - {path: $.items, length: 3}
                  - {path: "$.items[0].score", equals: 0.9, tolerance: 0.01}
                  - {path: $.model.version, matches: "^v[0-9]+$"}
                ranking:
                  items: $.items
                  top: 3
                  contains: [P0013]
                  all: {category: lipstick}
            - name: prediction
              request:
                instances: [{query: lipstick, k: 3}]
              expect:
                json:
                  - {path: "$.items[*].category", each: true, equals: lipstick}
            """;

    private final ObjectMapper json = new ObjectMapper();
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();

    @TempDir
    Path tmp;

    List<SmokeCase> cases() throws IOException {
        Path file = tmp.resolve("cases.yaml");
        Files.writeString(file, CASES);
        try {
            return new CasesLoader().load(file);
        } catch (io.mlship.result.MlshipException e) {
            throw new AssertionError(e.getMessage() + ": " + e.problems(), e);
        }
    }

    GateResult run(URI uri, GatePlan plan) throws Exception {
        return run(uri, plan, null);
    }

    GateResult run(URI uri, GatePlan plan, URI baseline) throws Exception {
        try (HttpTarget target = http(uri, plan.requestTimeout());
             HttpTarget base = baseline == null ? null : http(baseline, plan.requestTimeout())) {
            return new SmokeGate(ConsoleProgress.forStage(new PrintStream(log, true, StandardCharsets.UTF_8), "smoke")).run(plan, target, base);
        }
    }

    HttpTarget http(URI uri, Duration timeout) {
        return new HttpTarget(uri, "/predict", timeout, json);
    }

    GatePlan plan(LoadPlan load, Thresholds thresholds) throws IOException {
        return new GatePlan(cases(), Duration.ofSeconds(5), load, thresholds, null, null);
    }

    @Test
    void rightServicePasses() throws Exception {
        try (FakeService service = FakeService.right()) {
            GateResult g = run(service.uri(), plan(new LoadPlan(40, null, 4, 5),
                    new Thresholds(null, Duration.ofMillis(500), null, 0.0, 1.0)));

            assertThat(g.passed()).as(log.toString()).isTrue();
            assertThat(g.verdict()).isEqualTo("passed");
            assertThat(g.cases()).hasSize(2).allMatch(CaseResult::passed);
            assertThat(g.load().requests()).isEqualTo(40);
            // 2 cases + 5 warm-up + 40 measured requests reached the service, and no more.
            assertThat(service.requests()).isEqualTo(47);
            assertThat(g.thresholds()).extracting(ThresholdCheck::name).containsExactly("p95", "errorRate", "throughput");
        }
    }

    @Test
    void wrongServiceFailsNamingCasePathExpectedAndActual() throws Exception {
        try (FakeService service = FakeService.wrong()) {
            GateResult g = run(service.uri(), plan(null, null));

            assertThat(g.passed()).isFalse();
            CaseResult lipstick = g.cases().get(0);
            assertThat(lipstick.mismatches()).contains(
                    new Mismatch("$.items[0:3].id", "contains [P0013]", "missing [P0013] in [P0018, P0084, P0038]"),
                    new Mismatch("$.items[0].category", "\"lipstick\"", "\"face wash\" (id P0018)"));
            assertThat(g.cases().get(1).mismatches()).containsExactly(
                    new Mismatch("$.items[*].category (value 1 of 3)", "\"lipstick\"", "\"face wash\""));
        }
    }

    @Test
    void percentilesMatchInjectedDelays() throws Exception {
        // 90 % of requests take 20 ms, 10 % take 150 ms: p50 is a fast one, p95 and p99 slow ones.
        try (FakeService.OneWrite service = FakeService.slow(20, 150)) {
            GateResult g = run(service.uri(), plan(new LoadPlan(200, null, 8, 0),
                    new Thresholds(Duration.ofMillis(100), null, null, null, null)));

            var l = g.latency();
            assertThat(l.count()).isEqualTo(200);
            // Never below the injected delay; above it by what a busy 2-core machine's scheduler adds.
            assertThat(l.p50Ms()).isBetween(20.0, 75.0);
            assertThat(l.p95Ms()).isBetween(150.0, 300.0);
            assertThat(l.p99Ms()).isBetween(150.0, 300.0);
            assertThat(l.maxMs()).isLessThan(600.0);
            // A tenth of the requests is slow: p50 keeps its limit, and the run was never certain to fail.
            assertThat(g.thresholds()).extracting(ThresholdCheck::name, ThresholdCheck::passed)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("p50", true));
            assertThat(g.load().stoppedEarly()).isNull();
            // Throughput follows from the delays: 8 workers, 33 ms a request on average.
            assertThat(g.load().throughput()).isBetween(50.0, 8 * 1000 / 33.0 + 5);
        }
    }

    @Test
    void loadRunStopsOnceAPercentileCanNoLongerBeMet() throws Exception {
        // Every tenth request takes 150 ms: p95 <= 100 ms over 200 requests lets 10 be slower, so the 11th decides.
        try (FakeService.OneWrite service = FakeService.slow(5, 150)) {
            GateResult g = run(service.uri(), plan(new LoadPlan(200, null, 2, 0),
                    new Thresholds(null, Duration.ofMillis(100), null, null, null)));

            assertThat(g.passed()).isFalse();
            assertThat(g.load().stoppedEarly()).startsWith("p95 can no longer be met: 11 requests slower than 100 ms")
                    .endsWith("allows at most 10 of 200");
            assertThat(g.load().requests()).isBetween(100L, 130L);
            assertThat(g.thresholds()).singleElement().satisfies(t -> assertThat(t.passed()).isFalse());
            assertThat(log.toString(StandardCharsets.UTF_8)).contains("load: stopped early after");
        }
    }

    @Test
    void flakyServiceHasItsErrorRateMeasured() throws Exception {
        try (FakeService service = FakeService.flaky(5)) {
            GateResult g = run(service.uri(), plan(new LoadPlan(100, null, 1, 0),
                    new Thresholds(null, null, null, 0.25, null)));

            // Two case requests come first, so the load run sees requests 2..101 of the service: 20 of them fail,
            // within the 25 the threshold allows, so the run goes to its end.
            assertThat(g.load().errors()).isEqualTo(20);
            assertThat(g.load().errorRate()).isCloseTo(0.2, within(1e-9));
            assertThat(g.load().errorReasons()).containsEntry("status 503", 20L);
            assertThat(g.load().stoppedEarly()).isNull();
            assertThat(g.thresholds()).singleElement().satisfies(t -> {
                assertThat(t.passed()).isTrue();
                assertThat(t.actual()).isEqualTo("0.2");
            });
        }
    }

    @Test
    @Timeout(60)
    void targetDyingInTheMiddleOfTheLoadRunFailsTheGateWithItsErrorsCounted() throws Exception {
        java.util.concurrent.atomic.AtomicReference<FakeService> self = new java.util.concurrent.atomic.AtomicReference<>();
        // Request 60 (of 2 cases + 200 load requests) stops the whole server: later requests find nobody listening.
        // Those that got in before it was gone hang until then (the stop interrupts them), so none of them succeeds
        // however late the stopping thread runs.
        FakeService service = FakeService.start((n, m, p, b) -> {
            if (n == 60) {
                new Thread(() -> self.get().close(), "stop-the-target").start();
            }
            return new FakeService.Answer(200, FakeService.LIPSTICKS, n > 60 ? 50_000 : 0);
        });
        self.set(service);
        try {
            GateResult g = run(service.uri(), plan(new LoadPlan(200, null, 2, 0), new Thresholds(null, null, null, 0.01, null)));

            // 0.01 × 200 allows 2 errors: the third ends the run, in-flight requests are cancelled.
            assertThat(g.load().requests()).isBetween(60L, 80L);
            assertThat(g.load().errors()).isGreaterThanOrEqualTo(3);
            assertThat(g.load().stoppedEarly()).startsWith("error budget spent");
            assertThat(g.load().errorReasons().keySet()).isNotEmpty()
                    .noneMatch(reason -> reason.startsWith("status"));
            assertThat(g.thresholds()).singleElement().satisfies(t -> assertThat(t.passed()).isFalse());
            assertThat(g.passed()).isFalse();
            assertThat(log.toString(StandardCharsets.UTF_8)).contains("verdict: failed");
        } finally {
            service.close();
        }
    }

    @Test
    void durationBoundLoadRunStopsOnTime() throws Exception {
        try (FakeService service = FakeService.right()) {
            long start = System.nanoTime();
            GateResult g = run(service.uri(), plan(new LoadPlan(null, Duration.ofMillis(300), 2, 0), null));
            long millis = (System.nanoTime() - start) / 1_000_000;

            assertThat(g.load().requests()).isPositive();
            assertThat(g.load().wallNanos() / 1e6).isBetween(300.0, 1500.0);
            assertThat(millis).isLessThan(5000);
        }
    }

    @Test
    @Timeout(30)
    void hangingServiceFailsTheGateInsteadOfHangingIt() throws Exception {
        try (FakeService.Hanging service = new FakeService.Hanging()) {
            GatePlan plan = new GatePlan(cases(), Duration.ofMillis(300), new LoadPlan(4, null, 2, 0),
                    new Thresholds(null, Duration.ofSeconds(1), null, 0.01, null), null, null);
            long start = System.nanoTime();
            GateResult g = run(service.uri(), plan);
            long millis = (System.nanoTime() - start) / 1_000_000;

            assertThat(g.passed()).isFalse();
            assertThat(g.cases().get(0).mismatches()).containsExactly(
                    new Mismatch("(answer)", "an answer", "no answer: no answer within 300 ms"));
            // The first case waited out its timeout: the target hangs, the verdict is certain, nothing more is sent.
            assertThat(g.cases().get(1).notSent()).contains("got no answer within 300 ms, so the target hangs");
            assertThat(g.load()).isNull();
            assertThat(g.loadSkipped()).startsWith("1 of 2 cases failed (1 not sent)");
            assertThat(service.connections()).isEqualTo(1);
            assertThat(millis).isBetween(250L, 10000L);
        }
    }

    @Test
    @Timeout(30)
    void aBodyThatNeverEndsIsCutOffAtTheTimeoutToo() throws Exception {
        try (FakeService.Hanging service = new FakeService.Hanging(true)) {
            GatePlan plan = new GatePlan(cases(), Duration.ofMillis(300), null, null, null, null);
            long start = System.nanoTime();
            GateResult g = run(service.uri(), plan);

            assertThat(g.cases().get(0).mismatches().get(0).actual()).isEqualTo("no answer: no answer within 300 ms");
            assertThat(g.cases().get(1).notSent()).isNotNull();
            assertThat((System.nanoTime() - start) / 1_000_000).isBetween(250L, 10_000L);
        }
    }

    @Test
    void refusedConnectionIsAFailedCaseNotAnException() throws Exception {
        int port;
        try (var s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        GateResult g = run(URI.create("http://127.0.0.1:" + port), plan(null, null));

        assertThat(g.passed()).isFalse();
        assertThat(g.cases().get(0).mismatches().get(0).actual()).startsWith("no answer: ConnectException");
    }

    @Test
    void goldenComparisonCountsDifferingAnswers() throws Exception {
        GoldenPlan tolerant = new GoldenPlan(0.0, 0, 1e-3, List.of("$.model"), List.of(com.jayway.jsonpath.JsonPath.compile("$.model")));
        String nearlySame = FakeService.LIPSTICKS.replace("0.9,", "0.90001,").replace("\"v2\"", "\"v3\"");
        try (FakeService prod = FakeService.right();
             FakeService close = FakeService.start((n, m, p, b) -> new FakeService.Answer(200, nearlySame, 0));
             FakeService wrong = FakeService.wrong()) {
            GatePlan plan = new GatePlan(cases(), Duration.ofSeconds(5), null, null, tolerant, null);

            GateResult same = run(close.uri(), plan, prod.uri());
            assertThat(same.golden().differing()).isZero();
            assertThat(same.golden().passed()).isTrue();

            GateResult differs = run(wrong.uri(), new GatePlan(cases(), Duration.ofSeconds(5), null, null,
                    new GoldenPlan(0.5, 0, 0, List.of(), List.of()), null), prod.uri());
            assertThat(differs.golden().compared()).isEqualTo(2);
            assertThat(differs.golden().differing()).isEqualTo(2);
            assertThat(differs.golden().passed()).isFalse();
            assertThat(differs.golden().differences().get(0)).satisfies(d -> {
                assertThat(d.path()).isEqualTo("$.items[0].category");
                assertThat(d.baseline()).isEqualTo("\"lipstick\"");
                assertThat(d.candidate()).isEqualTo("\"face wash\"");
            });
            assertThat(differs.passed()).isFalse();
        }
    }
}
