package io.mlship.kube;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.mlship.cli.CliRun;
import io.mlship.sandbox.kube.Behaviour;
import io.mlship.sandbox.kube.Kubectl;
import io.mlship.sandbox.kube.RolloutSimulator;
import io.mlship.sandbox.kube.SandboxCluster;
import io.mlship.spec.SpecFixtures;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** mlship deploy through the real fabric8 client against the in-process API, with the rollout simulator as the cluster. */
class DeployCommandTest {
    static final String GOOD = digest('1');
    static final String GOOD_TOO = digest('2');
    static final String CRASHES = digest('c');
    static final String NO_PULL = digest('d');
    static final String HANGS = digest('e');
    static final String NOT_READY = digest('f');
    static final String NS = "reco";
    static final String CONTEXT = "gke_ds-apps-staging_europe-west4_apps-staging";

    @TempDir
    Path tmp;
    SandboxCluster cluster;
    RolloutSimulator simulator;
    KubernetesClient admin;
    Path kubeconfig;
    Path spec;
    Path specWithoutIngress;

    @BeforeEach
    void start() throws Exception {
        cluster = SandboxCluster.start().withNamespace(NS).withNamespace("storefront");
        admin = cluster.client();
        simulator = RolloutSimulator.builder(admin, NS)
                .behaviour(CRASHES, Behaviour.CRASH_LOOP)
                .behaviour(NO_PULL, Behaviour.IMAGE_PULL_FAILURE)
                .behaviour(HANGS, Behaviour.HANG)
                .behaviour(NOT_READY, Behaviour.NOT_READY)
                .progressDeadline(Duration.ofMillis(300))
                .build().start();
        kubeconfig = cluster.writeKubeconfig(tmp.resolve("kubeconfig"), CONTEXT);
        Path repo = SpecFixtures.repoIn(tmp.resolve("repo"));
        spec = SpecFixtures.write(repo, "mlship.yaml", SpecFixtures.read(Path.of("test/resources/deploy/mlship.yaml")));
        specWithoutIngress = SpecFixtures.write(repo, "no-ingress.yaml", SpecFixtures.read(Path.of("test/resources/deploy/no-ingress.yaml")));
    }

    @AfterEach
    void stop() {
        simulator.close();
        cluster.close();
    }

    CliRun deploy(Path specFile, String... extra) {
        List<String> args = new ArrayList<>(List.of("deploy", "--spec", specFile.toString(), "--env", "staging",
                "--kubeconfig", kubeconfig.toString(), "--result-dir", tmp.resolve("out").toString(),
                "--git-sha", "0123abc"));
        args.addAll(List.of(extra));
        if (!args.contains("--certificate-timeout")) {
            args.addAll(List.of("--certificate-timeout", "10s", "--ingress-timeout", "10s"));
        }
        return CliRun.of(tmp.resolve("out"), args.toArray(String[]::new));
    }

    Deployment deployment() {
        return admin.apps().deployments().inNamespace(NS).withName("reco-service").get();
    }

    static String image(Deployment d) {
        return d.getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
    }

    @Test
    void firstDeployAppliesEveryObjectInOrderAndWaitsForTheRollout() throws Exception {
        CliRun run = deploy(spec, "--image-digest", GOOD);

        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode result = run.result("deploy");
        assertThat(result.path("namespace").asText()).isEqualTo(NS);
        assertThat(result.path("revision").asText()).isEqualTo("1");
        assertThat(result.path("previousRevision").isNull()).isTrue();
        assertThat(result.path("rolloutSeconds").asDouble()).isPositive();
        assertThat(result.path("ingressAddress").asText()).isEqualTo("10.128.0.42");
        assertThat(result.path("objectsApplied")).extracting(JsonNode::asText).containsExactly(
                "ServiceAccount/reco-service", "ConfigMap/reco-service-env", "NetworkPolicy/reco-service",
                "Deployment/reco-service", "Service/reco-service", "PodDisruptionBudget/reco-service",
                "HorizontalPodAutoscaler/reco-service", "Certificate/reco-service", "Ingress/reco-service");
        assertThat(run.out()).contains("+ Deployment/reco-service (new)");
        Deployment d = deployment();
        assertThat(image(d)).endsWith("@" + GOOD);
        assertThat(d.getMetadata().getLabels()).containsEntry("app.kubernetes.io/managed-by", "mlship")
                .containsEntry("mlship.io/git-sha", "0123abc").containsKey("mlship.io/release");
        assertThat(d.getSpec().getTemplate().getMetadata().getLabels()).doesNotContainKey("mlship.io/release");
        assertThat(d.getStatus().getAvailableReplicas()).isEqualTo(d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas());
        assertThat(writes()).isNotEmpty().allSatisfy(path -> assertThat(path).contains("fieldManager=mlship"));
    }

