package io.mlship.sandbox.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.mlship.cli.CliRun;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real kubectl against the sandbox API, doing what a user's deploy script does: get, apply of mlship's
 * rendered manifests (create, then update), and rollout status returning when the simulated rollout completes
 * or fails. Needs kubectl (Debian package kubernetes-client); without it the tests fail and say so.
 */
class KubectlAgainstSandboxTest {
    static final String NS = "reco";
    static final String NAME = "reco-service";
    static final Path SPEC = Path.of("examples/reco-service/mlship.yaml").toAbsolutePath();
    static final String HANGS = digest("hangs");
    static final String CRASHES = digest("crashes");

    @TempDir
    Path tmp;
    SandboxCluster cluster;
    RolloutSimulator simulator;
    KubernetesClient client;
    Path kubeconfig;

    @BeforeEach
    void start() throws IOException {
        cluster = SandboxCluster.start().withNamespace(NS);
        client = cluster.client();
        simulator = RolloutSimulator.builder(client, NS)
                .behaviour(HANGS.substring("sha256:".length()), Behaviour.HANG)
                .behaviour(CRASHES.substring("sha256:".length()), Behaviour.CRASH_LOOP)
                .progressDeadline(Duration.ofSeconds(2))
                .build().start();
        kubeconfig = cluster.writeKubeconfig(tmp.resolve("kubeconfig"), "sandbox");
    }

    @AfterEach
    void stop() {
        simulator.close();
        cluster.close();
    }

    @Test
    void getListsWhatTheApiHolds() throws Exception {
        client.apps().deployments().inNamespace(NS).resource(new DeploymentBuilder()
                .withNewMetadata().withName("svc").endMetadata()
                .withNewSpec().withReplicas(1).withNewSelector().addToMatchLabels("app", "svc").endSelector()
                .withNewTemplate().withNewMetadata().addToLabels("app", "svc").endMetadata()
                .withNewSpec().addNewContainer().withName("server").withImage("registry.example/svc@" + digest("get"))
                .endContainer().endSpec().endTemplate().endSpec().build()).create();
        awaitAvailable("svc", 1);
        client.services().inNamespace(NS).resource(new io.fabric8.kubernetes.api.model.ServiceBuilder()
                .withNewMetadata().withName("svc").endMetadata()
                .withNewSpec().addToSelector("app", "svc").addNewPort().withPort(80).endPort().endSpec().build()).create();

        assertThat(kubectl("get", "deployments", "-n", NS, "-o", "name").ok()).isEqualTo("deployment.apps/svc");
        assertThat(kubectl("get", "services", "-n", NS, "-o", "name").ok()).isEqualTo("service/svc");
        String pod = client.pods().inNamespace(NS).list().getItems().get(0).getMetadata().getName();
        assertThat(kubectl("get", "pods", "-n", NS, "-o", "name").ok()).isEqualTo("pod/" + pod);
        assertThat(kubectl("get", "deployment", "svc", "-n", NS, "-o", "jsonpath={.status.availableReplicas}").ok()).isEqualTo("1");
        Kubectl.Run table = kubectl("get", "deployments", "-n", NS);
        assertThat(table.ok()).startsWith("NAME").contains("svc");
    }

    @Test
    void applyCreatesThenUpdatesTheRenderedObjectsAndRolloutStatusWaitsForTheRollout() throws Exception {
        String first = digest("first");
        Kubectl.Run created = kubectl("apply", "-f", render(first).toString());
        assertThat(created.ok()).contains("deployment.apps/" + NAME + " created", "service/" + NAME + " created",
                "configmap/" + NAME + "-env created", "certificate.cert-manager.io/" + NAME + " created",
                "ingress.networking.k8s.io/" + NAME + " created", "horizontalpodautoscaler.autoscaling/" + NAME + " created");
        assertThat(client.serviceAccounts().inNamespace(NS).withName(NAME).get()).isNotNull();
        assertThat(client.network().v1().networkPolicies().inNamespace(NS).withName(NAME).get()).isNotNull();
        assertThat(client.policy().v1().podDisruptionBudget().inNamespace(NS).withName(NAME).get()).isNotNull();
        assertThat(client.genericKubernetesResources(new ResourceDefinitionContext.Builder().withGroup("cert-manager.io")
                .withVersion("v1").withKind("Certificate").withPlural("certificates").withNamespaced(true).build())
                .inNamespace(NS).withName(NAME).get()).isNotNull();
        Deployment before = deployment();
        assertThat(image(before)).endsWith("@" + first);
        assertThat(before.getMetadata().getAnnotations()).containsKey("kubectl.kubernetes.io/last-applied-configuration");

        Kubectl.Run done = kubectl("rollout", "status", "deployment/" + NAME, "-n", NS, "--timeout=60s");
        assertThat(done.ok()).contains("deployment \"" + NAME + "\" successfully rolled out");
        assertComplete(deployment(), first);

        String second = digest("second");
        Kubectl.Run updated = kubectl("apply", "-f", render(second).toString());
        assertThat(updated.ok()).contains("deployment.apps/" + NAME + " configured", "service/" + NAME + " unchanged");
        Deployment after = deployment();
        assertThat(generation(after)).isEqualTo(generation(before) + 1);
        assertThat(after.getMetadata().getUid()).isEqualTo(before.getMetadata().getUid());
        Container was = before.getSpec().getTemplate().getSpec().getContainers().get(0);
        Container now = after.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(after.getSpec().getTemplate().getSpec().getContainers()).hasSize(1);
        assertThat(now.getImage()).endsWith("@" + second);
        // The strategic merge patch changed the image only: the rest of the container is as rendered.
        assertThat(now.getPorts()).isEqualTo(was.getPorts());
        assertThat(now.getReadinessProbe()).isEqualTo(was.getReadinessProbe());
        assertThat(now.getEnvFrom()).isEqualTo(was.getEnvFrom());
        assertThat(now.getResources()).isEqualTo(was.getResources());

        assertThat(kubectl("rollout", "status", "deployment/" + NAME, "-n", NS, "--timeout=60s").ok())
                .contains("successfully rolled out");
        assertComplete(deployment(), second);
        List<ReplicaSet> sets = client.apps().replicaSets().inNamespace(NS).list().getItems();
        assertThat(sets).hasSize(2);
        assertThat(sets).filteredOn(rs -> image(rs).endsWith(second)).singleElement()
                .satisfies(rs -> assertThat(rs.getSpec().getReplicas()).isEqualTo(replicas(after)));
        assertThat(sets).filteredOn(rs -> image(rs).endsWith(first)).singleElement()
                .satisfies(rs -> assertThat(rs.getSpec().getReplicas()).isZero());
    }

