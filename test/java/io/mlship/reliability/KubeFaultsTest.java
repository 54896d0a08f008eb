package io.mlship.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.mlship.cli.CliRun;
import io.mlship.sandbox.kube.RolloutSimulator;
import io.mlship.sandbox.kube.SandboxCluster;
import io.mlship.spec.SpecFixtures;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * mlship deploy through a fault-injecting proxy in front of the sandbox's Kubernetes API: conflicts, server errors
 * and cut watches at the transport, with the real fabric8 client and the rollout simulator as the cluster. Each
 * test asserts what the cluster holds afterwards, not only the exit code.
 */
class KubeFaultsTest {
    static final String NS = "reco";
    static final String CONTEXT = "gke_ds-apps-staging_europe-west4_apps-staging";
    static final String GOOD = "sha256:" + "1".repeat(64);
    static final String GOOD_TOO = "sha256:" + "2".repeat(64);
    static final String DEPLOYMENT = "/apis/apps/v1/namespaces/" + NS + "/deployments/reco-service";

    @TempDir
    Path tmp;
    SandboxCluster cluster;
    RolloutSimulator simulator;
    KubernetesClient admin;
    FaultProxy proxy;
    Path kubeconfig;
    Path spec;

    @BeforeEach
    void start() throws Exception {
        cluster = SandboxCluster.start().withNamespace(NS).withNamespace("storefront");
        admin = cluster.client();
        simulator = RolloutSimulator.builder(admin, NS).progressDeadline(Duration.ofMillis(300)).build().start();
        URI api = URI.create(cluster.url());
        proxy = FaultProxy.in(api.getHost(), api.getPort());
        kubeconfig = tmp.resolve("kubeconfig");
        Files.writeString(kubeconfig, "apiVersion: v1\nkind: Config\n"
                + "clusters:\n- name: sandbox\n  cluster:\n    server: " + proxy.url() + "\n"
                + "users:\n- name: sandbox\n  user:\n    token: sandbox\n"
                + "contexts:\n- name: " + CONTEXT + "\n  context:\n    cluster: sandbox\n    user: sandbox\n"
                + "current-context: " + CONTEXT + "\n");
        Path repo = SpecFixtures.repoIn(tmp.resolve("repo"));
        spec = SpecFixtures.write(repo, "mlship.yaml", SpecFixtures.read(Path.of("test/resources/deploy/mlship.yaml")));
    }

    @AfterEach
    void stop() {
        proxy.close();
        simulator.close();
        cluster.close();
    }

    CliRun deploy(String digest) {
        return CliRun.of(tmp.resolve("out"), "deploy", "--spec", spec.toString(), "--env", "staging",
                "--kubeconfig", kubeconfig.toString(), "--result-dir", tmp.resolve("out").toString(), "--git-sha", "0123abc",
                "--image-digest", digest, "--certificate-timeout", "10s", "--ingress-timeout", "10s", "--request-timeout", "5s");
    }

    Deployment deployment() {
        return admin.apps().deployments().inNamespace(NS).withName("reco-service").get();
    }

    static String image(Deployment d) {
        return d.getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
    }

    /** Every object of the release, by kind/name → its resourceVersion, to compare states before and after. */
    Map<String, String> releaseObjects() {
        Map<String, String> all = new TreeMap<>();
        Map<String, String> selector = Map.of("app.kubernetes.io/managed-by", "mlship");
        admin.serviceAccounts().inNamespace(NS).withLabels(selector).list().getItems().forEach(o -> all.put("ServiceAccount/" + o.getMetadata().getName(), o.getMetadata().getResourceVersion()));
        // (the release state's ConfigMaps are mlship's notes about the release, not objects it releases)
        admin.configMaps().inNamespace(NS).withLabels(selector).withoutLabel("mlship.io/state-of").list().getItems().forEach(o -> all.put("ConfigMap/" + o.getMetadata().getName(), o.getMetadata().getResourceVersion()));
        admin.apps().deployments().inNamespace(NS).withLabels(selector).list().getItems().forEach(o -> all.put("Deployment/" + o.getMetadata().getName(), image(o)));
        admin.services().inNamespace(NS).withLabels(selector).list().getItems().forEach(o -> all.put("Service/" + o.getMetadata().getName(), o.getMetadata().getResourceVersion()));
        admin.network().v1().ingresses().inNamespace(NS).withLabels(selector).list().getItems().forEach(o -> all.put("Ingress/" + o.getMetadata().getName(), o.getMetadata().getResourceVersion()));
        return all;
    }

    /** A write to {@code path}; the plan's server-side dry runs (same method and path) are not writes. */
    static Predicate<FaultProxy.Request> write(String method, String path) {
        return r -> r.method().equals(method) && r.path().equals(path) && !r.target().contains("dryRun=All");
    }

    /** mlship's apply of the Deployment: not a dry run, nor the write of its build annotations beside it. */
    static boolean objectApply(String logLine) {
        return logLine.startsWith("PATCH " + DEPLOYMENT) && !logLine.contains("dryRun")
                && java.util.regex.Pattern.compile("[?&]fieldManager=mlship(&|\\s|$)").matcher(logLine).find();
    }

    static Predicate<FaultProxy.Request> watchOf(String collection) {
        return r -> r.method().equals("GET") && r.path().equals(collection) && r.target().contains("watch=true");
    }

