package io.mlship.sandbox.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.mlship.kube.rollout.RolloutOutcome;
import io.mlship.kube.rollout.RolloutWatcher;
import io.mlship.progress.Progress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The simulator plays the controllers faithfully enough that the rollout watcher reads real-looking state. */
class RolloutSimulatorTest {
    static final String NS = "sim";
    static final Map<String, String> SELECTOR = Map.of("app.kubernetes.io/name", "svc");
    final Progress quiet = Progress.silent();
    SandboxCluster cluster;
    RolloutSimulator simulator;
    KubernetesClient client;

    @BeforeEach
    void start() {
        cluster = SandboxCluster.start().withNamespace(NS);
        client = cluster.client();
        simulator = RolloutSimulator.builder(client, NS)
                .behaviour("crash", Behaviour.CRASH_LOOP)
                .behaviour("slow", Behaviour.HANG)
                .crashMessage("Traceback (most recent call last):\nModuleNotFoundError: ranker")
                .progressDeadline(Duration.ofMinutes(5)) // longer than any test: only mlship's own deadline can end it
                .build().start();
    }

    @AfterEach
    void stop() {
        simulator.close();
        cluster.close();
    }

    @Test
    void aSuccessfulRolloutHasReplicaSetPodsRevisionAndConditions() {
        create("registry.example/svc@sha256:good");
        try (RolloutWatcher watcher = new RolloutWatcher(client, NS, "svc", SELECTOR, quiet)) {
            RolloutOutcome outcome = watcher.await("registry.example/svc@sha256:good", Duration.ofSeconds(20), Duration.ofSeconds(20));
            assertThat(outcome.available()).as(outcome.reason()).isTrue();
            assertThat(outcome.revision()).isEqualTo("1");
        }
        Deployment d = client.apps().deployments().inNamespace(NS).withName("svc").get();
        assertThat(d.getStatus().getConditions()).anySatisfy(c -> {
            assertThat(c.getType()).isEqualTo("Progressing");
            assertThat(c.getReason()).isEqualTo("NewReplicaSetAvailable");
        });
        assertThat(client.apps().replicaSets().inNamespace(NS).list().getItems()).hasSize(1)
                .allSatisfy(rs -> assertThat(rs.getMetadata().getOwnerReferences().get(0).getName()).isEqualTo("svc"));
        assertThat(client.pods().inNamespace(NS).list().getItems()).hasSize(2)
                .allSatisfy(p -> assertThat(p.getStatus().getPhase()).isEqualTo("Running"));
    }

    @Test
    void aCrashLoopingPodLooksLikeTheKubeletReportsIt() {
        create("registry.example/svc@sha256:crash");
        try (RolloutWatcher watcher = new RolloutWatcher(client, NS, "svc", SELECTOR, quiet)) {
            RolloutOutcome outcome = watcher.await("registry.example/svc@sha256:crash", Duration.ofSeconds(20), Duration.ofSeconds(20));
            assertThat(outcome.available()).isFalse();
            assertThat(outcome.reason()).startsWith("container server exited 1: ModuleNotFoundError: ranker (CrashLoopBackOff, 3 restarts");
        }
        List<Pod> pods = client.pods().inNamespace(NS).list().getItems();
        ContainerStatus cs = pods.get(0).getStatus().getContainerStatuses().get(0);
        assertThat(cs.getState().getWaiting().getReason()).isEqualTo("CrashLoopBackOff");
        assertThat(cs.getLastState().getTerminated().getExitCode()).isEqualTo(1);
        assertThat(client.v1().events().inNamespace(NS).list().getItems())
                .anySatisfy(e -> assertThat(e.getReason()).isEqualTo("BackOff"));
    }

    @Test
    void aRolloutThatNeverProgressesEndsAtMlshipsOwnDeadline() {
        create("registry.example/svc@sha256:slow");
        try (RolloutWatcher watcher = new RolloutWatcher(client, NS, "svc", SELECTOR, quiet)) {
            RolloutOutcome outcome = watcher.await("registry.example/svc@sha256:slow", Duration.ofMillis(1500), Duration.ofMillis(1500));
            assertThat(outcome.available()).isFalse();
            assertThat(outcome.reason()).startsWith("the rollout did not finish within 1s: 2 updated, 0 available");
        }
    }

    private void create(String image) {
        client.apps().deployments().inNamespace(NS).resource(new DeploymentBuilder()
                .withNewMetadata().withName("svc").withNamespace(NS).endMetadata()
                .withNewSpec().withReplicas(2).withNewSelector().withMatchLabels(SELECTOR).endSelector()
                .withNewTemplate().withNewMetadata().withLabels(SELECTOR).endMetadata()
                .withNewSpec().addNewContainer().withName("server").withImage(image).endContainer().endSpec()
                .endTemplate().endSpec().build()).create();
    }
}