    @Test
    void reRunningTheSameDeployChangesNothing() {
        assertThat(deploy(spec, "--image-digest", GOOD).exitCode()).isZero();
        String version = deployment().getMetadata().getResourceVersion();
        Map<String, String> versions = resourceVersions();

        CliRun again = deploy(spec, "--image-digest", GOOD);

        assertThat(again.exitCode()).as(again.err()).isZero();
        assertThat(again.result("deploy").path("changes").asInt()).isZero();
        assertThat(again.result("deploy").path("objectsApplied")).isEmpty();
        assertThat(again.result("deploy").path("revision").asText()).isEqualTo("1");
        assertThat(again.out()).contains("= Deployment/reco-service (unchanged)").doesNotContain("+ ").doesNotContain("~ ");
        assertThat(deployment().getMetadata().getResourceVersion()).isEqualTo(version);
        assertThat(resourceVersions()).isEqualTo(versions);
    }

    @Test
    void rollbackPutsBackWhatRanBeforeTheLastDeployAndWaitsForIt() {
        assertThat(deploy(spec, "--image-digest", GOOD).exitCode()).isZero();
        assertThat(deploy(spec, "--image-digest", GOOD_TOO).exitCode()).isZero();
        assertThat(image(deployment())).endsWith("@" + GOOD_TOO);

        CliRun back = deploy(spec, "--rollback");

        assertThat(back.exitCode()).as(back.err()).isZero();
        assertThat(image(deployment())).endsWith("@" + GOOD);
        assertThat(back.result("deploy").path("action").asText()).isEqualTo("rollback");
        assertThat(back.result("deploy").path("restoredImage").asText()).endsWith("@" + GOOD);
        assertThat(back.err()).contains("is serving again");
        assertThat(deployment().getStatus().getAvailableReplicas()).isPositive();
    }

    @Test
    void rollbackOfAFirstDeployRemovesWhatItCreated() {
        assertThat(deploy(spec, "--image-digest", GOOD).exitCode()).isZero();

        CliRun back = deploy(spec, "--rollback");

        assertThat(back.exitCode()).as(back.err()).isZero();
        assertThat(deployment()).isNull();
        assertThat(admin.services().inNamespace(NS).withName("reco-service").get()).isNull();
    }

    @Test
    void rollbackWithoutARecordIsBadInputAndTouchesNothing() throws Exception {
        CliRun back = deploy(spec, "--rollback");

        assertThat(back.exitCode()).isEqualTo(2);
        assertThat(back.result("deploy").path("errorDetails").path("message").asText()).contains("nothing to roll back");
        assertThat(writes()).isEmpty();
    }