    @Test
    void aConflictOnApplyIsAppliedAgain() {
        assertThat(deploy(GOOD).exitCode()).isZero();
        proxy.answer("409 on the Deployment's apply", write("PATCH", DEPLOYMENT), 1, 1, 409);

        CliRun run = deploy(GOOD_TOO);

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.err()).contains("Deployment/reco-service changed on the server while mlship applied it (HTTP 409 Conflict")
                .contains("applying again (attempt 2 of 4)");
        // The first deploy's apply, then the second's twice (dry runs aside).
        assertThat(proxy.log()).filteredOn(KubeFaultsTest::objectApply).hasSize(3);
        Deployment d = deployment();
        assertThat(image(d)).endsWith("@" + GOOD_TOO);
        assertFullyAvailable(d);
        assertThat(run.result("deploy").path("revision").asText()).isEqualTo("2");
    }

    @Test
    void serverErrorsOnAWriteAreRetriedWithBackoff() {
        assertThat(deploy(GOOD).exitCode()).isZero();
        proxy.answer("500 on the Deployment's apply", write("PATCH", DEPLOYMENT), 1, 2, 500);

        CliRun run = deploy(GOOD_TOO);

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.err()).containsPattern("(?s)answered HTTP 500 to PATCH " + DEPLOYMENT + "; the client retries it with backoff"
                + ".*answered HTTP 500 to PATCH " + DEPLOYMENT);
        // The first deploy's apply, then the second's three times (dry runs aside).
        assertThat(proxy.log()).filteredOn(KubeFaultsTest::objectApply).hasSize(4);
        assertThat(image(deployment())).endsWith("@" + GOOD_TOO);
    }

    @Test
    void aWriteThatKeepsFailingExitsThreeWithThePreviousObjectsRestored() throws IOException {
        assertThat(deploy(GOOD).exitCode()).isZero();
        Map<String, String> before = new TreeMap<>(admin.configMaps().inNamespace(NS).withName("reco-service-env").get().getData());
        // The next release changes the ConfigMap (written first) and the Deployment (whose writes all fail).
        Files.writeString(spec, Files.readString(spec).replace("MODEL_DIR: /opt/model", "MODEL_DIR: /opt/model\n    FEATURE: \"on\""));
        FaultProxy.Rule failing = proxy.answer("500 on every apply of the Deployment", write("PATCH", DEPLOYMENT), 1, 4, 500);

        CliRun run = deploy(GOOD_TOO);

        assertThat(run.exitCode()).as(run.err()).isEqualTo(3);
        assertThat(failing.fired()).as("the first try and three retries").isEqualTo(4);
        assertThat(run.result("deploy").path("errorDetails").path("message").asText())
                .contains("the Kubernetes API failed writing Deployment/reco-service after retries")
                .contains("the previous Deployment is running again");
        assertThat(run.err()).contains("updating ConfigMap/reco-service-env").contains("restoring ConfigMap/reco-service-env")
                .contains("restoring Deployment/reco-service");
        // Nothing of the failed release is left: the ConfigMap has its old data, the Deployment its old image.
        assertThat(admin.configMaps().inNamespace(NS).withName("reco-service-env").get().getData()).isEqualTo(before);
        Deployment d = deployment();
        assertThat(image(d)).endsWith("@" + GOOD);
        assertThat(d.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv()).noneMatch(e -> e.getName().equals("FEATURE"));
        assertFullyAvailable(d);
    }

    @Test
    void aFirstDeployWhoseWritesKeepFailingLeavesNothingBehind() {
        proxy.answer("500 on every apply of the Service", write("PATCH", "/api/v1/namespaces/" + NS + "/services/reco-service"), 1, 4, 500);

        CliRun run = deploy(GOOD);

        assertThat(run.exitCode()).as(run.err()).isEqualTo(3);
        assertThat(run.result("deploy").path("errorDetails").path("message").asText())
                .contains("failed writing Service/reco-service after retries").contains("the objects this deploy created were removed");
        assertThat(releaseObjects()).isEmpty();
        assertThat(admin.apps().deployments().inNamespace(NS).list().getItems()).isEmpty();
    }

    @Test
    void aWatchCutDuringTheRolloutIsReEstablishedAndTheCompletionIsNotMissed() {
        assertThat(deploy(GOOD).exitCode()).isZero();
        String deployments = "/apis/apps/v1/namespaces/" + NS + "/deployments";
        // Cut the Deployment watch just before it would deliver the new image, i.e. in the middle of the rollout.
        FaultProxy.Rule cut = proxy.cutStream("watch cut mid-rollout", watchOf(deployments), 1, 1, GOOD_TOO);

        CliRun run = deploy(GOOD_TOO);

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(cut.fired()).isEqualTo(1);
        assertThat(run.err()).contains("the watch of " + deployments + " ended (a dropped connection, or the server closed it); the client listed again and watches anew");
        List<String> log = proxy.log();
        int cutAt = indexOf(log, l -> l.startsWith("cut GET " + deployments));
        assertThat(cutAt).as("the watch was cut: %s", log).isNotNegative();
        assertThat(log.subList(cutAt + 1, log.size())).as("a new watch after the cut")
                .anyMatch(l -> l.startsWith("GET " + deployments) && l.contains("watch=true"));
        // Completion was seen from the re-established watch, well before the 20 s deadline would have ended the wait.
        assertThat(run.result("deploy").path("rolloutSeconds").asDouble()).isLessThan(10);
        Deployment d = deployment();
        assertThat(image(d)).endsWith("@" + GOOD_TOO);
        assertFullyAvailable(d);
    }

    /** Rolled out: every wanted replica of the current template is available (the same test as DeployCommandTest's). */
    static void assertFullyAvailable(Deployment d) {
        assertThat(d.getStatus().getAvailableReplicas()).isEqualTo(d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas());
        assertThat(d.getStatus().getUpdatedReplicas()).isEqualTo(d.getStatus().getAvailableReplicas());
    }

    static int indexOf(List<String> lines, Predicate<String> p) {
        for (int i = 0; i < lines.size(); i++) {
            if (p.test(lines.get(i))) {
                return i;
            }
        }
        return -1;
    }
}
