package io.mlship.release;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.mlship.cli.CliRun;
import io.mlship.kube.lock.LeaseLock;
import io.mlship.sandbox.Sandbox;
import io.mlship.sandbox.SandboxStateDir;
import io.mlship.sandbox.kube.RolloutSimulator;
import io.mlship.spec.SpecFixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A release from a Jenkins pipeline and one from a person's terminal, of the same service to the same
 * environment, exclude each other either way round. The pipeline's release runs as mlPipeline starts it under
 * its Jenkins lock (Jenkins' variables set, {@code lock: 'lease'}, the build URL); the terminal's with no Jenkins
 * variables and no options about locks. Each is the real CLI against the sandbox.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PipelineAndTerminalReleaseTest {
    static final String BUILD_URL = "https://jenkins.example.com/job/reco-service/job/main/41/";
    static final Map<String, String> JENKINS = Map.of("JENKINS_URL", "https://jenkins.example.com/",
            "BUILD_TAG", "jenkins-reco-service-main-41", "BUILD_URL", BUILD_URL, "HOME", "/home/jenkins");
    static final Map<String, String> TERMINAL = Map.of("HOME", "/home/alice");
    static final String LEASE = LeaseLock.leaseName("reco-service", "staging");

    Path tmp;
    Path state;
    Sandbox sandbox;
    Path workspace;
    Path clone;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        tmp = dir;
        state = tmp.resolve("sandbox");
        sandbox = Sandbox.start(new SandboxStateDir(state));
        sandbox.publish();
        workspace = checkout("jenkins-workspace");
        clone = checkout("alice-clone");
    }

    @AfterAll
    void stop() {
        sandbox.close();
    }

    @AfterEach
    void noLeaseLeft() {
        assertThat(sandbox.cluster().client().leases().inNamespace("reco").list().getItems()).as("both gave it back").isEmpty();
    }

    Path checkout(String name) throws Exception {
        Path repo = tmp.resolve(name);
        SpecFixtures.copyTree(Path.of("examples/reco-service"), repo);
        ReleaseSandboxTest.deleteTree(repo.resolve(".mlship"));
        // The held release waits in its gate for the test; its requests must outlast that wait.
        Path spec = repo.resolve("mlship.yaml");
        Files.writeString(spec, Files.readString(spec).replace("requestTimeout: 5s", "requestTimeout: 60s"));
        return repo;
    }

    /** Holds the release it is given to (as --baseline) in its gate, where it holds the lock, until let go. */
    HeldBaseline heldBaseline() throws Exception {
        return new HeldBaseline(() -> sandbox.cluster().client().services().inNamespace("reco").withName("reco-service")
                .get().getMetadata().getAnnotations().get(RolloutSimulator.URL_ANNOTATION));
    }

    /** The release mlPipeline runs: the step's parameters as the CLI receives them, in a Jenkins build's environment. */
    CompletableFuture<CliRun> fromPipeline(String run, ConsoleWatch console, String... extra) {
        List<String> args = new ArrayList<>(List.of("--lock", "lease", "--build-url", BUILD_URL));
        args.addAll(List.of(extra));
        return release(workspace, run, JENKINS, console, args);
    }

    /** A person's `mlship release` from a clone: nothing about locks, no Jenkins in the environment. */
    CompletableFuture<CliRun> fromTerminal(String run, ConsoleWatch console, String... extra) {
        return release(clone, run, TERMINAL, console, List.of(extra));
    }

    CompletableFuture<CliRun> release(Path repo, String run, Map<String, String> env, ConsoleWatch console, List<String> extra) {
        Path out = repo.resolve(".mlship/" + run);
        List<String> args = new ArrayList<>(List.of("release", "--spec", repo.resolve("mlship.yaml").toString(),
                "--env", "staging", "--sandbox", state.toString(), "--ca-file", sandbox.info().caFile(), "--result-dir", out.toString(), "--skip-model",
                "--git-sha", "0123456789abcdef"));
        args.addAll(extra);
        return CompletableFuture.supplyAsync(() -> CliRun.of(out, env, console, args.toArray(String[]::new)));
    }

    /** Waits until the Lease is held by someone whose identity starts with {@code who}. */
    Lease heldBy(String who) {
        return sandbox.cluster().client().leases().inNamespace("reco").withName(LEASE).waitUntilCondition(
                l -> l != null && l.getSpec().getHolderIdentity().startsWith(who), 60, TimeUnit.SECONDS);
    }

    @Test
    void aTerminalReleaseWaitsForTheReleaseAPipelineHoldsThenRuns() throws Exception {
        ConsoleWatch terminalConsole = new ConsoleWatch();
        try (HeldBaseline held = heldBaseline()) {
            CompletableFuture<CliRun> pipeline = fromPipeline("pipeline-1", new ConsoleWatch(), "--baseline", held.url().toString());
            held.awaitReached();
            assertThat(heldBy(BUILD_URL)).isNotNull();

            CompletableFuture<CliRun> terminal = fromTerminal("terminal-1", terminalConsole);
            terminalConsole.await("waiting for the release lock: held by " + BUILD_URL, Duration.ofSeconds(60));
            Instant letGo = Instant.now();
            held.letGo();
            CliRun p = pipeline.get(3, TimeUnit.MINUTES);
            CliRun t = terminal.get(3, TimeUnit.MINUTES);

            assertThat(p.exitCode()).as(p.err()).isZero();
            assertThat(t.exitCode()).as(t.err()).isZero();
            assertThat(ReleaseConcurrencyTest.started(t, "build")).as("the terminal's release began after the pipeline's ended")
                    .isAfter(letGo).isAfterOrEqualTo(ReleaseConcurrencyTest.finished(p).minusMillis(50));
        }
    }

    @Test
    void aPipelineReleaseFailsClearlyWhileATerminalReleaseHoldsTheLock() throws Exception {
        String person = System.getProperty("user.name", "someone") + "@";
        try (HeldBaseline held = heldBaseline()) {
            CompletableFuture<CliRun> terminal = fromTerminal("terminal-2", new ConsoleWatch(), "--baseline", held.url().toString());
            held.awaitReached();
            assertThat(heldBy(person)).isNotNull();

            CliRun p = fromPipeline("pipeline-2", new ConsoleWatch(), "--lock-timeout", "2s").get(1, TimeUnit.MINUTES);
            held.letGo();
            CliRun t = terminal.get(3, TimeUnit.MINUTES);

            assertThat(p.exitCode()).as(p.err()).isEqualTo(3);
            assertThat(p.err()).contains("waiting for the release lock: held by " + person);
            assertThat(p.result("release").path("errorDetails").path("message").asText())
                    .contains("another release of this service to this environment is running")
                    .contains("held by " + person);
            assertThat(workspace.resolve(".mlship/pipeline-2/release")).as("no stage of the pipeline's release ran").doesNotExist();
            assertThat(t.exitCode()).as(t.err()).isZero();
        }
    }
}
