package io.mlship.release;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.cloud.NoCredentials;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageOptions;
import io.mlship.kube.connect.GkeClusters;
import io.mlship.model.ArtifactStore;
import io.mlship.model.ModelAccess;
import io.mlship.model.VertexApi;
import io.mlship.sandbox.kube.SandboxCluster;
import io.mlship.sandbox.storage.StorageJsonApi;
import io.mlship.spec.EnvironmentView;
import io.mlship.spec.LoadedSpec;
import io.mlship.spec.SpecFixtures;
import io.mlship.spec.SpecLoader;
import io.mlship.state.StateStore;
import io.mlship.state.StateStores;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which store an environment's state goes to: ConfigMaps in the namespace of a spec that deploys (on the sandbox's
 * API, reached through a kubeconfig), the {@code state} folder in Cloud Storage of a model-only spec (the sandbox's
 * JSON API), else the workspace.
 */
class EnvironmentStateStoresTest {
    static final String MODEL_ONLY = """
            apiVersion: mlship/v1
            service:
              name: reco-model
              team: ds-reco
            model:
              id: reco-ranker
              artifacts: "gs://ds-training-output/reco-ranker/{version}/"
              serving:
                image: us-docker.pkg.dev/vertex-ai/prediction/sklearn-cpu.1-3:latest
                predictRoute: /predict
                healthRoute: /health
            environments:
              staging:
                projects:
                  vertex: ds-ml-staging
                region: europe-west4
                endpoint: reco-staging
            """;

    @TempDir
    static Path dir;
    static SandboxCluster cluster;
    static StorageJsonApi storageApi;
    static Path kubeconfig;

    @BeforeAll
    static void start() throws Exception {
        cluster = SandboxCluster.start().withNamespace("reco");
        kubeconfig = cluster.writeKubeconfig(dir.resolve("kubeconfig"), "sandbox");
        Files.createDirectories(dir.resolve("buckets/ds-release-state"));
        storageApi = StorageJsonApi.start(dir.resolve("buckets"), 0);
    }

    @AfterAll
    static void stop() {
        storageApi.close();
        cluster.close();
    }

    static EnvironmentView environment(String spec) {
        Path repo = SpecFixtures.repoIn(dir.resolve("repo-" + Math.abs(spec.hashCode())));
        Path file = SpecFixtures.write(repo, "mlship.yaml", spec);
        LoadedSpec loaded = new SpecLoader(new ObjectMapper()).load(file, repo);
        assertThat(loaded.errors()).isEmpty();
        return EnvironmentView.of(loaded, "staging");
    }

    /** The sandbox's Cloud Storage as the model adapter gives it; promotions are not what these tests run. */
    static ModelAccess sandboxStorage() {
        return new ModelAccess() {
            @Override
            public VertexApi vertex(String region) {
                throw new UnsupportedOperationException("no Vertex AI here");
            }

            @Override
            public ArtifactStore artifacts(String project) {
                throw new UnsupportedOperationException("no artifacts here");
            }

            @Override
            public Storage storage(String project, Duration requestTimeout) {
                return StorageOptions.newBuilder().setHost(storageApi.url()).setProjectId(project)
                        .setCredentials(NoCredentials.getInstance()).build().getService();
            }

            @Override
            public Duration pollInterval() {
                return Duration.ofMillis(100);
            }
        };
    }

    StateStores stores = new EnvironmentStateStores(new GkeClusters(Map.of()), sandboxStorage());
    StateStores.Target target = new StateStores.Target(kubeconfig.toString(), "sandbox", dir.resolve("workspace"),
            Duration.ofSeconds(20));

    @Test
    void aSpecThatDeploysKeepsItsStateInConfigMapsInItsNamespace() {
        try (StateStore store = stores.open(environment(SpecFixtures.validSpec()), target)) {
            store.write("deploy", "{\"image\":\"a\"}", null);

            assertThat(store.where()).isEqualTo("ConfigMaps mlship-state.reco-service.staging.* in namespace reco");
        }
        assertThat(cluster.client().configMaps().inNamespace("reco").withName("mlship-state.reco-service.staging.deploy")
                .get().getData()).containsEntry("state.json", "{\"image\":\"a\"}");
    }

    @Test
    void aModelOnlySpecWithAStateFolderKeepsItInCloudStorage() {
        String spec = MODEL_ONLY + "    state:\n      bucket: ds-release-state\n      prefix: mlship\n";
        try (StateStore store = stores.open(environment(spec), target)) {
            store.write("promotion", "{\"model\":\"v3\"}", null);

            assertThat(store.where()).isEqualTo("gs://ds-release-state/mlship/reco-model/staging/");
        }
        assertThat(dir.resolve("buckets/ds-release-state/mlship/reco-model/staging/promotion.json"))
                .hasContent("{\"model\":\"v3\"}");
    }

    @Test
    void aModelOnlySpecWithoutOneKeepsItInTheWorkspace() {
        try (StateStore store = stores.open(environment(MODEL_ONLY), target)) {
            store.write("promotion", "{}", null);
        }
        assertThat(dir.resolve("workspace/promotion-staging.json")).hasContent("{}");
    }
}
