package io.mlship.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlship.sandbox.registry.ImageStore;
import io.mlship.sandbox.serving.ProcessRuntime;
import io.mlship.sandbox.storage.StorageJsonApi;
import io.mlship.sandbox.vertex.ImageServing;
import io.mlship.sandbox.vertex.ProjectNumbers;
import io.mlship.sandbox.vertex.VertexEmulator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The official Google Cloud CLI against the emulator's REST mapping, through {@code api_endpoint_overrides/aiplatform}
 * in a throwaway gcloud configuration. Fails, saying so, when gcloud is not on PATH.
 */
class GcloudAgainstEmulatorTest {
    static final Path EXAMPLE = Path.of("examples/reco-service").toAbsolutePath();
    static final String REGION = "--region=europe-west4";

    @TempDir
    Path tmp;

    @Test
    void gcloudUploadsListsCreatesDeploysAndPredicts() throws Exception {
        Gcloud gcloud = Gcloud.in(tmp.resolve("gcloud"));
        Path storage = tmp.resolve("storage");
        io.mlship.spec.SpecFixtures.copyTree(EXAMPLE.resolve("training-output/reco-ranker/v1"), storage.resolve("ds-training-output/reco-ranker/v1"));
        // The model server is the example's image, run as the sandbox runs it; it reads its artifacts through Cloud Storage.
        Path images = Files.createDirectories(tmp.resolve("images"));
        String digest = ExampleImages.example(tmp.resolve("build")).copyInto(images);
        ProcessRuntime workloads = new ProcessRuntime(new ImageStore(images, System.err), tmp.resolve("run"), System.err);
        try (StorageJsonApi storageApi = StorageJsonApi.start(storage, 0);
             VertexEmulator emulator = VertexEmulator.builder(storage).runtime(new ImageServing(workloads, images))
                     .storageUrl(storageApi.url()).operationDelay(java.time.Duration.ZERO).start()) {
            gcloud.run("config", "set", "api_endpoint_overrides/aiplatform", emulator.restUrl());
            gcloud.run("config", "set", "auth/disable_credentials", "true");
            gcloud.run("config", "set", "core/project", "ds-ml-staging");

            gcloud.run("ai", "models", "upload", REGION, "--display-name=reco-ranker", "--model-id=reco-ranker",
                    "--container-image-uri=" + ExampleImages.REPOSITORY + "@" + digest,
                    "--artifact-uri=gs://ds-training-output/reco-ranker/v1/", "--container-command=python3",
                    "--container-args=-m,reco.server", "--container-env-vars=PYTHONPATH=/app/src",
                    "--container-predict-route=/predict", "--container-health-route=/health", "--container-ports=8080");
            String models = gcloud.run("ai", "models", "list", REGION, "--format=value(name,displayName)");
            assertThat(models).contains("reco-ranker");
            String described = gcloud.run("ai", "models", "describe", "reco-ranker", REGION, "--format=json");
            assertThat(described).contains("\"artifactUri\": \"gs://ds-training-output/reco-ranker/v1/\"")
                    .contains("\"versionId\": \"1\"");

            // Vertex AI names the project by its number; gcloud may name it by id or by number.
            String number = ProjectNumbers.of("ds-ml-staging");
            assertThat(gcloud.run("ai", "models", "describe", "reco-ranker", REGION, "--format=value(name)"))
                    .contains("projects/" + number + "/locations/europe-west4/models/reco-ranker");
            assertThat(gcloud.run("ai", "models", "describe", "projects/" + number + "/locations/europe-west4/models/reco-ranker",
                    "--format=value(versionId)")).contains("1");

            String created = gcloud.run("ai", "endpoints", "create", REGION, "--display-name=reco-gcloud");
            Matcher id = Pattern.compile("endpoints/([0-9]+)").matcher(created);
            assertThat(id.find()).as(created).isTrue();
            String endpoint = id.group(1);

            gcloud.run("ai", "endpoints", "deploy-model", endpoint, REGION, "--model=reco-ranker",
                    "--display-name=reco-ranker-v1", "--machine-type=n1-standard-2", "--traffic-split=0=100");
            assertThat(gcloud.run("ai", "endpoints", "describe", "projects/" + number + "/locations/europe-west4/endpoints/"
                    + endpoint, "--format=value(name,deployedModels[0].model)"))
                    .contains("projects/" + number + "/locations/europe-west4/endpoints/" + endpoint)
                    .contains("projects/" + number + "/locations/europe-west4/models/reco-ranker");

            Path request = tmp.resolve("request.json");
            Files.writeString(request, "{\"instances\": [{\"query\": \"matte red lipstick\", \"k\": 3}]}");
            String predicted = gcloud.run("ai", "endpoints", "predict", endpoint, REGION, "--json-request=" + request,
                    "--format=json");
            assertThat(predicted).contains("\"category\": \"lipstick\"");
        }
    }
}
