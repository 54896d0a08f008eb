package io.mlship.smoke;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlship.progress.Progress;
import io.mlship.smoke.cases.CasesLoader;
import io.mlship.smoke.cases.SmokeRequest;
import io.mlship.smoke.expect.Mismatch;
import io.mlship.smoke.targets.Response;
import io.mlship.smoke.targets.Target;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The service's answers came from the version under test: an answer that names another image fails its case, and
 * the gate counts which image gave each answer. A service that names none is not failed for it.
 */
class ImageDigestCheckTest {
    static final String CANDIDATE = "sha256:" + "c".repeat(64);
    static final String STABLE = "sha256:" + "5".repeat(64);
    static final String ROUTER_NOT_READY = "503";
    static final String HANGS = "hangs";
    static final String CANDIDATE_ERROR = "503 from the candidate";

    @TempDir
    Path tmp;

    /** Answers 200 to everything; the n-th answer names the digest {@code digests} gives for n (null: none). */
    record Echoing(java.util.function.IntFunction<String> digests, AtomicInteger sent, Map<String, Long> seen) implements Target {
        Echoing(java.util.function.IntFunction<String> digests) {
            this(digests, new AtomicInteger(), new TreeMap<>());
        }

        @Override
        public String describe() {
            return "echoing";
        }

        @Override
        public synchronized Response send(SmokeRequest request) {
            String digest = digests.apply(sent.getAndIncrement());
            if (CANDIDATE_ERROR.equals(digest)) {
                return new Response(503, "{}", null, 1_000_000, null, null, CANDIDATE);
            }
            if (HANGS.equals(digest)) {
                return Response.failed("no answer within 5000 ms", Duration.ofSeconds(5).toNanos());
            }
            if (ROUTER_NOT_READY.equals(digest)) {
                return new Response(503, "no ready pods", null, 1_000_000, null, null, null);
            }
            if (digest != null) {
                seen.merge(digest, 1L, Long::sum);
            }
            return new Response(200, "{}", null, 1_000_000, null, null, digest);
        }

        @Override
        public synchronized Map<String, Long> imageDigests() {
            return new TreeMap<>(seen);
        }
    }

    GateResult run(Target target, String expected) throws Exception {
        return run(target, expected, Duration.ofSeconds(5));
    }

    GateResult run(Target target, String expected, Duration settle) throws Exception {
        Path file = tmp.resolve("cases.yaml");
        Files.writeString(file, """
                - name: health
                  request: {method: GET, path: /healthz}
                  expect: {status: 200}
                - name: ready
                  request: {method: GET, path: /readyz}
                  expect: {status: 200}
                """);
        GatePlan plan = new GatePlan(new CasesLoader().load(file), Duration.ofSeconds(5), null, null, null, null)
                .withImageDigest(expected);
        return new SmokeGate(Progress.silent(), settle).run(plan, target, null);
    }

    @Test
    void answersFromTheCandidatePass() throws Exception {
        GateResult g = run(new Echoing(n -> CANDIDATE), CANDIDATE);

        assertThat(g.passed()).isTrue();
        assertThat(g.thresholds()).filteredOn(t -> t.name().equals("imageDigest")).singleElement()
                .satisfies(t -> assertThat(t.actual()).isEqualTo(CANDIDATE + ": 2 of 2"));
    }

    @Test
    void theGateWaitsForTheRouteToDeliverToTheCandidateAndJudgesOnlyWhatCameAfter() throws Exception {
        // A router catching up: errors first, then stable's answers, then the candidate's.
        Echoing target = new Echoing(n -> n < 2 ? ROUTER_NOT_READY : n < 4 ? STABLE : CANDIDATE);

        GateResult g = run(target, CANDIDATE);

        assertThat(g.passed()).isTrue();
        assertThat(target.sent().get()).isEqualTo(5 + 2); // 5 tries until the candidate answered, then the 2 cases
        assertThat(g.thresholds()).filteredOn(t -> t.name().equals("imageDigest")).singleElement()
                .satisfies(t -> assertThat(t.actual()).isEqualTo(CANDIDATE + ": 2 of 2"));
    }

    @Test
    void aRouteThatNeverDeliversToTheCandidateFailsTheCasesOnceTheWaitIsOver() throws Exception {
        GateResult g = run(new Echoing(n -> STABLE), CANDIDATE, Duration.ofMillis(600));

        assertThat(g.passed()).isFalse();
        assertThat(g.cases()).allSatisfy(c -> assertThat(c.mismatches()).contains(new Mismatch("imageDigest", CANDIDATE, STABLE)));
    }

    @Test
    void aHangingHostIsNotWaitedForAsARouteCatchingUp() throws Exception {
        Echoing target = new Echoing(n -> HANGS);
        long start = System.nanoTime();

        GateResult g = run(target, CANDIDATE, Duration.ofSeconds(30));

        assertThat(g.passed()).isFalse();
        assertThat(target.sent().get()).as("one probe, then the first case: the rest are not sent").isEqualTo(2);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void anErrorTheCandidateItselfGivesEndsTheWait() throws Exception {
        // 503 from the candidate (it names its image): the route delivers; the cases judge the answer.
        Echoing target = new Echoing(n -> CANDIDATE_ERROR);

        GateResult g = run(target, CANDIDATE, Duration.ofSeconds(30));

        assertThat(g.passed()).isFalse();
        assertThat(target.sent().get()).isEqualTo(3);
    }

    @Test
    void anAnswerFromAnotherImageFailsItsCaseAndTheCount() throws Exception {
        GateResult g = run(new Echoing(n -> n == 2 ? STABLE : CANDIDATE), CANDIDATE);

        assertThat(g.passed()).isFalse();
        assertThat(g.cases().get(0).passed()).isTrue();
        assertThat(g.cases().get(1).mismatches()).containsExactly(new Mismatch("imageDigest", CANDIDATE, STABLE));
        assertThat(g.thresholds()).filteredOn(t -> t.name().equals("imageDigest")).singleElement()
                .satisfies(t -> assertThat(t.passed()).isFalse());
    }

    @Test
    void aServiceThatNamesNoImageIsJudgedByItsCasesAlone() throws Exception {
        GateResult g = run(new Echoing(n -> null), CANDIDATE);

        assertThat(g.passed()).isTrue();
        assertThat(g.thresholds()).extracting(ThresholdCheck::name).doesNotContain("imageDigest");
    }
}
