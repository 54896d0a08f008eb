package io.mlship.kube;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.mlship.cli.CliRun;
import io.mlship.kube.connect.FieldManager;
import io.mlship.kube.manifest.ManifestRenderer;
import io.mlship.kube.manifest.PodImage;
import io.mlship.kube.manifest.ReleaseIdentity;
import io.mlship.sandbox.kube.RolloutSimulator;
import io.mlship.sandbox.kube.SandboxCluster;
import io.mlship.spec.EnvironmentView;
import io.mlship.spec.SpecFixtures;
import io.mlship.spec.SpecLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cluster deployed by an mlship from before server-side apply: its objects were written with plain creates as
 * field manager mlship, so mlship owns their fields through Update entries. The current deploy must move those
 * fields into its Apply entry once, so that what it no longer renders goes away while fields other managers set
 * stay. One sandbox for the class; each test deploys into its own namespace.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OwnershipUpgradeDeployTest {
    static final String GOOD = DeployCommandTest.GOOD;
    static final String GOOD_TOO = DeployCommandTest.GOOD_TOO;
    static final String SERVICE = "reco-service";
    static final String GIT_SHA = "0123abc";
    /** What the older renderer produced and the current one does not. */
    static final String OLD_ANNOTATION = "mlship.io/rendered-by";
    static final String OLD_ENV = "LEGACY_CACHE_DIR";
    static final String OLD_DATA_KEY = "LEGACY_FLAG";
    /** Set by someone else on the live Deployment. */
    static final String TEAM_ANNOTATION = "team.example/owner";

    SandboxCluster cluster;
    KubernetesClient admin;
    /** Writes as the older mlship did: plain creates and updates, fieldManager=mlship added to each. */
    KubernetesClient oldMlship;
    Path kubeconfig;

    @TempDir
    Path tmp;
    String ns;
    Path spec;
    RolloutSimulator simulator;

    @BeforeAll
    void startCluster(@TempDir Path dir) throws Exception {
        cluster = SandboxCluster.start().withNamespace("storefront");
        admin = cluster.client();
        oldMlship = new KubernetesClientBuilder().withConfig(admin.getConfiguration())
                .withHttpClientBuilderConsumer(b -> b.addOrReplaceInterceptor("mlship-field-manager", new FieldManager())).build();
        kubeconfig = cluster.writeKubeconfig(dir.resolve("kubeconfig"), DeployCommandTest.CONTEXT);
    }

    @AfterAll
    void stopCluster() {
        oldMlship.close();
        cluster.close();
    }

    /** A namespace per test, named after it, with the spec pointed at it and a simulator playing its controllers. */
    void namespace(String name) {
        ns = name;
        cluster.withNamespace(ns);
        simulator = RolloutSimulator.builder(admin, ns).build().start();
        Path repo = SpecFixtures.repoIn(tmp.resolve("repo-" + ns));
        spec = SpecFixtures.write(repo, "mlship.yaml",
                SpecFixtures.read(Path.of("test/resources/deploy/mlship.yaml")).replace("namespace: reco", "namespace: " + ns));
    }

    @AfterEach
    void stopSimulator() {
        if (simulator != null) {
            simulator.close();
        }
    }

    @Test
    void aDeployAfterTheOldMlshipRemovesWhatItNoLongerRendersAndKeepsWhatOthersSet() {
        namespace("upgrade-new-image");
        deployLikeTheOldMlship(GOOD, "build-41");
        annotateAsAnotherTool();

        CliRun run = deploy(GOOD_TOO, "build-42");

        assertThat(run.exitCode()).as(run.err()).isZero();
        Deployment d = deployment();
        assertThat(DeployCommandTest.image(d)).endsWith("@" + GOOD_TOO);
        assertThat(d.getMetadata().getAnnotations()).doesNotContainKey(OLD_ANNOTATION).containsEntry(TEAM_ANNOTATION, "search");
        assertThat(envNames(d)).doesNotContain(OLD_ENV);
        assertThat(configMap().getData()).doesNotContainKey(OLD_DATA_KEY).containsKey("MODEL_DIR");
        assertOwnershipMoved();
        assertThat(fieldsOf(d, "team-tool", "Update").path("f:metadata").path("f:annotations").has("f:" + TEAM_ANNOTATION)).isTrue();
        // The autoscaler's business: the count the old mlship set stays, and mlship's apply does not claim it.
        assertThat(d.getSpec().getReplicas()).isEqualTo(2);
        assertThat(fieldsOf(d, "mlship", "Apply").path("f:spec").has("f:replicas")).isFalse();
    }

    @Test
    void theAutoscalersReplicaCountSurvivesTheMoveAndLaterDeploys() {
        namespace("upgrade-autoscaled");
        deployLikeTheOldMlship(GOOD, "build-41");
        assertThat(deploy(GOOD_TOO, "build-42").exitCode()).isZero();

        scaleAsTheAutoscaler(3);
        CliRun next = deploy(GOOD, "build-43");

        assertThat(next.exitCode()).as(next.err()).isZero();
        assertThat(deployment().getSpec().getReplicas()).isEqualTo(3);
    }

    @Test
    void reDeployingTheSameReleaseStillRemovesWhatTheOldMlshipRendered() {
        namespace("upgrade-same-release");
        deployLikeTheOldMlship(GOOD, "build-41");
        // Nothing else differs, so only the pending move makes the plan apply these objects.
        CliRun dry = deploy(GOOD, "build-41", "--dry-run");
        assertThat(dry.exitCode()).as(dry.err()).isZero();
        assertThat(dry.out()).contains("~ Deployment/reco-service (1 field)", "~ ConfigMap/reco-service-env (1 field)",
                "mlship's fields from its earlier updates move to its server-side apply");
        assertThat(deployment().getMetadata().getAnnotations()).containsKey(OLD_ANNOTATION);

        CliRun run = deploy(GOOD, "build-41");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(deployment().getMetadata().getAnnotations()).doesNotContainKey(OLD_ANNOTATION);
        assertThat(configMap().getData()).doesNotContainKey(OLD_DATA_KEY);
        assertOwnershipMoved();
    }

    /**
     * The objects the current renderer makes for {@code release}, plus what an older renderer added, created as
     * the older mlship did: a plain create each, fieldManager=mlship. It also set the replica count itself.
     */
    private void deployLikeTheOldMlship(String digest, String release) {
        for (HasMetadata o : render(digest, release)) {
            if (o instanceof Deployment d) {
                Map<String, String> annotations = new LinkedHashMap<>();
                if (d.getMetadata().getAnnotations() != null) {
                    annotations.putAll(d.getMetadata().getAnnotations());
                }
                annotations.put(OLD_ANNOTATION, "mlship-0.9");
                d.getMetadata().setAnnotations(annotations);
                d.getSpec().setReplicas(2);
                d.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().add(new EnvVar(OLD_ENV, "/tmp/cache", null));
            }
            if (o instanceof ConfigMap cm) {
                cm.getData().put(OLD_DATA_KEY, "1");
            }
            oldMlship.resource(o).create();
        }
        // The simulated controller annotates the revision on its own thread; wait for it, so that its write
        // cannot land between a dry run's read of the live object and its apply and show up in the plan.
        Deployment created = admin.apps().deployments().inNamespace(ns).withName(SERVICE).waitUntilCondition(
                d -> d != null && d.getMetadata().getAnnotations() != null
                        && d.getMetadata().getAnnotations().containsKey("deployment.kubernetes.io/revision"),
                30, TimeUnit.SECONDS);
        assertThat(created.getMetadata().getManagedFields()).filteredOn(e -> e.getManager().equals("mlship"))
                .singleElement().extracting(ManagedFieldsEntry::getOperation).isEqualTo("Update");
        assertThat(fieldsOf(created, "mlship", "Update").path("f:spec").has("f:replicas")).isTrue();
    }

    private List<HasMetadata> render(String digest, String release) {
        EnvironmentView view = EnvironmentView.of(new SpecLoader(new ObjectMapper()).load(spec, spec.getParent()), "staging");
        return new ManifestRenderer().render(view, PodImage.byDigest(view.imageRepository(), digest),
                new ReleaseIdentity(release, GIT_SHA));
    }

    private void annotateAsAnotherTool() {
        admin.apps().deployments().inNamespace(ns).withName(SERVICE).patch(
                new PatchContext.Builder().withPatchType(PatchType.JSON_MERGE).withFieldManager("team-tool").build(),
                "{\"metadata\":{\"annotations\":{\"" + TEAM_ANNOTATION + "\":\"search\"}}}");
    }

    /** The HPA controller writes the replica count (the sandbox has no scale subresource: a patch of spec.replicas). */
    private void scaleAsTheAutoscaler(int replicas) {
        admin.apps().deployments().inNamespace(ns).withName(SERVICE).patch(
                new PatchContext.Builder().withPatchType(PatchType.JSON_MERGE).withFieldManager("kube-controller-manager").build(),
                "{\"spec\":{\"replicas\":" + replicas + "}}");
    }

    /** On every object mlship deployed: its Apply entry, and no Update entry of mlship's left over. */
    private void assertOwnershipMoved() {
        List<HasMetadata> objects = new ArrayList<>();
        objects.add(deployment());
        objects.add(configMap());
        objects.add(admin.serviceAccounts().inNamespace(ns).withName(SERVICE).get());
        objects.add(admin.services().inNamespace(ns).withName(SERVICE).get());
        for (HasMetadata o : objects) {
            List<ManagedFieldsEntry> mine = o.getMetadata().getManagedFields().stream()
                    .filter(e -> e.getManager().equals("mlship") && e.getSubresource() == null).toList();
            assertThat(mine).as(o.getKind() + " managedFields of mlship").singleElement()
                    .extracting(ManagedFieldsEntry::getOperation).isEqualTo("Apply");
        }
    }

    private CliRun deploy(String digest, String release, String... extra) {
        Path out = tmp.resolve("out-" + ns + "-" + release + extra.length);
        List<String> args = new ArrayList<>(List.of("deploy", "--spec", spec.toString(), "--env", "staging",
                "--kubeconfig", kubeconfig.toString(), "--result-dir", out.toString(), "--git-sha", GIT_SHA,
                "--release-id", release, "--image-digest", digest, "--certificate-timeout", "10s", "--ingress-timeout", "10s"));
        args.addAll(List.of(extra));
        return CliRun.of(out, args.toArray(String[]::new));
    }

    private static List<String> envNames(Deployment d) {
        List<EnvVar> env = d.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv();
        return env == null ? List.of() : env.stream().map(EnvVar::getName).toList();
    }

    private Deployment deployment() {
        return admin.apps().deployments().inNamespace(ns).withName(SERVICE).get();
    }

    private ConfigMap configMap() {
        return admin.configMaps().inNamespace(ns).withName(SERVICE + "-env").get();
    }

    /** One manager's fieldsV1 (empty when it has no such entry). */
    private static JsonNode fieldsOf(HasMetadata o, String manager, String operation) {
        ObjectMapper json = new ObjectMapper();
        return o.getMetadata().getManagedFields().stream()
                .filter(e -> e.getManager().equals(manager) && e.getOperation().equals(operation) && e.getSubresource() == null)
                .findFirst().<JsonNode>map(e -> json.valueToTree(e.getFieldsV1().getAdditionalProperties())).orElse(json.createObjectNode());
    }
}
