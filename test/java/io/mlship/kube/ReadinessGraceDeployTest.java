package io.mlship.kube;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.mlship.cli.CliRun;
import io.mlship.sandbox.kube.Behaviour;
import io.mlship.spec.SpecFixtures;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy.rollout.readinessGrace on the sandbox. The test spec's readiness probe runs every 5 s with
 * failureThreshold 3, so counting failed probes would give up after 15 s. The simulator plays each 5 s probe
 * period in 50 ms: a slow pod fails 18 probes (90 s in a cluster) before it is ready, with the events a kubelet
 * writes, and the rollout must wait for it; a pod that never becomes ready fails once its grace is over.
 */
class ReadinessGraceDeployTest {
    static final String GOOD = DeployCommandTest.digest('1');
    static final String SLOW = DeployCommandTest.digest('5');
    static final String NEVER_READY = DeployCommandTest.digest('f');
    static final String CRASHES = DeployCommandTest.digest('c');
    static final String NS = "reco";
    static final int SLOW_FAILURES = 18;

    @TempDir
    Path tmp;
    SandboxDeploys sandbox;
    KubernetesClient admin;
    Path repo;

    @BeforeEach
    void start() throws Exception {
        sandbox = SandboxDeploys.start(tmp, controllers -> controllers
                .behaviour(SLOW, Behaviour.SLOW_READY)
                .behaviour(NEVER_READY, Behaviour.NOT_READY)
                .behaviour(CRASHES, Behaviour.CRASH_LOOP)
                .probePeriod(Duration.ofMillis(50))
                .slowReadyFailures(SLOW_FAILURES)
                // The spec's 10 s deadline, scaled less than the probes: the grace, not the deadline, must decide here.
                .progressDeadline(Duration.ofSeconds(15)));
        admin = sandbox.admin;
        repo = sandbox.repo;
    }

    @AfterEach
    void stop() {
        sandbox.close();
    }

    /** The deploy tests' spec; {@code grace} null leaves readinessGrace out (the default: the progress deadline). */
    Path spec(String grace) {
        String yaml = SpecFixtures.read(Path.of("test/resources/deploy/mlship.yaml"));
        if (grace != null) {
            yaml = yaml.replace("    progressDeadlineSeconds: 10\n", "    progressDeadlineSeconds: 10\n    readinessGrace: " + grace + "\n");
        }
        return SpecFixtures.write(repo, "mlship.yaml", yaml);
    }

    CliRun deploy(Path specFile, String digest) {
        return sandbox.deploy(specFile, digest);
    }

    String image() {
        return admin.apps().deployments().inNamespace(NS).withName("reco-service").get()
                .getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
    }

    @Test
    void aPodThatBecomesReadyAfterNinetySecondsOfFailedProbesPasses() {
        Path spec = spec(null);
        assertThat(deploy(spec, GOOD).exitCode()).isZero();

        CliRun run = deploy(spec, SLOW);

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(image()).endsWith("@" + SLOW);
        assertThat(run.result("deploy").path("revision").asText()).isEqualTo("2");
        // It failed far more probes than the failureThreshold of 3, as the kubelet reported them...
        List<Event> probes = admin.v1().events().inNamespace(NS).list().getItems().stream()
                .filter(e -> "Unhealthy".equals(e.getReason()) && e.getInvolvedObject().getName().startsWith("reco-service-")).toList();
        assertThat(probes).isNotEmpty().allSatisfy(e -> assertThat(e.getCount()).isEqualTo(SLOW_FAILURES));
        // ...and the wait said what it waited for, with the grace (by default the progress deadline).
        // (The autoscaler owns the replica count, so the simulated cluster runs one pod.)
        assertThat(run.err()).containsPattern("waiting for 0/1 pods ready; reco-service-[a-z0-9]+-0 not ready for [0-9]+ s \\(grace 10s\\)");
    }

    @Test
    void aPodThatNeverBecomesReadyFailsAfterTheGraceNamingItsProbe() {
        Path spec = spec("2s");
        assertThat(deploy(spec, GOOD).exitCode()).isZero();

        long started = System.nanoTime();
        CliRun run = deploy(spec, NEVER_READY);
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(run.exitCode()).as(run.err()).isEqualTo(1);
        JsonNode error = run.result("deploy").path("errorDetails");
        assertThat(error.path("category").asText()).isEqualTo("rolloutFailed");
        assertThat(error.path("message").asText())
                .containsPattern("pod reco-service-[a-z0-9]+-0 was not ready for 2 s \\(readinessGrace 2s\\): "
                        + "Readiness probe failed: HTTP probe failed with statuscode: 503 \\([0-9]+ times\\)")
                .contains("rolled back");
        assertThat(took).as("the grace ends it, not the simulator's 15 s progress deadline").isLessThan(Duration.ofSeconds(12));
        assertThat(image()).endsWith("@" + GOOD);
    }

    @Test
    void aGraceShorterThanTheSlowStartFailsIt() {
        Path spec = spec("300ms"); // shorter than the slow pod's 18 × 50 ms
        assertThat(deploy(spec, GOOD).exitCode()).isZero();

        CliRun run = deploy(spec, SLOW);

        assertThat(run.exitCode()).as(run.err()).isEqualTo(1);
        assertThat(run.result("deploy").path("errorDetails").path("message").asText()).contains("(readinessGrace 300ms)");
        assertThat(image()).endsWith("@" + GOOD);
    }

    @Test
    void aCrashLoopStillFailsAtOnceWhateverTheGrace() {
        Path spec = spec("20s");
        assertThat(deploy(spec, GOOD).exitCode()).isZero();

        long started = System.nanoTime();
        CliRun run = deploy(spec, CRASHES);

        assertThat(run.exitCode()).as(run.err()).isEqualTo(1);
        assertThat(run.result("deploy").path("errorDetails").path("message").asText()).contains("(CrashLoopBackOff");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(12));
    }
}
