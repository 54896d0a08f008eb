package io.mlship.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlship.sandbox.registry.ImageStore;
import io.mlship.sandbox.serving.ProcessRuntime;
import io.mlship.sandbox.storage.StorageJsonApi;
import io.mlship.sandbox.vertex.ImageServing;
import io.mlship.sandbox.vertex.ProjectNumbers;
import io.mlship.sandbox.vertex.VertexEmulator;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
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
        Path gcloud = onPath("gcloud");
        if (gcloud == null) {
            throw new IllegalStateException("gcloud is not on PATH: install the Google Cloud CLI to run the emulator "
                    + "against the client nobody here wrote");
        }
        Path storage = tmp.resolve("storage");
        io.mlship.spec.SpecFixtures.copyTree(EXAMPLE.resolve("training-output/reco-ranker/v1"), storage.resolve("ds-training-output/reco-ranker/v1"));
        // The model server is the example's image, run as the sandbox runs it; it reads its artifacts through Cloud Storage.
        Path images = Files.createDirectories(tmp.resolve("images"));
        String digest = ExampleImages.example(tmp.resolve("build")).copyInto(images);
        ProcessRuntime workloads = new ProcessRuntime(new ImageStore(images, System.err), tmp.resolve("run"), System.err);
        try (StorageJsonApi storageApi = StorageJsonApi.start(storage, 0);
             VertexEmulator emulator = VertexEmulator.builder(storage).runtime(new ImageServing(workloads, images))
                     .storageUrl(storageApi.url()).operationDelay(java.time.Duration.ZERO).start()) {
            Path config = tmp.resolve("gcloud-config");
            Files.createDirectories(config);
            run(config, "config", "set", "api_endpoint_overrides/aiplatform", emulator.restUrl());
            run(config, "config", "set", "auth/disable_credentials", "true");
            run(config, "config", "set", "core/project", "ds-ml-staging");

            run(config, "ai", "models", "upload", REGION, "--display-name=reco-ranker", "--model-id=reco-ranker",
                    "--container-image-uri=" + ExampleImages.REPOSITORY + "@" + digest,
                    "--artifact-uri=gs://ds-training-output/reco-ranker/v1/", "--container-command=python3",
                    "--container-args=-m,reco.server", "--container-env-vars=PYTHONPATH=/app/src",
                    "--container-predict-route=/predict", "--container-health-route=/health", "--container-ports=8080");
            String models = run(config, "ai", "models", "list", REGION, "--format=value(name,displayName)");
            assertThat(models).contains("reco-ranker");
            String described = run(config, "ai", "models", "describe", "reco-ranker", REGION, "--format=json");
            assertThat(described).contains("\"artifactUri\": \"gs://ds-training-output/reco-ranker/v1/\"")
                    .contains("\"versionId\": \"1\"");

            // Vertex AI names the project by its number; gcloud may name it by id or by number.
            String number = ProjectNumbers.of("ds-ml-staging");
            assertThat(run(config, "ai", "models", "describe", "reco-ranker", REGION, "--format=value(name)"))
                    .contains("projects/" + number + "/locations/europe-west4/models/reco-ranker");
            assertThat(run(config, "ai", "models", "describe", "projects/" + number + "/locations/europe-west4/models/reco-ranker",
                    "--format=value(versionId)")).contains("1");

            String created = run(config, "ai", "endpoints", "create", REGION, "--display-name=reco-gcloud");
            Matcher id = Pattern.compile("endpoints/([0-9]+)").matcher(created);
            assertThat(id.find()).as(created).isTrue();
            String endpoint = id.group(1);

            run(config, "ai", "endpoints", "deploy-model", endpoint, REGION, "--model=reco-ranker",
                    "--display-name=reco-ranker-v1", "--machine-type=n1-standard-2", "--traffic-split=0=100");
            assertThat(run(config, "ai", "endpoints", "describe", "projects/" + number + "/locations/europe-west4/endpoints/"
                    + endpoint, "--format=value(name,deployedModels[0].model)"))
                    .contains("projects/" + number + "/locations/europe-west4/endpoints/" + endpoint)
                    .contains("projects/" + number + "/locations/europe-west4/models/reco-ranker");

            Path request = tmp.resolve("request.json");
            Files.writeString(request, "{\"instances\": [{\"query\": \"matte red lipstick\", \"k\": 3}]}");
            String predicted = run(config, "ai", "endpoints", "predict", endpoint, REGION, "--json-request=" + request,
                    "--format=json");
            assertThat(predicted).contains("\"category\": \"lipstick\"");
        }
    }

    /** Runs gcloud with the throwaway configuration; returns stdout and stderr, failing with both when it fails. */
    private static String run(Path config, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add("gcloud");
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("CLOUDSDK_CONFIG", config.toString());
        pb.environment().put("CLOUDSDK_CORE_DISABLE_PROMPTS", "1");
        pb.environment().put("CLOUDSDK_COMPONENT_MANAGER_DISABLE_UPDATE_CHECK", "true");
        pb.environment().put("CLOUDSDK_CORE_DISABLE_USAGE_REPORTING", "true");
        Process p = pb.start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        String text = new String(out, StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as("gcloud " + String.join(" ", args) + "\n" + text).isZero();
        return text;
    }

    private static Path onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Path.of(dir, tool);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }

}
