package io.mlship.release;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.mlship.cli.ConsoleProgress;
import io.mlship.kube.lock.LeaseLock;
import io.mlship.kube.lock.ReleaseLock;
import io.mlship.cli.CliRun;
import io.mlship.sandbox.Sandbox;
import io.mlship.sandbox.SandboxStateDir;
import io.mlship.spec.SpecFixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two releases at once on the sandbox: of the same service and environment, the second waits for the first's
 * Lease (or gives up clearly) and never runs a stage while the first holds it; different services go in parallel.
 */
class ReleaseConcurrencyTest {
    @TempDir
    Path tmp;
    Sandbox sandbox;
    Path state;

    @BeforeEach
    void start() throws Exception {
        state = tmp.resolve("sandbox");
        sandbox = Sandbox.start(new SandboxStateDir(state));
        sandbox.publish();
    }

    @AfterEach
    void stop() {
        sandbox.close();
    }

    Path repo(String name, String service) throws Exception {
        Path repo = tmp.resolve(name);
        SpecFixtures.copyTree(Path.of("examples/reco-service"), repo);
        ReleaseSandboxTest.deleteTree(repo.resolve(".mlship"));
        Path spec = repo.resolve("mlship.yaml");
        // Each service its own host, as in a real cluster (two Ingresses claiming one host would split it between them).
        Files.writeString(spec, Files.readString(spec).replace("  name: reco-service\n", "  name: " + service + "\n")
                .replace("host: reco.staging.", "host: " + name + ".staging."));
        return repo;
    }

    CompletableFuture<CliRun> release(Path repo, String build, String... extra) {
        Path out = repo.resolve(".mlship/" + build);
        List<String> args = new ArrayList<>(List.of("release", "--spec", repo.resolve("mlship.yaml").toString(),
                "--env", "staging", "--sandbox", state.toString(), "--ca-file", sandbox.info().caFile(), "--result-dir", out.toString(), "--skip-model",
                "--git-sha", "0123456789abcdef", "--build-url", "https://ci.example.com/job/" + build + "/"));
        args.addAll(List.of(extra));
        return CompletableFuture.supplyAsync(() -> CliRun.of(out, args.toArray(String[]::new)));
    }

    static Instant started(CliRun run, String stage) {
        for (JsonNode s : run.result("release").path("stages")) {
            if (s.path("name").asText().equals(stage)) {
                return Instant.parse(s.path("startedAt").asText());
            }
        }
        throw new AssertionError("no stage " + stage);
    }

    static Instant finished(CliRun run) {
        JsonNode r = run.result("release");
        return Instant.parse(r.path("startedAt").asText()).plusMillis(r.path("durationMs").asLong());
    }

    /** Holds the release lock of reco-service in staging as another build would, until closed. */
    ReleaseLock.Held holdLock(String who) {
        return new LeaseLock(sandbox.cluster().client(), "reco", "reco-service", "staging", who, Duration.ofSeconds(60),
                ConsoleProgress.forStage(System.err, "release"), Clock.systemUTC()).acquire(Duration.ofSeconds(10));
    }

    @Test
    void aSecondReleaseWaitsWhileTheLockIsHeldAndStartsOnceItIsFree() throws Exception {
        Path repo = repo("reco", "reco-service");
        ReleaseLock.Held other = holdLock("https://ci.example.com/job/other/");
        CompletableFuture<CliRun> waiting = release(repo, "waiting");
        Thread.sleep(3000); // the release finds the lease taken and waits
        assertThat(waiting).isNotDone();
        Instant freed = Instant.now();
        other.close();

        CliRun b = waiting.get(3, TimeUnit.MINUTES);

        assertThat(b.exitCode()).as(b.err()).isZero();
        assertThat(b.err()).contains("waiting for the release lock: held by https://ci.example.com/job/other/");
        assertThat(started(b, "build")).as("no stage ran while the lock was held").isAfterOrEqualTo(freed);
    }

    @Test
    void twoReleasesOfTheSameServiceAtOnceRunOneAfterTheOther() throws Exception {
        Path repo = repo("reco", "reco-service");
        CompletableFuture<CliRun> first = release(repo, "one");
        CompletableFuture<CliRun> second = release(repo, "two");

        CliRun a = first.get(3, TimeUnit.MINUTES);
        CliRun b = second.get(3, TimeUnit.MINUTES);

        assertThat(a.exitCode()).as(a.err()).isZero();
        assertThat(b.exitCode()).as(b.err()).isZero();
        boolean aFirst = started(a, "build").isBefore(started(b, "build"));
        CliRun earlier = aFirst ? a : b;
        CliRun later = aFirst ? b : a;
        assertThat(started(later, "build")).as("the later release began only after the earlier one ended")
                .isAfterOrEqualTo(finished(earlier).minusMillis(50));
        // Two builds of one commit give one image: the later release finds it running, and only names its build.
        assertThat(earlier.result("release").path("stages").get(1).path("message").asText()).isEqualTo("revision 1");
        assertThat(later.result("release").path("stages").get(1).path("message").asText())
                .isEqualTo("revision 1 (already running: nothing changed)");
        var deployment = sandbox.cluster().client().apps().deployments().inNamespace("reco").withName("reco-service").get();
        assertThat(deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
                .endsWith("@" + later.result("release").path("imageDigest").asText())
                .endsWith("@" + earlier.result("release").path("imageDigest").asText());
        assertThat(deployment.getMetadata().getAnnotations())
                .containsEntry("mlship.io/build-url", "https://ci.example.com/job/" + (aFirst ? "two" : "one") + "/");
        assertThat(sandbox.cluster().client().leases().inNamespace("reco").list().getItems()).as("both released it").isEmpty();
    }

    @Test
    void aSecondReleaseThatCannotWaitFailsClearlyAndTouchesNothing() throws Exception {
        Path repo = repo("reco", "reco-service");
        try (ReleaseLock.Held other = holdLock("https://ci.example.com/job/first/")) {
            CliRun b = release(repo, "impatient", "--lock-timeout", "1s").get(1, TimeUnit.MINUTES);

            assertThat(b.exitCode()).as(b.err()).isEqualTo(3);
            assertThat(b.result("release").path("errorDetails").path("message").asText())
                    .contains("another release of this service to this environment is running")
                    .contains("https://ci.example.com/job/first/");
            assertThat(repo.resolve(".mlship/impatient/release")).as("no stage ran").doesNotExist();
            assertThat(sandbox.cluster().client().apps().deployments().inNamespace("reco").list().getItems()).isEmpty();
        }
    }

    @Test
    void differentServicesReleaseInParallel() throws Exception {
        CompletableFuture<CliRun> a = release(repo("reco", "reco-service"), "reco");
        CompletableFuture<CliRun> b = release(repo("search", "search-service"), "search");

        CliRun ra = a.get(3, TimeUnit.MINUTES);
        CliRun rb = b.get(3, TimeUnit.MINUTES);

        assertThat(ra.exitCode()).as(ra.err()).isZero();
        assertThat(rb.exitCode()).as(rb.err()).isZero();
        assertThat(ra.err() + rb.err()).doesNotContain("waiting for the release lock");
        Instant aStart = started(ra, "build");
        Instant bStart = started(rb, "build");
        assertThat(aStart).as("they overlapped").isBefore(finished(rb));
        assertThat(bStart).isBefore(finished(ra));
        KubernetesClient client = sandbox.cluster().client();
        assertThat(client.apps().deployments().inNamespace("reco").withName("reco-service").get()).isNotNull();
        assertThat(client.apps().deployments().inNamespace("reco").withName("search-service").get()).isNotNull();
    }
}
