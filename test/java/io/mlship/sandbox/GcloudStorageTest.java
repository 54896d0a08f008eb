package io.mlship.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlship.sandbox.storage.StorageJsonApi;
import io.mlship.sandbox.vertex.ProjectNumbers;
import io.mlship.sandbox.vertex.VertexEmulator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The official Google Cloud CLI, unchanged, against the sandbox's Cloud Storage JSON API and Vertex AI emulator:
 * training output uploaded with {@code gcloud storage cp -r} (small files as multipart uploads, one past gcloud's
 * 8 MiB resumable threshold as a resumable upload), listed with {@code gcloud storage ls}, then registered with
 * {@code gcloud ai models upload} from that upload and described by project id and by project number. gcloud is
 * configured as a user would be: {@code api_endpoint_overrides/storage} and {@code /aiplatform},
 * {@code auth/disable_credentials true}, {@code core/project} (as CLOUDSDK_* variables of a throwaway configuration).
 * Eight gcloud runs, a few seconds each.
 */
class GcloudStorageTest {
    static final String PROJECT = "ds-ml-staging";
    static final String REGION = "europe-west4";
    static final Path TRAINING = Path.of("examples/reco-service/training-output/reco-ranker/v1").toAbsolutePath();

    @TempDir
    static Path tmp;
    static StorageJsonApi storage;
    static VertexEmulator vertex;
    static Path output;
    static Gcloud gcloud;

    /** The training output of a run, as a Jupyter VM leaves it: the example's model plus a large shard. */
    @BeforeAll
    static void uploadTrainingOutputWithGcloud() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("storage/ds-training-output"));
        storage = StorageJsonApi.start(root.getParent(), 0);
        vertex = VertexEmulator.builder(root.getParent()).storageUrl(storage.url()).operationDelay(Duration.ZERO).start();
        output = tmp.resolve("v1");
        io.mlship.spec.SpecFixtures.copyTree(TRAINING, output);
        byte[] shard = new byte[9 * 1024 * 1024]; // past storage/resumable_threshold (8 MiB): a resumable upload
        new Random(7).nextBytes(shard);
        Files.createDirectories(output.resolve("shards"));
        Files.write(output.resolve("shards/embeddings-0.bin"), shard);

        gcloud = Gcloud.in(tmp.resolve("gcloud")).with("api_endpoint_overrides/storage", storage.restUrl())
                .with("api_endpoint_overrides/aiplatform", vertex.restUrl()).with("auth/disable_credentials", "true")
                .with("core/project", PROJECT);
        gcloud.run("storage", "cp", "-r", output.toString(), "gs://ds-training-output/reco-ranker/");
    }

    @AfterAll
    static void stop() {
        if (vertex != null) {
            vertex.close();
        }
        if (storage != null) {
            storage.close();
        }
    }

    @Test
    void cpRecursiveUploadedEveryFileByteForByteAndLsListsThem() throws Exception {
        List<String> files = relativeFiles(output);
        assertThat(files).contains("shards/embeddings-0.bin").hasSizeGreaterThan(2);
        Path uploaded = tmp.resolve("storage/ds-training-output/reco-ranker/v1");
        for (String f : files) {
            assertThat(Files.readAllBytes(uploaded.resolve(f))).as(f).isEqualTo(Files.readAllBytes(output.resolve(f)));
        }

        String recursive = gcloud.run("storage", "ls", "-r", "gs://ds-training-output/reco-ranker/");
        for (String f : files) {
            assertThat(recursive).contains("gs://ds-training-output/reco-ranker/v1/" + f);
        }
        assertThat(recursive).contains("gs://ds-training-output/reco-ranker/v1/shards/:");
        assertThat(gcloud.run("storage", "ls")).contains("gs://ds-training-output/");
    }

    @Test
    void aModelUploadedFromThatOutputAndAnEndpointAreDescribedByProjectIdAndByNumber() throws Exception {
        String number = ProjectNumbers.of(PROJECT);
        gcloud.run("ai", "models", "upload", "--region=" + REGION, "--display-name=reco-ranker", "--model-id=reco-ranker",
                "--container-image-uri=europe-west4-docker.pkg.dev/ds-artifacts/ds-images/reco-service:sandbox",
                "--artifact-uri=gs://ds-training-output/reco-ranker/v1/", "--container-predict-route=/predict",
                "--container-health-route=/health", "--container-ports=8080");
        String byId = "projects/" + PROJECT + "/locations/" + REGION + "/models/reco-ranker";
        assertThat(gcloud.run("ai", "models", "describe", byId, "--format=value(name,artifactUri)"))
                .contains("projects/" + number + "/locations/" + REGION + "/models/reco-ranker")
                .contains("gs://ds-training-output/reco-ranker/v1/");
        assertThat(gcloud.run("ai", "models", "describe", "projects/" + number + "/locations/" + REGION + "/models/reco-ranker",
                "--format=value(versionId)")).contains("1");

        Matcher created = Pattern.compile("endpoints/([0-9]+)")
                .matcher(gcloud.run("ai", "endpoints", "create", "--region=" + REGION, "--display-name=reco-storage"));
        assertThat(created.find()).isTrue();
        String endpoint = created.group(1);
        assertThat(gcloud.run("ai", "endpoints", "describe", endpoint, "--region=" + REGION, "--format=value(name,displayName)"))
                .contains("projects/" + number + "/locations/" + REGION + "/endpoints/" + endpoint).contains("reco-storage");
        assertThat(gcloud.run("ai", "endpoints", "describe", "projects/" + number + "/locations/" + REGION + "/endpoints/"
                + endpoint, "--format=value(displayName)")).contains("reco-storage");
    }

    private static List<String> relativeFiles(Path dir) throws IOException {
        List<String> out = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.filter(Files::isRegularFile).forEach(f -> out.add(dir.relativize(f).toString().replace('\\', '/')));
        }
        return out;
    }
}