    @Test
    void aNewImageRollsOutAsTheNextRevision() {
        assertThat(deploy(spec, "--image-digest", GOOD).exitCode()).isZero();

        CliRun run = deploy(spec, "--image-digest", GOOD_TOO);

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.result("deploy").path("revision").asText()).isEqualTo("2");
        assertThat(run.result("deploy").path("previousRevision").asText()).isEqualTo("1");
        assertThat(run.out()).contains("~ Deployment/reco-service").contains(GOOD + "\" → \"").contains(GOOD_TOO);
        assertThat(image(deployment())).endsWith(GOOD_TOO);
    }

    static Stream<Arguments> failures() {
        return Stream.of(
                Arguments.of(CRASHES, "container server exited 1: ModuleNotFoundError: No module named 'ranker' (CrashLoopBackOff"),
                Arguments.of(NO_PULL, "cannot pull image europe-west4-docker.pkg.dev/ds-artifacts/ds-images/reco-service@" + NO_PULL
                        + " (ImagePullBackOff)"),
                Arguments.of(HANGS, "ProgressDeadlineExceeded: ReplicaSet \"reco-service-"),
                // Failing readiness alone waits for its grace (here the progress deadline, which the simulator reaches first).
                Arguments.of(NOT_READY, "Readiness probe failed: HTTP probe failed with statuscode: 503 ("));
    }

    @ParameterizedTest
    @MethodSource("failures")
    void aFailedRolloutRestoresThePreviousDeploymentAndSaysWhy(String badDigest, String reason) {
        assertThat(deploy(spec, "--image-digest", GOOD).exitCode()).isZero();
        Deployment before = deployment();

        CliRun run = deploy(spec, "--image-digest", badDigest);

        assertThat(run.exitCode()).as(run.err()).isEqualTo(1);
        JsonNode error = run.result("deploy").path("errorDetails");
        assertThat(error.path("category").asText()).isEqualTo("rolloutFailed");
        assertThat(error.path("message").asText()).contains(reason).contains("rolled back");
        Deployment after = deployment();
        assertThat(image(after)).endsWith("@" + GOOD);
        assertThat(after.getSpec().getTemplate()).isEqualTo(before.getSpec().getTemplate());
        assertThat(after.getMetadata().getLabels()).isEqualTo(before.getMetadata().getLabels());
        assertThat(after.getStatus().getAvailableReplicas()).isPositive();
    }

    @Test
    void whenThePreviousReleaseCannotComeBackEitherTheExitCodeSaysAPersonMustLook() {
        assertThat(deploy(spec, "--image-digest", GOOD).exitCode()).isZero();
        simulator.changeBehaviour(GOOD, Behaviour.CRASH_LOOP); // say, a dependency of the old release went away

        CliRun run = deploy(spec, "--image-digest", CRASHES);

        assertThat(run.exitCode()).as(run.err()).isEqualTo(4);
        JsonNode error = run.result("deploy").path("errorDetails");
        assertThat(error.path("category").asText()).isEqualTo("rollbackFailed");
        assertThat(error.path("message").asText()).contains("the restored Deployment/reco-service did not become healthy")
                .contains("exited 1");
        assertThat(image(deployment())).endsWith("@" + GOOD);
    }

    @Test
    void aChangedEnvRestartsThePods() {
        assertThat(deploy(spec, "--image-digest", GOOD).exitCode()).isZero();
        String hash = deployment().getSpec().getTemplate().getMetadata().getAnnotations().get("mlship.io/config-hash");
        SpecFixtures.write(spec.getParent(), "mlship.yaml", SpecFixtures.read(spec).replace("MODEL_DIR: /opt/model", "MODEL_DIR: /opt/model-v2"));

        CliRun run = deploy(spec, "--image-digest", GOOD);

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("data.MODEL_DIR: \"/opt/model\" → \"/opt/model-v2\"");
        assertThat(deployment().getSpec().getTemplate().getMetadata().getAnnotations().get("mlship.io/config-hash")).isNotEqualTo(hash);
        assertThat(run.result("deploy").path("revision").asText()).isEqualTo("2");
    }

    @Test
    void aFailedFirstDeployRemovesWhatItCreated() {
        CliRun run = deploy(spec, "--image-digest", CRASHES);

        assertThat(run.exitCode()).as(run.err()).isEqualTo(1);
        assertThat(deployment()).isNull();
        assertThat(admin.configMaps().inNamespace(NS).withName("reco-service-env").get()).isNull();
    }

    @Test
    void pruneRemovesOnlyObjectsMlshipOwns() {
        assertThat(deploy(spec, "--image-digest", GOOD).exitCode()).isZero();
        admin.configMaps().inNamespace(NS).resource(configMap("team-notes", Map.of("app.kubernetes.io/instance", "reco-service"))).create();
        admin.configMaps().inNamespace(NS).resource(configMap("other-service-env",
                Map.of("app.kubernetes.io/managed-by", "mlship", "app.kubernetes.io/instance", "other-service"))).create();

        CliRun run = deploy(specWithoutIngress, "--image-digest", GOOD);

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("- Ingress/reco-service", "- Certificate/reco-service", "- ConfigMap/reco-service-env");
        assertThat(admin.network().v1().ingresses().inNamespace(NS).withName("reco-service").get()).isNull();
        assertThat(admin.genericKubernetesResources(certificates()).inNamespace(NS).withName("reco-service").get()).isNull();
        assertThat(admin.configMaps().inNamespace(NS).withName("reco-service-env").get()).isNull();
        assertThat(admin.configMaps().inNamespace(NS).withName("team-notes").get()).isNotNull();
        assertThat(admin.configMaps().inNamespace(NS).withName("other-service-env").get()).isNotNull();
        assertThat(deployment()).isNotNull();
    }

    @Test
    void gatewayRoutingReplacesTheIngressWithAnHttpRouteOnTheEnvironmentsGatewayAndBack() throws Exception {
        assertThat(deploy(spec, "--image-digest", GOOD).exitCode()).isZero();
        Path gateway = SpecFixtures.write(spec.getParent(), "gateway.yaml", SpecFixtures.read(Path.of("test/resources/deploy/mlship.yaml"))
                .replaceFirst("(?m)^deploy:\n", "deploy:\n  routing: gateway\n")
                .replace("    host: reco.staging.internal.example.com\n",
                        "    host: reco.staging.internal.example.com\n    gateway: {name: internal-http, namespace: gateway-infra}\n"));
        var routes = admin.genericKubernetesResources("gateway.networking.k8s.io/v1", "HTTPRoute").inNamespace(NS);

        CliRun viaGateway = deploy(gateway, "--image-digest", GOOD);

        assertThat(viaGateway.exitCode()).as(viaGateway.err()).isZero();
        assertThat(viaGateway.out()).contains("+ HTTPRoute/reco-service", "- Ingress/reco-service", "- Certificate/reco-service");
        assertThat(admin.network().v1().ingresses().inNamespace(NS).withName("reco-service").get()).isNull();
        var route = routes.withName("reco-service").get();
        assertThat(route).isNotNull();
        assertThat(route.get("spec", "parentRefs").toString()).contains("name=internal-http", "namespace=gateway-infra");
        assertThat(route.get("spec", "hostnames").toString()).contains("reco.staging.internal.example.com");

        CliRun back = deploy(spec, "--image-digest", GOOD);

        assertThat(back.exitCode()).as(back.err()).isZero();
        assertThat(routes.withName("reco-service").get()).as("pruned with the switch back").isNull();
        assertThat(admin.network().v1().ingresses().inNamespace(NS).withName("reco-service").get()).isNotNull();
    }

    @Test
    void objectsMlshipDoesNotOwnStopTheDeployBeforeAnythingIsWritten() {
        admin.configMaps().inNamespace(NS).resource(configMap("reco-service-env", Map.of("app.kubernetes.io/managed-by", "helm"))).create();

        CliRun run = deploy(spec, "--image-digest", GOOD);

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.result("deploy").path("errorDetails").path("message").asText())
                .contains("ConfigMap/reco-service-env (app.kubernetes.io/managed-by=helm").contains("nothing was applied");
        assertThat(deployment()).isNull();
        assertThat(admin.serviceAccounts().inNamespace(NS).withName("reco-service").get()).isNull();
    }

    @Test
    void aMissingNamespaceIsBadInput() {
        admin.namespaces().withName(NS).delete();
        CliRun run = deploy(spec, "--image-digest", GOOD);
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("namespace reco does not exist");
    }

    @Test
    void missingCredentialsAreBadInputNamingTheFix() {
        CliRun run = CliRun.of(tmp.resolve("out"), "deploy", "--spec", spec.toString(), "--env", "staging",
                "--image-digest", GOOD, "--kubeconfig", tmp.resolve("nope").toString(), "--result-dir", tmp.resolve("out").toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("does not exist")
                .contains("gcloud container clusters get-credentials apps-staging --location europe-west4 --project ds-apps-staging");
    }

    @Test
    void aKubeconfigWithoutTheClustersContextIsBadInput() {
        CliRun run = deploy(spec, "--image-digest", GOOD, "--context", "gke_other_europe-west4_x");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("has no context 'gke_other_europe-west4_x'");
    }

    @Test
    void deployWithoutDigestIsRefusedButDryRunShowsTheDiff() {
        CliRun refused = deploy(spec);
        assertThat(refused.exitCode()).isEqualTo(2);
        assertThat(refused.err()).contains("--image-digest is required");

        assertThat(deploy(spec, "--image-digest", GOOD).exitCode()).isZero();
        String version = deployment().getMetadata().getResourceVersion();
        Map<String, String> versions = resourceVersions();
        CliRun dry = deploy(spec, "--image-digest", GOOD_TOO, "--dry-run");

        assertThat(dry.exitCode()).as(dry.err()).isZero();
        assertThat(dry.out()).contains("~ Deployment/reco-service (").contains("spec.template.spec.containers[0].image");
        assertThat(dry.result("deploy").path("dryRunMode").asText()).isEqualTo("server");
        assertThat(dry.result("deploy").path("objectsApplied")).isEmpty();
        assertThat(deployment().getMetadata().getResourceVersion()).isEqualTo(version);
        assertThat(resourceVersions()).isEqualTo(versions);
    }

    @Test
    void annotationsAndLabelsAnotherManagerSetSurviveADeployAndARollback() throws Exception {
        assertThat(deploy(spec, "--image-digest", GOOD).exitCode()).isZero();
        Kubectl kubectl = new Kubectl(kubeconfig);
        kubectl.run("annotate", "deployment/reco-service", "-n", NS, "team.example/owner=search").ok();
        kubectl.run("label", "deployment/reco-service", "-n", NS, "cost-center=42").ok();

        CliRun next = deploy(spec, "--image-digest", GOOD_TOO);
        assertThat(next.exitCode()).as(next.err()).isZero();
        Deployment deployed = deployment();
        assertThat(image(deployed)).endsWith("@" + GOOD_TOO);
        assertThat(deployed.getMetadata().getAnnotations()).containsEntry("team.example/owner", "search");
        assertThat(deployed.getMetadata().getLabels()).containsEntry("cost-center", "42").containsEntry("app.kubernetes.io/managed-by", "mlship");
        assertThat(deployed.getMetadata().getManagedFields()).anySatisfy(e -> {
            assertThat(e.getManager()).isEqualTo("mlship");
            assertThat(e.getOperation()).isEqualTo("Apply");
        });

        CliRun back = deploy(spec, "--rollback");
        assertThat(back.exitCode()).as(back.err()).isZero();
        Deployment restored = deployment();
        assertThat(image(restored)).endsWith("@" + GOOD);
        assertThat(restored.getMetadata().getAnnotations()).containsEntry("team.example/owner", "search");
        assertThat(restored.getMetadata().getLabels()).containsEntry("cost-center", "42");
    }

    @Test
    void aCertificateThatIsNeverIssuedIsReportedWithItsReason() {
        simulator.failCertificates("Waiting on certificate issuance from order reco/reco-service-1: \"pending\"");
        CliRun run = deploy(spec, "--image-digest", GOOD, "--certificate-timeout", "1s");
        assertThat(run.exitCode()).isEqualTo(3);
        assertThat(run.err()).contains("Certificate/reco-service was not Ready within 1s").contains("order reco/reco-service-1");
    }

    @Test
    void anIngressWithoutAddressIsReportedAfterTheRollout() {
        simulator.withoutIngressController();
        CliRun run = deploy(spec, "--image-digest", GOOD, "--certificate-timeout", "10s", "--ingress-timeout", "1s");
        assertThat(run.exitCode()).isEqualTo(3);
        assertThat(run.err()).contains("the service is rolled out, but Ingress/reco-service got no address within 1s")
                .contains("ingress controller");
        assertThat(image(deployment())).endsWith(GOOD);
    }

    private List<String> writes() throws InterruptedException {
        List<String> paths = new ArrayList<>();
        int n = cluster.server().getRequestCount();
        for (int i = 0; i < n; i++) {
            RecordedRequest r = cluster.server().takeRequest(1, TimeUnit.SECONDS);
            if (r == null) {
                break;
            }
            // mlship's writes, not the simulator's status updates or events
            if ((r.getMethod().equals("POST") || r.getMethod().equals("PATCH")) && !r.getPath().contains("/status")
                    && !r.getPath().contains("/events") && !r.getPath().contains("/pods") && !r.getPath().contains("/replicasets")
                    && !r.getPath().contains("/namespaces?") && !r.getPath().endsWith("/namespaces")) {
                paths.add(r.getPath());
            }
        }
        return paths;
    }

    private Map<String, String> resourceVersions() {
        Map<String, String> out = new java.util.TreeMap<>();
        admin.apps().deployments().inNamespace(NS).list().getItems().forEach(o -> out.put("deploy/" + o.getMetadata().getName(), o.getMetadata().getResourceVersion()));
        admin.serviceAccounts().inNamespace(NS).list().getItems().forEach(o -> out.put("sa/" + o.getMetadata().getName(), o.getMetadata().getResourceVersion()));
        admin.configMaps().inNamespace(NS).list().getItems().forEach(o -> out.put("cm/" + o.getMetadata().getName(), o.getMetadata().getResourceVersion()));
        admin.services().inNamespace(NS).list().getItems().forEach(o -> out.put("svc/" + o.getMetadata().getName(), o.getMetadata().getResourceVersion()));
        admin.network().v1().ingresses().inNamespace(NS).list().getItems().forEach(o -> out.put("ing/" + o.getMetadata().getName(), o.getMetadata().getResourceVersion()));
        return out;
    }

    private static ConfigMap configMap(String name, Map<String, String> labels) {
        return new ConfigMapBuilder().withNewMetadata().withName(name).withNamespace(NS).withLabels(labels).endMetadata()
                .addToData("k", "v").build();
    }

    static ResourceDefinitionContext certificates() {
        return new ResourceDefinitionContext.Builder().withGroup("cert-manager.io").withVersion("v1").withKind("Certificate")
                .withPlural("certificates").withNamespaced(true).build();
    }

    static String digest(char c) {
        return "sha256:" + String.valueOf(c).repeat(64);
    }
}