    @Test
    void rolloutStatusFailsWhenTheSimulatedRolloutExceedsItsProgressDeadline() throws Exception {
        kubectl("apply", "-f", render(HANGS).toString()).ok();
        Kubectl.Run status = kubectl("rollout", "status", "deployment/" + NAME, "-n", NS, "--timeout=60s");
        assertThat(status.exit()).as(status.err()).isNotZero();
        assertThat(status.err()).contains("deployment \"" + NAME + "\" exceeded its progress deadline");
        assertThat(deployment().getStatus().getConditions()).anySatisfy(c -> {
            assertThat(c.getType()).isEqualTo("Progressing");
            assertThat(c.getStatus()).isEqualTo("False");
            assertThat(c.getReason()).isEqualTo("ProgressDeadlineExceeded");
        });
    }

    @Test
    void rolloutStatusTimesOutWhilePodsCrashLoop() throws Exception {
        kubectl("apply", "-f", render(CRASHES).toString()).ok();
        Kubectl.Run status = kubectl("rollout", "status", "deployment/" + NAME, "-n", NS, "--timeout=3s");
        assertThat(status.exit()).as(status.out()).isNotZero();
        assertThat(status.err()).contains("timed out waiting for the condition");
        assertThat(status.out()).contains("Waiting for deployment \"" + NAME + "\" rollout to finish");
        assertThat(deployment().getStatus().getAvailableReplicas()).isIn(null, 0);
        assertThat(client.pods().inNamespace(NS).list().getItems()).isNotEmpty().allSatisfy(p -> assertThat(
                p.getStatus().getContainerStatuses().get(0).getState().getWaiting().getReason()).isEqualTo("CrashLoopBackOff"));
    }

    private void assertComplete(Deployment d, String digest) {
        assertThat(image(d)).endsWith("@" + digest);
        assertThat(d.getStatus().getObservedGeneration()).isEqualTo(generation(d));
        assertThat(d.getStatus().getUpdatedReplicas()).isEqualTo(replicas(d));
        assertThat(d.getStatus().getAvailableReplicas()).isEqualTo(replicas(d));
        DeploymentCondition progressing = d.getStatus().getConditions().stream()
                .filter(c -> c.getType().equals("Progressing")).findFirst().orElseThrow();
        assertThat(progressing.getReason()).isEqualTo("NewReplicaSetAvailable");
    }

    /** The rendered Deployment leaves replicas to its autoscaler: unset means 1. */
    private static int replicas(Deployment d) {
        return d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
    }

    /** The API leaves a new object's generation unset, which means 1. */
    private static long generation(Deployment d) {
        return d.getMetadata().getGeneration() == null ? 1 : d.getMetadata().getGeneration();
    }

    private Deployment deployment() {
        return client.apps().deployments().inNamespace(NS).withName(NAME).get();
    }

    private void awaitAvailable(String name, int replicas) {
        client.apps().deployments().inNamespace(NS).withName(name).waitUntilCondition(d -> d != null && d.getStatus() != null
                && Integer.valueOf(replicas).equals(d.getStatus().getAvailableReplicas()), 20, TimeUnit.SECONDS);
    }

    private static String image(Deployment d) {
        return d.getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
    }

    private static String image(ReplicaSet rs) {
        return rs.getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
    }

    /** mlship render of the example for staging with this digest, as a file kubectl can apply. */
    private Path render(String digest) throws IOException {
        CliRun run = CliRun.of(tmp.resolve("render-out"), "render", "--spec", SPEC.toString(), "--env", "staging",
                "--image-digest", digest);
        assertThat(run.exitCode()).as(run.err()).isZero();
        Path file = tmp.resolve("manifest-" + digest.substring(7, 15) + ".yaml");
        Files.writeString(file, run.out(), StandardCharsets.UTF_8);
        return file;
    }

    private Kubectl.Run kubectl(String... args) throws IOException, InterruptedException {
        return new Kubectl(kubeconfig).run(args);
    }

    static String digest(String seed) {
        try {
            byte[] d = java.security.MessageDigest.getInstance("SHA-256").digest(seed.getBytes(StandardCharsets.UTF_8));
            return "sha256:" + java.util.HexFormat.of().formatHex(d);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
