package io.mlship.release;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.mlship.cli.CliRun;
import io.mlship.sandbox.Sandbox;
import io.mlship.sandbox.SandboxStateDir;
import io.mlship.spec.SpecFixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
        sandbox = Sandbox.start(new SandboxStateDir(state), Map.of());
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
        Files.writeString(spec, Files.readString(spec).replace("  name: reco-service\n", "  name: " + service + "\n"));
        return repo;
    }

    CompletableFuture<CliRun> release(Path repo, String build, String... extra) {
        Path out = repo.resolve(".mlship/" + build);
        List<String> args = new ArrayList<>(List.of("release", "--spec", repo.resolve("mlship.yaml").toString(),
                "--env", "staging", "--sandbox", state.toString(), "--result-dir", out.toString(), "--skip-model",
                "--git-sha", "0123456789abcdef", "--build-url", "https://ci.example.com/job/" + build + "/"));
        args.addAll(List.of(extra));
        return CompletableFuture.supplyAsync(() -> CliRun.of(out, args.toArray(String[]::new)));
    }

    /** Waits until the release lock of {@code service} is held (by whoever): the first release is under way. */
    void awaitLease(String service) {
        KubernetesClient client = sandbox.cluster().client();
        Instant deadline = Instant.now().plusSeconds(60);
        while (client.leases().inNamespace("reco").withName(LeaseLock.leaseName(service, "staging")).get() == null) {
            assertThat(Instant.now()).as("the first release took its lease").isBefore(deadline);
            Thread.onSpinWait();
        }
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

    @Test
    void aSecondReleaseOfTheSameServiceWaitsForTheFirstAndNeverInterleaves() throws Exception {
        Path repo = repo("reco", "reco-service");
        CompletableFuture<CliRun> first = release(repo, "first");
        awaitLease("reco-service");
        CompletableFuture<CliRun> second = release(repo, "second");

        CliRun a = first.get(3, TimeUnit.MINUTES);
        CliRun b = second.get(3, TimeUnit.MINUTES);

        assertThat(a.exitCode()).as(a.err()).isZero();
        assertThat(b.exitCode()).as(b.err()).isZero();
        assertThat(b.err()).contains("waiting for the release lock: held by https://ci.example.com/job/first/");
        assertThat(started(b, "build")).as("the second began only after the first ended").isAfterOrEqualTo(finished(a).minusMillis(50));
        // Each build is labelled with its build URL, so the second is a new image: rolled out as the next revision.
        assertThat(a.result("release").path("stages").get(1).path("message").asText()).isEqualTo("revision 1");
        assertThat(b.result("release").path("stages").get(1).path("message").asText()).isEqualTo("revision 2");
        assertThat(sandbox.cluster().client().apps().deployments().inNamespace("reco").withName("reco-service").get()
                .getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
                .endsWith("@" + b.result("release").path("imageDigest").asText());
        assertThat(sandbox.cluster().client().leases().inNamespace("reco").list().getItems()).as("both released it").isEmpty();
    }

    @Test
    void aSecondReleaseThatCannotWaitFailsClearlyAndTouchesNothing() throws Exception {
        Path repo = repo("reco", "reco-service");
        CompletableFuture<CliRun> first = release(repo, "first");
        awaitLease("reco-service");

        CliRun b = release(repo, "impatient", "--lock-timeout", "1s").get(1, TimeUnit.MINUTES);

        assertThat(b.exitCode()).isEqualTo(3);
        assertThat(b.result("release").path("errorDetails").path("message").asText())
                .contains("another release of this service to this environment is running")
                .contains("https://ci.example.com/job/first/");
        assertThat(repo.resolve(".mlship/impatient/release")).as("no stage ran").doesNotExist();
        assertThat(first.get(3, TimeUnit.MINUTES).exitCode()).isZero();
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
