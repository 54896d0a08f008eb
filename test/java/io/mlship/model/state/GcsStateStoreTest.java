package io.mlship.model.state;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.cloud.NoCredentials;
import com.google.cloud.storage.Blob;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageOptions;
import io.mlship.model.GcsUri;
import io.mlship.sandbox.storage.StorageJsonApi;
import io.mlship.state.StateObject;
import io.mlship.state.StateStore;
import io.mlship.state.StateStoreContract;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Cloud Storage store over the production client and the sandbox's JSON API, one server for the class. */
class GcsStateStoreTest extends StateStoreContract {
    static final AtomicInteger ENVS = new AtomicInteger();
    @TempDir
    static Path root;
    static StorageJsonApi api;
    static Storage storage;

    @BeforeAll
    static void start() throws Exception {
        Files.createDirectories(root.resolve("ds-release-state"));
        api = StorageJsonApi.start(root, 0);
        storage = StorageOptions.newBuilder().setHost(api.url()).setProjectId("ds-ml-staging")
                .setCredentials(NoCredentials.getInstance()).build().getService();
    }

    @AfterAll
    static void stop() throws Exception {
        storage.close();
        api.close();
    }

    @Override
    protected StateStore store() {
        return new GcsStateStore(storage, GcsUri.parse("gs://ds-release-state/mlship"), "reco-model", "env" + ENVS.incrementAndGet());
    }

    @Test
    void aDocumentIsAJsonObjectUnderServiceAndEnvironmentWhoseGenerationIsItsVersion() {
        StateStore s = new GcsStateStore(storage, GcsUri.parse("gs://ds-release-state/mlship/"), "reco-model", "staging");
        StateObject written = s.write("deploy", "{\"model\":\"v3\"}", null);

        Blob blob = storage.get(BlobId.of("ds-release-state", "mlship/reco-model/staging/deploy.json"));
        assertThat(blob.getGeneration()).hasToString(written.version());
        assertThat(new String(blob.getContent())).isEqualTo("{\"model\":\"v3\"}");
        assertThat(s.where()).isEqualTo("gs://ds-release-state/mlship/reco-model/staging/");
    }

    @Test
    void documentsOfAnotherEnvironmentOrNestedBelowAreNotListed() {
        StateStore staging = new GcsStateStore(storage, GcsUri.parse("gs://ds-release-state/other/"), "reco-model", "staging");
        StateStore prod = new GcsStateStore(storage, GcsUri.parse("gs://ds-release-state/other/"), "reco-model", "staging-eu");
        staging.write("journal-00001", "{}", null);
        prod.write("journal-00001", "{\"eu\":1}", null);
        storage.create(com.google.cloud.storage.BlobInfo.newBuilder("ds-release-state", "other/reco-model/staging/journal-x/y.json").build(),
                new byte[0]);

        assertThat(staging.list("journal")).extracting(StateObject::content).containsExactly("{}");
    }
}
